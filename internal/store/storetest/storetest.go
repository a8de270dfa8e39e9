// Package storetest gives tests a fresh, migrated, empty database of each
// dialect: SQLite in a temporary directory, and a new database created on
// the local PostgreSQL and MariaDB/MySQL servers, dropped when the test ends.
//
// Environment:
//
//	TONGBAN_TEST_DIALECTS  comma list restricting the dialects (default: sqlite,postgres,mysql)
//	TONGBAN_TEST_POSTGRES  server URL (default postgres://postgres@127.0.0.1:5432/test?sslmode=disable)
//	TONGBAN_TEST_MYSQL     server, driver form or URL (default root@tcp(127.0.0.1:3306)/test)
//
// A server that does not answer fails the test with the command that starts it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/tongban/tongban/internal/store"
)

// Defaults for the local test servers.
const (
	DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	DefaultMySQL    = "root@tcp(127.0.0.1:3306)/test"
)

// Dialects returns the dialects to test: TONGBAN_TEST_DIALECTS if set,
// otherwise all three.
func Dialects() []store.Dialect {
	v := strings.TrimSpace(os.Getenv("TONGBAN_TEST_DIALECTS"))
	if v == "" {
		return []store.Dialect{store.SQLite, store.Postgres, store.MySQL}
	}
	var out []store.Dialect
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(strings.ToLower(s)); s != "" {
			out = append(out, store.Dialect(s))
		}
	}
	return out
}

// ForEach runs fn as a subtest, named after the dialect, on a fresh
// database of each dialect from Dialects.
func ForEach(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh, migrated, empty database of dialect d, closed (and
// dropped) when the test ends.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	dsn, dir := FreshDSN(t, d)
	return OpenDSN(t, dsn, dir)
}

// OpenDSN opens and migrates the database at dsn (dataDir for SQLite) and
// closes it when the test ends. Call it twice on one FreshDSN to get two
// handles on one database, as two instances of the server would have.
func OpenDSN(t testing.TB, dsn, dataDir string) *store.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := store.Open(ctx, dsn, dataDir)
	if err != nil {
		t.Fatalf("storetest: open %q: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate %s: %v", db.Dialect(), err)
	}
	return db
}

// FreshDSN creates an empty, unmigrated database of dialect d and returns
// the DSN and data directory to give store.Open (or the server's --db and
// --data flags). For SQLite the DSN is "" and the database lives in the
// returned temporary directory; for the servers the directory is still a
// fresh temporary one, for whatever else wants a data directory.
func FreshDSN(t testing.TB, d store.Dialect) (dsn, dataDir string) {
	t.Helper()
	dataDir = t.TempDir()
	switch d {
	case store.SQLite:
		return "", dataDir
	case store.Postgres:
		return freshPostgres(t), dataDir
	case store.MySQL:
		return freshMySQL(t), dataDir
	}
	t.Fatalf("storetest: unknown dialect %q in TONGBAN_TEST_DIALECTS; use sqlite, postgres or mysql", d)
	return "", ""
}

func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return "tb_test_" + hex.EncodeToString(b)
}

func freshPostgres(t testing.TB) string {
	t.Helper()
	base := DefaultPostgres
	if v := os.Getenv("TONGBAN_TEST_POSTGRES"); v != "" {
		base = v
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: TONGBAN_TEST_POSTGRES %q is not a URL: %v", base, err)
	}
	admin := mustConnect(t, "pgx", base, "PostgreSQL", u.Host,
		"pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")
	name := randomName()
	exec(t, admin, "CREATE DATABASE "+name)
	t.Cleanup(func() {
		// FORCE ends connections a leaked handle may still hold.
		exec(t, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	u.Path = "/" + name
	return u.String()
}

func freshMySQL(t testing.TB) string {
	t.Helper()
	base := DefaultMySQL
	if v := os.Getenv("TONGBAN_TEST_MYSQL"); v != "" {
		base = v
	}
	var cfg *mysql.Config
	if strings.HasPrefix(base, "mysql://") {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("storetest: TONGBAN_TEST_MYSQL %q is not a URL: %v", base, err)
		}
		cfg = mysql.NewConfig()
		cfg.Net, cfg.Addr = "tcp", u.Host
		if u.Port() == "" {
			cfg.Addr += ":3306"
		}
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	} else {
		var err error
		if cfg, err = mysql.ParseDSN(base); err != nil {
			t.Fatalf("storetest: TONGBAN_TEST_MYSQL %q: %v", base, err)
		}
	}
	cfg.DBName = "" // connect to the server, not to a database that may not exist
	admin := mustConnect(t, "mysql", cfg.FormatDSN(), "MariaDB/MySQL", cfg.Addr,
		"start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd")
	name := randomName()
	exec(t, admin, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
	t.Cleanup(func() {
		exec(t, admin, "DROP DATABASE IF EXISTS "+name)
		admin.Close()
	})
	u := url.URL{Scheme: "mysql", Host: cfg.Addr, Path: "/" + name}
	if cfg.Passwd != "" {
		u.User = url.UserPassword(cfg.User, cfg.Passwd)
	} else {
		u.User = url.User(cfg.User)
	}
	return u.String()
}

func mustConnect(t testing.TB, driver, dsn, service, addr, start string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
		if err != nil {
			db.Close()
		}
	}
	if err != nil {
		t.Fatalf("storetest: the %s server at %s does not answer (%v).\nStart it with:\n\t%s\nor leave it out with TONGBAN_TEST_DIALECTS=sqlite",
			service, addr, err, start)
	}
	db.SetMaxOpenConns(1)
	return db
}

func exec(t testing.TB, db *sql.DB, q string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, q); err != nil {
		t.Fatalf("storetest: %s: %v", q, err)
	}
}
