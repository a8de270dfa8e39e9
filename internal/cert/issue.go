package cert

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
)

// Kinds of the certificate events in a project's record.
const (
	EventIssue  = "cert.issue"  // issued, with its signed content
	EventPDF    = "cert.pdf"    // its PDF rendered: SM3 of the file
	EventRevoke = "cert.revoke" // revoked (撤销), signed by the officer
)

// ContentTag starts every certificate's signed content.
const ContentTag = "tongban/cert/v1"

// Issues reports whether an item's result is a document that gets a
// certificate: a licence (许可证), an approval (批复) or a filing receipt
// (备案证明); review opinions do not.
func Issues(r catalog.ResultKind) bool {
	return r == catalog.ResultLicence || r == catalog.ResultApproval || r == catalog.ResultFiling
}

// Content is what the issuing department's SM2 key signs: its canonical
// JSON (docs/ledger.md, section 1).
type Content struct {
	V       string `json:"v"`
	Number  string `json:"number"`
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	Holder  Party  `json:"holder"`
	Project struct {
		ID       string `json:"id"`
		Code     string `json:"code"`
		Name     string `json:"name"`
		Location string `json:"location"`
		Scale    string `json:"scale"`
	} `json:"project"`
	Item struct {
		Code  string `json:"code"`
		Name  string `json:"name"`
		Basis string `json:"basis"`
	} `json:"item"`
	Issuer    Party  `json:"issuer"`
	TaskID    string `json:"task_id"`
	IssuedAt  int64  `json:"issued_at" doc:"unix milliseconds"`
	VerifyURL string `json:"verify_url"`
}

// Party is a holder (name, USCC) or an issuer (department name, code).
type Party struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// Canonical returns the content's canonical JSON.
func (c Content) Canonical() ([]byte, error) {
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, apperr.Wrap(err, "certificate content")
	}
	return ledger.CanonicalJSON(raw)
}

// Document returns what the PDF prints.
func (c Content) Document(keyID string, sig []byte) Document {
	digest := sm3.Sum(mustCanonical(c))
	return Document{Number: c.Number, Kind: c.Kind, Title: c.Title, HolderName: c.Holder.Name, HolderUSCC: c.Holder.ID,
		ProjectName: c.Project.Name, ProjectCode: c.Project.Code, Location: c.Project.Location, Scale: c.Project.Scale,
		ItemName: c.Item.Name, Basis: c.Item.Basis, Issuer: c.Issuer.Name, IssuedAt: time.UnixMilli(c.IssuedAt).UTC(),
		VerifyURL: c.VerifyURL, KeyID: keyID, Signature: sig, ContentSM3: hex.EncodeToString(digest[:])}
}

func mustCanonical(c Content) []byte {
	b, _ := c.Canonical()
	return b
}

// VerifyURL is the public verification page of a certificate number.
func VerifyURL(publicURL, number string) string {
	return strings.TrimRight(publicURL, "/") + "/verify/" + number
}

// Row is a stored certificate.
type Row struct {
	Number       string
	ProjectID    string
	TaskID       string
	ItemCode     string
	DeptCode     string
	Kind         string
	Title        string
	Content      string // canonical JSON, signed
	KeyID        string
	Signature    []byte
	IssuedAt     time.Time
	IssueEvent   string
	PDFBlob      string
	PDFSM3       string
	PDFError     string
	RevokedAt    *time.Time
	RevokeReason string
	RevokedBy    string
	RevokeEvent  string
}

// Parsed returns the row's signed content.
func (r Row) Parsed() (Content, error) {
	var c Content
	err := json.Unmarshal([]byte(r.Content), &c)
	return c, err
}

const rowCols = `number, project_id, task_id, item_code, dept_code, kind, title, content, key_id, signature, issued_at, issue_event,
pdf_blob, pdf_sm3, pdf_error, revoked_at, revoke_reason, revoked_by, revoke_event`

func scanRow(sc interface{ Scan(...any) error }) (Row, error) {
	var r Row
	var issued int64
	var revoked *int64
	err := sc.Scan(&r.Number, &r.ProjectID, &r.TaskID, &r.ItemCode, &r.DeptCode, &r.Kind, &r.Title, &r.Content, &r.KeyID, &r.Signature, &issued, &r.IssueEvent,
		&r.PDFBlob, &r.PDFSM3, &r.PDFError, &revoked, &r.RevokeReason, &r.RevokedBy, &r.RevokeEvent)
	r.IssuedAt = time.UnixMilli(issued).UTC()
	if revoked != nil {
		t := time.UnixMilli(*revoked).UTC()
		r.RevokedAt = &t
	}
	return r, err
}

// Get returns a certificate by number; apperr.NotFound if there is none.
func Get(ctx context.Context, tx *store.Tx, number string) (Row, error) {
	r, err := scanRow(tx.QueryRow(ctx, `SELECT `+rowCols+` FROM certificates WHERE number=?`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound()
	}
	return r, store.MapError(tx.Dialect(), err)
}

// GetByPDF returns the certificate whose PDF has this SM3 (hex).
func GetByPDF(ctx context.Context, tx *store.Tx, pdfSM3 string) (Row, error) {
	r, err := scanRow(tx.QueryRow(ctx, `SELECT `+rowCols+` FROM certificates WHERE pdf_sm3=?`, pdfSM3))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound()
	}
	return r, store.MapError(tx.Dialect(), err)
}

