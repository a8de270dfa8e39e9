package cert

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/transparency-dev/merkle/proof"
	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
)

// Verification statuses.
const (
	StatusValid    = "valid"
	StatusRevoked  = "revoked"
	StatusInvalid  = "invalid"
	StatusNotFound = "not_found"
)

// Reason is one finding of a verification, in both languages.
type Reason struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// SignatureCheck is the department's signature over the content.
type SignatureCheck struct {
	Alg         string `json:"alg"`
	KeyID       string `json:"key_id"`
	Fingerprint string `json:"fingerprint"`
	Valid       bool   `json:"valid"`
}

// LedgerCheck is where the cert.issue event is in the ledger and its proof.
type LedgerCheck struct {
	LeafIndex  uint64   `json:"leaf_index"`
	TreeSize   uint64   `json:"tree_size"`
	Root       string   `json:"root"`
	Proof      []string `json:"proof"`
	Checkpoint string   `json:"checkpoint"`
	Included   bool     `json:"included" doc:"The inclusion proof verified against the checkpoint's root"`
	Pending    bool     `json:"pending" doc:"Recorded after the latest checkpoint: provable at the next one"`
}

// FileCheck compares an uploaded file with the issued one.
type FileCheck struct {
	SM3     string `json:"sm3"`
	Matches bool   `json:"matches"`
}

// Verification is the outcome of checking a certificate.
type Verification struct {
	Number    string
	Found     bool
	Valid     bool
	Status    string
	Reasons   []Reason
	Content   *Content
	Row       *Row
	Signature *SignatureCheck
	Ledger    *LedgerCheck
	File      *FileCheck
}

func (v *Verification) fail(code, zh, en string) {
	v.Reasons = append(v.Reasons, Reason{Code: code, ZH: zh, EN: en})
}

// numberShape is the shape of a certificate number.
var numberShape = regexp.MustCompile(`^[A-Z0-9]{1,20}-[0-9]{4}-[0-9]{6}$`)

// NormalizeNumber trims and upper-cases a number a person typed; ok is
// false when it cannot be one.
func NormalizeNumber(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	return s, numberShape.MatchString(s)
}

// MaxUpload is the largest PDF the verification page takes.
const MaxUpload = 20 << 20

