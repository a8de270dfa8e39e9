package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/config"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
)

const ledgerUsage = "tongban ledger verify --record FILE [--checkpoint FILE] [--key FILE] | tongban ledger verify|audit [--data DIR | --db DSN] [--key FILE]"

func cmdLedger(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "audit") {
		return apperr.New(apperr.Invalid, "cli.ledger", "用法："+ledgerUsage, "usage: "+ledgerUsage)
	}
	cfg := config.Default()
	fs := flag.NewFlagSet("ledger "+args[0], flag.ContinueOnError)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (SQLite database)")
	fs.StringVar(&cfg.DSN, "db", cfg.DSN, "database URL (postgres://… or mysql://…); default SQLite under --data")
	record := fs.String("record", "", "a downloaded project record (GET /api/v1/projects/{id}/record) to verify offline")
	checkpoint := fs.String("checkpoint", "", "with --record: the checkpoint to trust (the note, or GET /api/v1/ledger/checkpoint's JSON) instead of the record's own")
	keyFile := fs.String("key", "", "the keys to trust: verifier keys one a line, or GET /api/v1/ledger/keys's JSON (default: the record's, or the database's)")
	if err := parse(fs, args[1:], stderr); err != nil {
		return err
	}
	var trusted []note.Verifier
	if *keyFile != "" {
		var err error
		if trusted, err = readKeys(*keyFile); err != nil {
			return err
		}
	}
	if *record != "" {
		if args[0] == "audit" {
			return apperr.New(apperr.Invalid, "cli.ledger", "ledger audit 校验数据库，不接受 --record", "ledger audit checks a database and takes no --record")
		}
		return verifyRecordFile(*record, *checkpoint, *keyFile != "", trusted, stdout)
	}
	if *checkpoint != "" {
		return apperr.New(apperr.Invalid, "cli.ledger", "--checkpoint 只能与 --record 一起使用", "--checkpoint goes with --record")
	}
	return auditStore(ctx, cfg, trusted, stdout)
}

// readKeys reads verifier keys: a text file with one key a line (blank
// lines and # comments skipped), or the JSON of GET /api/v1/ledger/keys.
func readKeys(path string) ([]note.Verifier, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, apperr.Newf(apperr.Invalid, "cli.file", "无法读取文件 %s", "cannot read file %s", path)
	}
	var lines []string
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var doc struct {
			Keys []ledger.PublicKey `json:"keys"`
		}
		if err := json.Unmarshal(t, &doc); err != nil {
			return nil, apperr.Newf(apperr.Invalid, "cli.keys", "%s 不是公钥清单（JSON 无法解析）", "%s is not a key list (bad JSON)", path)
		}
		for _, k := range doc.Keys {
			lines = append(lines, k.VerifierKey)
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
	}
	var vs []note.Verifier
	for _, l := range lines {
		v, err := ledger.NewVerifier(l)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	if len(vs) == 0 {
		return nil, apperr.Newf(apperr.Invalid, "cli.keys", "%s 中没有公钥", "%s holds no key", path)
	}
	return vs, nil
}

// readCheckpoint reads a signed note: the note itself, or the JSON of
// GET /api/v1/ledger/checkpoint.
func readCheckpoint(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, apperr.Newf(apperr.Invalid, "cli.file", "无法读取文件 %s", "cannot read file %s", path)
	}
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var doc struct {
			Note string `json:"note"`
		}
		if err := json.Unmarshal(t, &doc); err != nil || doc.Note == "" {
			return nil, apperr.Newf(apperr.Invalid, "cli.checkpoint", "%s 不是检查点（JSON 中没有 note）", "%s is not a checkpoint (no note in the JSON)", path)
		}
		return []byte(doc.Note), nil
	}
	return b, nil
}

func verifyRecordFile(path, checkpointPath string, keysGiven bool, trusted []note.Verifier, out io.Writer) error {
	rec, err := readRecord(path)
	if err != nil {
		return err
	}
	var cp []byte
	if checkpointPath != "" {
		if cp, err = readCheckpoint(checkpointPath); err != nil {
			return err
		}
	}
	rep := ledger.VerifyRecord(rec, cp, trusted)
	fmt.Fprintf(out, "项目档案 / project record: %s (%s), %d 个事件 / events\n", filepath.Base(path), rec.ProjectID, len(rec.Events))
	src := "档案自带；请与公布的公钥核对（GET /api/v1/ledger/keys） / bundled in the record: compare them with the published keys"
	if keysGiven {
		src = "--key"
	}
	fmt.Fprintf(out, "公钥 / keys: %s\n", src)
	if rep.Err != nil {
		fmt.Fprintf(out, "✗ 检查点 / checkpoint: %s / %s\n", rep.Err.ZH, rep.Err.EN)
		return verifyFailed("检查点未通过校验，未校验任何事件", "the checkpoint does not verify; no event was checked")
	}
	c := rep.Checkpoint
	fmt.Fprintf(out, "✓ 检查点 / checkpoint: %s, %d 条 / entries, root %x — 签名有效 / signatures valid\n", c.Origin, c.Size, c.Root)
	for _, v := range rep.Events {
		idx := "—"
		if v.LeafIndex != nil {
			idx = fmt.Sprint(*v.LeafIndex)
		}
		head := fmt.Sprintf("#%d %s %s 条目 / entry %s", v.Seq, v.Kind, v.At.Format("2006-01-02 15:04:05Z"), idx)
		sig := recordSignature(rec, v.ID)
		switch v.Verdict {
		case ledger.VerdictOK:
			fmt.Fprintf(out, "✓ %s: 已记入账本且未被改动 / recorded and unchanged%s\n", head, sig)
		case ledger.VerdictPending:
			fmt.Fprintf(out, "… %s: 已记入账本，待下一检查点后可证明 / in the ledger after this checkpoint: provable at the next one\n", head)
		default:
			fmt.Fprintf(out, "✗ %s: %s / %s\n", head, v.Err.ZH, v.Err.EN)
		}
	}
	ok, pending, failed := rep.Counts()
	for _, ev := range rec.Events {
		if strings.Contains(recordSignature(rec, ev.ID), "✗") {
			failed++
		}
	}
	fmt.Fprintf(out, "结果 / result: %d 通过 ok, %d 待定 pending, %d 失败 failed\n", ok, pending, failed)
	if failed > 0 {
		return verifyFailed(fmt.Sprintf("%d 个事件未通过校验", failed), fmt.Sprintf("%d events failed verification", failed))
	}
	return nil
}