// List returns a project's certificates, oldest first.
func List(ctx context.Context, tx *store.Tx, projectID string) ([]Row, error) {
	rows, err := tx.Query(ctx, `SELECT `+rowCols+` FROM certificates WHERE project_id=? ORDER BY issued_at, number`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Row{}
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, store.MapError(tx.Dialect(), err)
		}
		out = append(out, r)
	}
	return out, store.MapError(tx.Dialect(), rows.Err())
}

func notFound() error {
	return apperr.New(apperr.NotFound, "cert.not_found", "证照不存在", "no such certificate")
}

// IssueInput is what an approval that issues a certificate knows.
type IssueInput struct {
	Project   approval.Project
	Task      approval.Task
	Item      catalog.Item
	Issuer    catalog.Department
	PublicURL string
	Actor     sign.Actor // the officer whose approval issues it
	At        time.Time
}

// Issue gives a certificate for an approved task inside its transaction:
// the next number of the department and year, the content signed by the
// department's key, the cert.issue event (content and signature, into the
// ledger) and the row. The PDF follows (Render, by a job).
func Issue(ctx context.Context, tx *store.Tx, keys *sign.Keyring, hook store.AppendHook, in IssueInput) (Row, error) {
	number, err := nextNumber(ctx, tx, in.Task.DeptCode, in.At)
	if err != nil {
		return Row{}, err
	}
	var c Content
	c.V, c.Number, c.Kind, c.Title = ContentTag, number, string(in.Item.Result), in.Item.ResultName
	c.Holder = Party{Name: in.Project.EnterpriseName, ID: in.Project.EnterpriseUSCC}
	c.Project.ID, c.Project.Code, c.Project.Name = in.Project.ID, in.Project.Code, in.Project.Name
	c.Project.Location = in.Project.Address
	c.Project.Scale = scale(in.Project)
	c.Item.Code, c.Item.Name, c.Item.Basis = in.Item.Code, in.Item.Name, in.Item.Basis
	c.Issuer = Party{Name: in.Issuer.Name, ID: in.Issuer.Code}
	c.TaskID = in.Task.ID
	c.IssuedAt = in.At.UTC().UnixMilli()
	c.VerifyURL = VerifyURL(in.PublicURL, number)
	canon, err := c.Canonical()
	if err != nil {
		return Row{}, err
	}
	owner := sign.DeptOwner(in.Task.DeptCode)
	sig, err := keys.Sign(ctx, tx, owner, canon, in.At)
	if err != nil {
		return Row{}, err
	}
	e, err := store.AppendEvent(ctx, tx, store.Event{ProjectID: in.Task.ProjectID, StageID: in.Task.StageID, TaskID: in.Task.ID, Kind: EventIssue,
		ActorID: in.Actor.ID, ActorName: in.Actor.Name, ActorRole: in.Actor.Role, Opinion: fmt.Sprintf("核发《%s》，编号 %s", c.Title, number), At: in.At,
		Data: map[string]any{"number": number, "title": c.Title, "kind": c.Kind, "item": c.Item.Code, "dept": c.Issuer.ID, "content": string(canon),
			"cert_signature": sign.EventSignature{Alg: sign.SignatureAlg, Key: sig.KeyID, Owner: string(owner), Pub: hex.EncodeToString(sig.Public),
				Sig: base64.StdEncoding.EncodeToString(sig.Value)}}}, hook)
	if err != nil {
		return Row{}, err
	}
	r := Row{Number: number, ProjectID: in.Task.ProjectID, TaskID: in.Task.ID, ItemCode: c.Item.Code, DeptCode: c.Issuer.ID, Kind: c.Kind, Title: c.Title,
		Content: string(canon), KeyID: sig.KeyID, Signature: sig.Value, IssuedAt: time.UnixMilli(c.IssuedAt).UTC(), IssueEvent: e.ID}
	_, err = tx.Exec(ctx, `INSERT INTO certificates (number, project_id, task_id, item_code, dept_code, kind, title, content, key_id, signature, issued_at, issue_event)
VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, r.Number, r.ProjectID, r.TaskID, r.ItemCode, r.DeptCode, r.Kind, r.Title, r.Content, r.KeyID, r.Signature, c.IssuedAt, r.IssueEvent)
	return r, err
}

// scale is the 建设规模 line printed on a certificate.
func scale(p approval.Project) string {
	var parts []string
	if p.LandArea > 0 {
		parts = append(parts, fmt.Sprintf("用地面积 %s 平方米", trimFloat(p.LandArea)))
	}
	if p.FloorArea > 0 {
		parts = append(parts, fmt.Sprintf("建筑面积 %s 平方米", trimFloat(p.FloorArea)))
	}
	if p.Investment > 0 {
		parts = append(parts, fmt.Sprintf("总投资 %s 万元", trimFloat(p.Investment)))
	}
	return strings.Join(parts, "，")
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// nextNumber gives the next certificate number of a department in the
// year of at (Asia/Shanghai): DEPT-YYYY-NNNNNN. The counter row is locked
// by the update until the transaction ends, so numbers are unique and
// without gaps among committed certificates.
func nextNumber(ctx context.Context, tx *store.Tx, dept string, at time.Time) (string, error) {
	prefix := fmt.Sprintf("%s-%d", dept, at.In(shanghai).Year())
	if _, err := tx.InsertIgnore(ctx, "cert_counters", []string{"prefix", "last"}, []any{prefix, 0}, []string{"prefix"}); err != nil {
		return "", err
	}
	if _, err := tx.Exec(ctx, `UPDATE cert_counters SET last=last+1 WHERE prefix=?`, prefix); err != nil {
		return "", err
	}
	var n int64
	if err := tx.QueryRow(ctx, `SELECT last FROM cert_counters WHERE prefix=?`, prefix).Scan(&n); err != nil {
		return "", store.MapError(tx.Dialect(), err)
	}
	return fmt.Sprintf("%s-%06d", prefix, n), nil
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// RenderAndRecord renders a certificate's PDF (if not yet), stores it with
// put, and records its SM3 in the row and in a cert.pdf event. It returns
// the row as updated.
func RenderAndRecord(ctx context.Context, tx *store.Tx, number string, font *Font, put func([]byte) (string, error), hook store.AppendHook, at time.Time) (Row, error) {
	r, err := Get(ctx, tx, number)
	if err != nil || r.PDFSM3 != "" {
		return r, err
	}
	c, err := r.Parsed()
	if err != nil {
		return r, apperr.Wrap(err, "certificate content")
	}
	pdf, err := Render(c.Document(r.KeyID, r.Signature), font)
	if err != nil {
		return r, err
	}
	key, err := put(pdf)
	if err != nil {
		return r, err
	}
	digest := sm3.Sum(pdf)
	r.PDFBlob, r.PDFSM3 = key, hex.EncodeToString(digest[:])
	if _, err := tx.Exec(ctx, `UPDATE certificates SET pdf_blob=?, pdf_sm3=?, pdf_error='' WHERE number=?`, r.PDFBlob, r.PDFSM3, number); err != nil {
		return r, err
	}
	_, err = store.AppendEvent(ctx, tx, store.Event{ProjectID: r.ProjectID, TaskID: r.TaskID, Kind: EventPDF, ActorID: "system", ActorName: "系统", ActorRole: "system",
		Opinion: fmt.Sprintf("生成《%s》（%s）电子证照文件", r.Title, number), At: at,
		Data: map[string]any{"number": number, "pdf_sm3": r.PDFSM3, "bytes": len(pdf)}}, hook)
	return r, err
}

// RecordRenderError keeps why a certificate's PDF could not be made.
func RecordRenderError(ctx context.Context, tx *store.Tx, number string, cause error) error {
	msg := apperr.As(cause).ZH
	if len([]rune(msg)) > 400 {
		msg = string([]rune(msg)[:400])
	}
	_, err := tx.Exec(ctx, `UPDATE certificates SET pdf_error=? WHERE number=? AND pdf_sm3=''`, msg, number)
	return err
}

// Revoke withdraws a certificate (撤销): the officer's signed cert.revoke
// event and the row. Revoking twice is a conflict.
func Revoke(ctx context.Context, tx *store.Tx, keys *sign.Keyring, hook store.AppendHook, number, reason string, actor sign.Actor, at time.Time) (Row, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return Row{}, apperr.New(apperr.Invalid, "cert.revoke_reason", "请填写撤销原因（1–500 字）", "give the reason for revoking (1–500 characters)").
			WithField("reason", "invalid", "1–500 字", "1–500 characters")
	}
	r, err := Get(ctx, tx, number)
	if err != nil {
		return r, err
	}
	if r.RevokedAt != nil {
		return r, apperr.New(apperr.Conflict, "cert.revoked_already", "该证照已撤销", "this certificate is revoked already")
	}
	e := store.Event{ProjectID: r.ProjectID, TaskID: r.TaskID, Kind: EventRevoke, ActorID: actor.ID, ActorName: actor.Name, ActorRole: actor.Role,
		Opinion: reason, At: at, Data: map[string]any{"number": number, "title": r.Title}}
	if err := keys.SignEvent(ctx, tx, sign.UserOwner(actor.ID), &e); err != nil {
		return r, err
	}
	if e, err = store.AppendEvent(ctx, tx, e, hook); err != nil {
		return r, err
	}
	res, err := tx.Exec(ctx, `UPDATE certificates SET revoked_at=?, revoke_reason=?, revoked_by=?, revoke_event=? WHERE number=? AND revoked_at IS NULL`,
		e.At.UTC().UnixMilli(), reason, actor.Name, e.ID, number)
	if err != nil {
		return r, err
	}
	if err := store.CheckVersion(res); err != nil {
		return r, err
	}
	return Get(ctx, tx, number)
}
