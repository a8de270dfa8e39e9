package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/cert"
	"github.com/tongban/tongban/internal/config"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/store"
)

const certUsage = "tongban cert verify FILE.pdf [--data DIR | --db DSN | --offline RECORD.json] [--key FILE]"

// cmdCert verifies a certificate PDF against the database, or offline
// against a downloaded project record. Exit 0 when valid, 1 with the
// reason otherwise.
func cmdCert(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return apperr.New(apperr.Invalid, "cli.cert", "用法："+certUsage, "usage: "+certUsage)
	}
	args = args[1:]
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	cfg := config.Default()
	fs := flag.NewFlagSet("cert verify", flag.ContinueOnError)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (SQLite database)")
	fs.StringVar(&cfg.DSN, "db", cfg.DSN, "database URL (postgres://… or mysql://…); default SQLite under --data")
	offline := fs.String("offline", "", "a downloaded project record (GET /api/v1/projects/{id}/record): verify with no database")
	keyFile := fs.String("key", "", "with --offline: the ledger keys to trust (default: the record's own)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if file == "" || fs.NArg() > 0 {
		return apperr.New(apperr.Invalid, "cli.cert", "用法："+certUsage, "usage: "+certUsage)
	}
	pdf, err := readLimited(file, cert.MaxUpload)
	if err != nil {
		return err
	}
	var v cert.Verification
	if *offline != "" {
		var trusted []note.Verifier
		if *keyFile != "" {
			if trusted, err = readKeys(*keyFile); err != nil {
				return err
			}
		}
		rec, err := readRecord(*offline)
		if err != nil {
			return err
		}
		v = cert.VerifyOffline(rec, pdf, trusted)
	} else {
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
		if err := db.Read(ctx, func(tx *store.Tx) (err error) { v, err = cert.Verify(ctx, tx, "", pdf); return err }); err != nil {
			return err
		}
	}
	printVerification(stdout, file, v)
	if !v.Valid {
		zh, en := "证照无效", "the certificate is not valid"
		if len(v.Reasons) > 0 {
			zh, en = v.Reasons[0].ZH, v.Reasons[0].EN
		}
		return apperr.New(apperr.Invalid, "cert.invalid", "核验未通过："+zh, "verification failed: "+en)
	}
	return nil
}

func printVerification(out io.Writer, file string, v cert.Verification) {
	fmt.Fprintf(out, "文件 / file: %s", filepath.Base(file))
	if v.File != nil {
		fmt.Fprintf(out, " (SM3 %s)", v.File.SM3)
	}
	fmt.Fprintln(out)
	if v.Number != "" {
		fmt.Fprintf(out, "编号 / number: %s\n", v.Number)
	}
	if c := v.Content; c != nil {
		fmt.Fprintf(out, "证照 / certificate: %s — %s（%s）\n签发 / issuer: %s\n", c.Title, c.Holder.Name, c.Holder.ID, c.Issuer.Name)
	}
	if s := v.Signature; s != nil {
		fmt.Fprintf(out, "%s 签名 / signature: %s key %s (%s)\n", mark(s.Valid), s.Alg, s.KeyID, s.Fingerprint)
	}
	if l := v.Ledger; l != nil {
		switch {
		case l.Included:
			fmt.Fprintf(out, "✓ 账本 / ledger: 第 %d 条，包含证明对检查点（%d 条，根 %s）成立 / entry %d, inclusion proven under the checkpoint of size %d\n", l.LeafIndex, l.TreeSize, l.Root, l.LeafIndex, l.TreeSize)
		case l.Pending:
			fmt.Fprintf(out, "… 账本 / ledger: 第 %d 条，待下一检查点后可证明 / entry %d, provable at the next checkpoint\n", l.LeafIndex, l.LeafIndex)
		}
	}
	if f := v.File; f != nil && v.Found {
		fmt.Fprintf(out, "%s 文件与签发原件一致 / the file is the one issued\n", mark(f.Matches))
	}
	for _, r := range v.Reasons {
		fmt.Fprintf(out, "✗ %s / %s\n", r.ZH, r.EN)
	}
	fmt.Fprintf(out, "结果 / result: %s\n", v.Status)
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, apperr.Newf(apperr.Invalid, "cli.file", "无法读取文件 %s", "cannot read file %s", path)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, apperr.Newf(apperr.Invalid, "cli.file", "无法读取文件 %s", "cannot read file %s", path)
	}
	if int64(len(b)) > limit {
		return nil, apperr.Newf(apperr.TooLarge, "cli.file_large", "文件 %s 过大（上限 %d MB）", "file %s is too large (%d MB at most)", path, limit>>20)
	}
	return b, nil
}

// readRecord reads a downloaded project record.
func readRecord(path string) (ledger.Record, error) {
	var rec ledger.Record
	b, err := readLimited(path, 256<<20)
	if err != nil {
		return rec, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return rec, apperr.Newf(apperr.Invalid, "ledger.record_format", "%s 不是通办项目档案（JSON 无法解析：%v）", "%s is not a Tongban project record (bad JSON: %v)", path, err)
	}
	return rec, nil
}
