package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongban/tongban/internal/app"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/config"
	"github.com/tongban/tongban/internal/store"
)

// The master key: generated on first start with a log line, then needed.
// A missing or wrong one with keys in the database stops the start with a
// message naming the cause, and changes neither the keys nor the files.
func TestMasterKeyAtStart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir = dir
	var logs bytes.Buffer
	a, err := app.Open(ctx, cfg, app.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	keysBefore := storedKeys(t, a.DB)
	a.Close()
	keyFile := filepath.Join(dir, "master.key")
	master, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatalf("no master key generated: %v", err)
	}
	if !strings.Contains(logs.String(), "generated the master key") || !strings.Contains(logs.String(), "in production keep it elsewhere") {
		t.Errorf("no log line about the generated master key:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), strings.TrimSpace(string(master))) {
		t.Error("the master key was logged")
	}
	elsewhere := filepath.Join(t.TempDir(), "kept-elsewhere.key")
	if err := os.Rename(keyFile, elsewhere); err != nil {
		t.Fatal(err)
	}
	wrongFile := filepath.Join(t.TempDir(), "wrong.key")
	if err := os.WriteFile(wrongFile, []byte("ffeeddccbbaa99887766554433221100\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		set  func(*config.Config)
		key  string
	}{
		{"no master key", func(*config.Config) {}, "sign.master_key_missing"},
		{"wrong file", func(c *config.Config) { c.MasterKeyFile = wrongFile }, "sign.master_key_wrong"},
		{"wrong hex", func(c *config.Config) { c.MasterKey = "00000000000000000000000000000000" }, "sign.master_key_wrong"},
		{"missing file", func(c *config.Config) { c.MasterKeyFile = filepath.Join(dir, "nowhere.key") }, "sign.master_key_file"},
	} {
		c2 := cfg
		c.set(&c2)
		_, err := app.Open(ctx, c2, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if e := apperr.As(err); err == nil || e.Key != c.key || e.ZH == "" || e.EN == "" {
			t.Errorf("%s: err = %v, want %s", c.name, err, c.key)
		}
		if _, err := os.Stat(keyFile); err == nil {
			t.Fatalf("%s: a new master key was written over the missing one", c.name)
		}
	}
	cfg.MasterKeyFile = elsewhere
	a, err = app.Open(ctx, cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("the right master key, kept elsewhere: %v", err)
	}
	defer a.Close()
	if got := storedKeys(t, a.DB); got != keysBefore {
		t.Error("the stored keys changed")
	}
}

func storedKeys(t *testing.T, db *store.DB) string {
	t.Helper()
	var b bytes.Buffer
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT purpose, public_key, sealed_private FROM system_keys ORDER BY purpose`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			var pub, priv []byte
			if err := rows.Scan(&p, &pub, &priv); err != nil {
				return err
			}
			b.WriteString(p)
			b.Write(pub)
			b.Write(priv)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() == 0 {
		t.Fatal("no system keys stored")
	}
	return b.String()
}
