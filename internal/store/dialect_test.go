package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

func TestParseDSN(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name        string
		dsn         string
		wantDialect Dialect
		wantIn      []string // substrings of the writer DSN
	}{
		{"empty is sqlite", "", SQLite, []string{filepath.Join(dir, "tongban.db") + "?", "busy_timeout", "_txlock=immediate"}},
		{"postgres", "postgres://u@db.example:5432/tb?sslmode=disable", Postgres, []string{"postgres://u@db.example:5432/tb"}},
		{"postgresql scheme", "postgresql://u@db.example/tb", Postgres, []string{"postgresql://"}},
		{"mysql", "mysql://u:p%40ss@db.example:3307/tb", MySQL, []string{"u:p@ss@tcp(db.example:3307)/tb?", "parseTime=true", "clientFoundRows=true", "charset=utf8mb4", "timeout=10s"}},
		{"mysql default port", "mysql://u@db.example/tb", MySQL, []string{"tcp(db.example:3306)"}},
		{"mysql extra params pass, forced ones stay", "mysql://u@h/tb?tls=skip-verify&parseTime=false", MySQL, []string{"tls=skip-verify", "parseTime=true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDSN(tt.dsn, dir)
			if err != nil {
				t.Fatalf("parseDSN(%q): %v", tt.dsn, err)
			}
			if got.dialect != tt.wantDialect {
				t.Errorf("dialect = %q, want %q", got.dialect, tt.wantDialect)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(got.writerDSN, s) {
					t.Errorf("writer DSN %q lacks %q", got.writerDSN, s)
				}
			}
			if strings.Contains(got.writerDSN, "parseTime=false") || strings.Contains(got.writerDSN, "multiStatements") {
				t.Errorf("writer DSN %q overrides a forced setting", got.writerDSN)
			}
		})
	}
}

func TestParseDSNBad(t *testing.T) {
	tests := []struct {
		name    string
		dsn     string
		dataDir string
		wantKey string
		wantEN  string
	}{
		{"unknown scheme", "sqlserver://x/y", "d", "db.bad_dsn", "must start with postgres:// or mysql://"},
		{"postgres without db", "postgres://u@host:5432", "d", "db.bad_dsn", "needs a host and a database name"},
		{"postgres without host", "postgres:///tb", "d", "db.bad_dsn", "needs a host and a database name"},
		{"postgres bad param", "postgres://u@h/tb?sslmode=sometimes", "d", "db.bad_dsn", "invalid PostgreSQL URL parameters"},
		{"postgres unparsable", "postgres://u@h:port/tb", "d", "db.bad_dsn", "cannot parse the PostgreSQL URL"},
		{"mysql without db", "mysql://u@host:3306/", "d", "db.bad_dsn", "needs a host and a database name"},
		{"mysql without user", "mysql://host:3306/tb", "d", "db.bad_dsn", "needs a user name"},
		{"mysql bad param", "mysql://u@h/tb?timeout=soon", "d", "db.bad_dsn", "invalid MySQL URL parameters"},
		{"mysql unparsable", "mysql://u@h:port/tb", "d", "db.bad_dsn", "cannot parse the MySQL URL"},
		{"sqlite without data dir", "", " ", "db.no_data_dir", "no data directory"},
		{"sqlite data dir with ?", "", "/tmp/a?b", "db.bad_data_dir", "must not contain ?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseDSN(tt.dsn, tt.dataDir)
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("parseDSN(%q) error = %v, want invalid", tt.dsn, err)
			}
			ae := apperr.As(err)
			if ae.Key != tt.wantKey || !strings.Contains(ae.EN, tt.wantEN) || ae.ZH == "" {
				t.Errorf("got key %q message %q / %q, want key %q containing %q", ae.Key, ae.EN, ae.ZH, tt.wantKey, tt.wantEN)
			}
			if strings.Contains(ae.EN, "p@ss") {
				t.Errorf("message leaks the password: %q", ae.EN)
			}
		})
	}
}

func TestRebind(t *testing.T) {
	tests := []struct {
		name, in string
		d        Dialect
		want     string
	}{
		{"postgres", "SELECT a FROM t WHERE a=? AND b IN (?,?)", Postgres, "SELECT a FROM t WHERE a=$1 AND b IN ($2,$3)"},
		{"ten and more", "VALUES (?,?,?,?,?,?,?,?,?,?,?)", Postgres, "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"},
		{"string literal", "SELECT '?', 'it''s ?' FROM t WHERE a=?", Postgres, "SELECT '?', 'it''s ?' FROM t WHERE a=$1"},
		{"quoted identifier", `SELECT "a?b" FROM t WHERE a=?`, Postgres, `SELECT "a?b" FROM t WHERE a=$1`},
		{"line comment", "SELECT 1 -- why?\nWHERE a=?", Postgres, "SELECT 1 -- why?\nWHERE a=$1"},
		{"block comment", "SELECT /* ? */ a WHERE a=?", Postgres, "SELECT /* ? */ a WHERE a=$1"},
		{"unterminated literal kept", "SELECT 'abc?", Postgres, "SELECT 'abc?"},
		{"sqlite untouched", "SELECT ? ", SQLite, "SELECT ? "},
		{"mysql untouched", "SELECT ? ", MySQL, "SELECT ? "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rebind(tt.d, tt.in); got != tt.want {
				t.Errorf("rebind(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSQLiteDurability checks the settings an acknowledged decision's
// survival depends on, on the writer connection itself.
func TestSQLiteDurability(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "new", "data")
	db, err := Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pragmas := []struct {
		pragma string
		want   string
	}{
		{"synchronous", "2"},
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
		{"temp_store", "2"},
	}
	for _, p := range pragmas {
		var got string
		if err := db.writer.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", p.pragma, err)
		}
		if got != p.want {
			t.Errorf("writer PRAGMA %s = %q, want %q", p.pragma, got, p.want)
		}
	}
	var qo string
	if err := db.reader.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo); err != nil || qo != "1" {
		t.Errorf("reader PRAGMA query_only = %q (%v), want 1", qo, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("data dir mode = %o, want 700", got)
	}
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", "")
	ae := apperr.As(err)
	if ae.Key != "db.unreachable" || !strings.Contains(ae.EN, "127.0.0.1:1/none") || strings.Contains(ae.EN, "secret") {
		t.Errorf("Open on a closed port: %v; want db.unreachable naming the address without the password", err)
	}
}