func verifyFailed(zh, en string) error {
	return apperr.New(apperr.Invalid, "ledger.verify_failed", "校验失败："+zh, "verification failed: "+en)
}

// auditStore checks the database's ledger: tree, events, checkpoints.
func auditStore(ctx context.Context, cfg config.Config, trusted []note.Verifier, out io.Writer) error {
	if cfg.DSN == "" {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, "tongban.db")); err != nil {
			return apperr.Newf(apperr.Invalid, "cli.data", "%s 中没有数据库", "no database in %s", cfg.DataDir)
		}
	}
	db, err := store.Open(ctx, cfg.DSN, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	var rep ledger.StoreReport
	var sigs sign.StoreSignatures
	err = db.Read(ctx, func(tx *store.Tx) error {
		keysFor := ledger.FixedVerifiers(trusted...)
		if trusted == nil {
			pk, err := sign.ReadPublicKeys(ctx, tx)
			if err != nil && !apperr.Is(err, apperr.NotFound) {
				return err
			}
			keysFor = func(origin string) ([]note.Verifier, error) {
				if pk.SM2 == nil {
					return nil, apperr.New(apperr.Conflict, "ledger.tampered", "数据库中有检查点却没有系统公钥", "the database holds checkpoints but no system keys")
				}
				vs, _, err := ledger.PublicKeys(origin, pk.SM2, pk.Ed25519)
				return vs, err
			}
		}
		var err error
		if rep, err = ledger.VerifyStore(ctx, tx, keysFor); err != nil {
			return err
		}
		sigs, err = sign.CheckStore(ctx, tx)
		return err
	})
	if err != nil {
		if ae := apperr.As(err); ae.Key == "ledger.tampered" {
			fmt.Fprintf(out, "✗ %s\n  %s\n", ae.ZH, ae.EN)
		}
		return err
	}
	src := "数据库中的系统公钥 / the system keys in the database"
	if trusted != nil {
		src = "--key"
	}
	fmt.Fprintf(out, "账本树 / tree: %d 条 / entries, 节点与账本头一致 / nodes and head match\n", rep.Head.Size)
	fmt.Fprintf(out, "事件 / events: %d 个，与各自条目一致 / each matches its entry\n", rep.Events)
	fmt.Fprintf(out, "签名 / signatures: %d 个决定的 SM2 签名有效，均在签名密钥有效期内 / decisions' SM2 signatures valid, each made while its key was in service; %d 把密钥与其记录一致 / keys match their events\n", sigs.Signed, sigs.Keys)
	if rep.Latest != nil {
		fmt.Fprintf(out, "检查点 / checkpoints: %d 个，签名有效（%s），根与账本一致；最新 / latest: %d 条 / entries\n", rep.Checkpoints, src, rep.Latest.Size)
	} else {
		fmt.Fprintln(out, "检查点 / checkpoints: 尚无 / none yet")
	}
	fmt.Fprintf(out, "ok: %d entries, root %s\n", rep.Head.Size, hex.EncodeToString(rep.Head.Root))
	return nil
}

// recordSignature checks the SM2 signature of a signed decision in a
// record with the public key it carries (the ledger vouches that the key
// was recorded with the decision); "" for an unsigned event.
func recordSignature(rec ledger.Record, id string) string {
	for _, ev := range rec.Events {
		if ev.ID != id {
			continue
		}
		v := sign.VerifyEvent(ev.Event(), ev.Data, nil)
		if !v.Signed {
			return ""
		}
		if s, _, _ := sign.SignatureOf(ev.Data); s.Pub != "" {
			pub, _ := hex.DecodeString(s.Pub)
			v = sign.VerifyEvent(ev.Event(), ev.Data, map[string]sign.KeyInfo{s.Key: {ID: s.Key, Owner: sign.Owner(s.Owner), Public: pub}})
		}
		if v.Status == sign.SigValid {
			return fmt.Sprintf("；SM2 签名有效 / SM2 signature valid (%s)", v.Fingerprint)
		}
		return "；✗ SM2 签名无效 / SM2 signature INVALID"
	}
	return ""
}