// Verify checks a certificate by number, or an uploaded file (number ""
// to find it from the file): found; the issuing department's SM2
// signature over the content, by the key the row names, which must be that
// department's; the cert.issue event agrees with the row and its ledger
// entry with the event, with an inclusion proof in the latest checkpoint;
// not revoked; and for a file, that it is the issued PDF, byte for byte.
func Verify(ctx context.Context, tx *store.Tx, number string, file []byte) (Verification, error) {
	var v Verification
	var digest string
	if file != nil {
		d := sm3.Sum(file)
		digest = hex.EncodeToString(d[:])
		v.File = &FileCheck{SM3: digest}
	}
	if number == "" && file != nil {
		number, _ = NumberFromPDF(file)
		if number == "" {
			if r, err := GetByPDF(ctx, tx, digest); err == nil {
				number = r.Number
			} else if !apperr.Is(err, apperr.NotFound) {
				return v, err
			}
		}
	}
	number, _ = NormalizeNumber(number)
	v.Number = number
	r, err := Get(ctx, tx, number)
	if apperr.Is(err, apperr.NotFound) || number == "" {
		v.Status = StatusNotFound
		if file != nil {
			v.fail("not_ours", "此文件不是本系统签发的电子证照（找不到证照编号，也没有与之完全相同的签发文件）",
				"this file is not a certificate issued here (no certificate number in it and no issued file identical to it)")
		} else {
			v.fail("not_found", "没有这个编号的证照", "there is no certificate with this number")
		}
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.Found, v.Row = true, &r
	c, err := r.Parsed()
	if err != nil {
		v.fail("content_damaged", "证照内容记录已损坏", "the certificate's stored content is damaged")
	} else {
		v.Content = &c
	}
	sigOK := checkSignature(ctx, tx, &v, r)
	if err != nil {
		return v, err
	}
	ledgerOK, err := checkLedger(ctx, tx, &v, r)
	if err != nil {
		return v, err
	}
	fileOK := true
	if file != nil {
		v.File.Matches = r.PDFSM3 != "" && r.PDFSM3 == digest
		if !v.File.Matches {
			fileOK = false
			v.fail("file_altered", "上传的文件与签发的原件不一致：文件被改动过，或不是该证照的签发文件",
				"the uploaded file differs from the issued one: it was altered, or it is not this certificate's issued file")
		}
	}
	switch {
	case !sigOK || !ledgerOK || !fileOK || v.Content == nil:
		v.Status = StatusInvalid
	case r.RevokedAt != nil:
		v.Status = StatusRevoked
		v.fail("revoked", "证照已于 "+r.RevokedAt.In(shanghai).Format("2006-01-02 15:04")+" 撤销："+r.RevokeReason,
			"the certificate was revoked on "+r.RevokedAt.In(shanghai).Format("2006-01-02 15:04")+": "+r.RevokeReason)
	default:
		v.Status, v.Valid = StatusValid, true
	}
	return v, nil
}

func checkSignature(ctx context.Context, tx *store.Tx, v *Verification, r Row) bool {
	v.Signature = &SignatureCheck{Alg: sign.SignatureAlg, KeyID: r.KeyID}
	keys, err := sign.KeysByID(ctx, tx, []string{r.KeyID})
	k, ok := keys[r.KeyID]
	if err != nil || !ok || k.Owner != sign.DeptOwner(r.DeptCode) {
		v.fail("key_unknown", "签名所用密钥不是签发部门的密钥", "the signing key is not the issuing department's")
		return false
	}
	v.Signature.Fingerprint = sign.Fingerprint(k.Public)
	v.Signature.Valid = sign.VerifySM2(k.Public, []byte(r.Content), r.Signature)
	if !v.Signature.Valid {
		v.fail("bad_signature", "签发部门的电子签名验证失败：证照内容在签发后被改动", "the issuing department's signature does not verify: the content was changed after issue")
	}
	return v.Signature.Valid
}

// checkLedger checks that the cert.issue event says what the row says and
// that it is in the ledger as it is, with its inclusion proof.
func checkLedger(ctx context.Context, tx *store.Tx, v *Verification, r Row) (bool, error) {
	bad := func() (bool, error) {
		v.fail("not_in_ledger", "防篡改账本中的签发记录与证照不符或缺失", "the issue record in the tamper-evident ledger is missing or disagrees with the certificate")
		return false, nil
	}
	e, err := store.GetEvent(ctx, tx, r.IssueEvent)
	if apperr.Is(err, apperr.NotFound) {
		return bad()
	}
	if err != nil {
		return false, err
	}
	var d struct {
		Number  string              `json:"number"`
		Content string              `json:"content"`
		Sig     sign.EventSignature `json:"cert_signature"`
	}
	if json.Unmarshal([]byte(e.DataText), &d) != nil || e.Kind != EventIssue || d.Number != r.Number || d.Content != r.Content ||
		d.Sig.Key != r.KeyID || d.Sig.Sig != base64.StdEncoding.EncodeToString(r.Signature) {
		return bad()
	}
	leaf, err := ledger.LeafOfEvent(ctx, tx, e.ID)
	if apperr.Is(err, apperr.NotFound) {
		return bad()
	}
	if err != nil {
		return false, err
	}
	data, err := ledger.EventLeafRaw(e, []byte(e.DataText))
	if err != nil || !bytes.Equal(ledger.Hasher{}.HashLeaf(data), leaf.Hash) {
		return bad()
	}
	lc := &LedgerCheck{LeafIndex: leaf.Index, Proof: []string{}}
	v.Ledger = lc
	cp, err := ledger.Latest(ctx, tx)
	if apperr.Is(err, apperr.NotFound) {
		lc.Pending = true
		return true, nil
	}
	if err != nil {
		return false, err
	}
	lc.TreeSize, lc.Root, lc.Checkpoint = cp.Size, hex.EncodeToString(cp.Root), string(cp.Note)
	if leaf.Index >= cp.Size {
		lc.Pending = true
		return true, nil
	}
	pr, err := ledger.InclusionProof(ctx, tx, leaf.Index, cp.Size)
	if err != nil {
		return false, err
	}
	for _, h := range pr {
		lc.Proof = append(lc.Proof, hex.EncodeToString(h))
	}
	lc.Included = proof.VerifyInclusion(ledger.Hasher{}, leaf.Index, cp.Size, leaf.Hash, pr, cp.Root) == nil
	if !lc.Included {
		return bad()
	}
	return true, nil
}

// VerifyOffline checks a certificate PDF against a downloaded project
// record (ledger.Record) with no database: the record's checkpoint and
// events verify (ledger.VerifyRecord, with verifiers or the record's own
// keys); a cert.pdf event of the record names this file's SM3; the
// cert.issue event of the same number is in the ledger under the
// checkpoint and its department signature verifies over its content; no
// cert.revoke event of the record revokes it (a revocation after the
// record was downloaded is not known offline).
func VerifyOffline(rec ledger.Record, file []byte, verifiers []note.Verifier) Verification {
	var v Verification
	d := sm3.Sum(file)
	digest := hex.EncodeToString(d[:])
	v.File = &FileCheck{SM3: digest}
	rep := ledger.VerifyRecord(rec, nil, verifiers)
	if rep.Err != nil {
		v.Status = StatusInvalid
		v.fail("record_invalid", "办件记录未通过校验："+rep.Err.ZH, "the record does not verify: "+rep.Err.EN)
		return v
	}
	verdicts := map[string]ledger.EventVerdict{}
	for _, ev := range rep.Events {
		verdicts[ev.ID] = ev
	}
	provable := func(id string) bool { return verdicts[id].Verdict == ledger.VerdictOK }
	var issue *ledger.RecordEvent
	for i, ev := range rec.Events {
		var dd struct {
			Number string `json:"number"`
			PDFSM3 string `json:"pdf_sm3"`
		}
		_ = json.Unmarshal(ev.Data, &dd)
		if ev.Kind == EventPDF && dd.PDFSM3 == digest {
			v.Number, v.File.Matches = dd.Number, provable(ev.ID)
		}
		_ = i
	}
	if v.Number == "" {
		v.Status = StatusNotFound
		v.fail("not_in_record", "办件记录中没有与此文件完全相同的签发文件", "no issued file in the record is identical to this file")
		return v
	}
	for i, ev := range rec.Events {
		var dd struct {
			Number  string              `json:"number"`
			Content string              `json:"content"`
			Sig     sign.EventSignature `json:"cert_signature"`
		}
		_ = json.Unmarshal(ev.Data, &dd)
		if dd.Number != v.Number {
			continue
		}
		switch ev.Kind {
		case EventIssue:
			issue = &rec.Events[i]
			v.Found = true
			var c Content
			if json.Unmarshal([]byte(dd.Content), &c) == nil {
				v.Content = &c
			}
			pub, _ := hex.DecodeString(dd.Sig.Pub)
			sig, _ := base64.StdEncoding.DecodeString(dd.Sig.Sig)
			v.Signature = &SignatureCheck{Alg: sign.SignatureAlg, KeyID: dd.Sig.Key, Fingerprint: sign.Fingerprint(pub),
				Valid: dd.Sig.Owner == string(sign.DeptOwner(c.Issuer.ID)) && sign.VerifySM2(pub, []byte(dd.Content), sig)}
			if li := verdicts[ev.ID].LeafIndex; li != nil {
				v.Ledger = &LedgerCheck{LeafIndex: *li, TreeSize: rec.TreeSize, Root: rec.Root, Proof: ev.Proof, Checkpoint: rec.Checkpoint, Included: provable(ev.ID)}
			}
		case EventRevoke:
			if provable(ev.ID) || verdicts[ev.ID].Verdict == ledger.VerdictPending {
				v.fail("revoked", "证照已于 "+ev.At.In(shanghai).Format("2006-01-02 15:04")+" 撤销："+ev.Opinion, "the certificate was revoked on "+ev.At.In(shanghai).Format("2006-01-02 15:04")+": "+ev.Opinion)
				v.Status = StatusRevoked
			}
		}
	}
	switch {
	case issue == nil:
		v.fail("no_issue", "办件记录中没有该证照的签发记录", "the record has no issue entry for this certificate")
	case !provable(issue.ID):
		v.fail("not_in_ledger", "签发记录未能由账本证明（不在检查点内或已被改动）", "the issue entry is not proven by the ledger (after the checkpoint, or altered)")
	case v.Signature == nil || !v.Signature.Valid:
		v.fail("bad_signature", "签发部门的电子签名验证失败", "the issuing department's signature does not verify")
	case !v.File.Matches:
		v.fail("file_altered", "文件的签发记录未能由账本证明", "the file's record is not proven by the ledger")
	}
	switch {
	case len(v.Reasons) > 0 && v.Status != StatusRevoked:
		v.Status = StatusInvalid
	case v.Status == StatusRevoked && len(v.Reasons) > 1:
		v.Status = StatusInvalid
	case v.Status == "":
		v.Status, v.Valid = StatusValid, true
	}
	return v
}
