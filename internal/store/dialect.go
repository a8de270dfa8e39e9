package store

import (
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"

	"github.com/tongban/tongban/internal/apperr"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
	MySQL    Dialect = "mysql"
)

// SQLiteFile is the database file name under the data directory.
const SQLiteFile = "tongban.db"

// target is what Open needs to reach a database: the driver, the DSNs of
// the writer and reader pools (equal except for SQLite), and the dialect.
type target struct {
	dialect    Dialect
	driver     string
	writerDSN  string
	readerDSN  string
	sqlitePath string // SQLite only, for messages
}

// sqlitePragmas is the per-connection setup, busy_timeout first so that the
// pragmas after it wait for a lock instead of failing with SQLITE_BUSY.
// synchronous=FULL fsyncs the WAL on every commit: an acknowledged decision
// survives a power cut, which NORMAL does not promise. temp_store=MEMORY
// keeps temporary tables and the savepoint journal group commit opens for
// every write in memory: on a file it cost a pwrite per page a write first
// touched, a fifth of an event append (docs/benchmarks.md).
var sqlitePragmas = []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)", "temp_store(MEMORY)"}

// parseDSN turns the configured DSN into a target. "" means SQLite under
// dataDir, created 0700 if missing.
func parseDSN(dsn, dataDir string) (target, error) {
	dsn = strings.TrimSpace(dsn)
	switch {
	case dsn == "":
		return sqliteTarget(dataDir)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgresTarget(dsn)
	case strings.HasPrefix(dsn, "mysql://"):
		return mysqlTarget(dsn)
	default:
		return target{}, badDSN("数据库地址须以 postgres:// 或 mysql:// 开头（留空则使用数据目录下的 SQLite）",
			"the database URL must start with postgres:// or mysql:// (leave it empty for SQLite under the data directory)")
	}
}

func badDSN(zh, en string) *apperr.Error {
	return apperr.New(apperr.Invalid, "db.bad_dsn", "数据库地址有误："+zh, "invalid database URL: "+en).
		WithField("db", "invalid", zh, en)
}

func sqliteTarget(dataDir string) (target, error) {
	if strings.TrimSpace(dataDir) == "" {
		return target{}, apperr.New(apperr.Invalid, "db.no_data_dir", "未指定数据目录，无法创建 SQLite 数据库",
			"no data directory given for the SQLite database").WithField("data", "required", "数据目录不能为空", "the data directory is required")
	}
	if strings.ContainsAny(dataDir, "?#") {
		// The driver splits its DSN at '?': such a path would be cut short.
		return target{}, apperr.New(apperr.Invalid, "db.bad_data_dir", "数据目录路径不能包含 ? 或 #",
			"the data directory path must not contain ? or #").WithField("data", "invalid", "路径不能包含 ? 或 #", "the path must not contain ? or #")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return target{}, apperr.Newf(apperr.Invalid, "db.bad_data_dir", "无法创建数据目录 %s", "cannot create the data directory %s", dataDir).
			WithField("data", "invalid", "无法创建该目录", "cannot create this directory")
	}
	path := filepath.Join(dataDir, SQLiteFile)
	var w, r []string
	for _, p := range sqlitePragmas {
		w = append(w, "_pragma="+url.QueryEscape(p))
		r = append(r, "_pragma="+url.QueryEscape(p))
	}
	// One writer connection and BEGIN IMMEDIATE: writers queue on the file
	// lock at BEGIN (waiting busy_timeout) instead of failing when a
	// deferred transaction tries to upgrade its lock.
	w = append(w, "_txlock=immediate")
	r = append(r, "_pragma=query_only(1)")
	return target{dialect: SQLite, driver: sqliteDriverName, sqlitePath: path,
		writerDSN: path + "?" + strings.Join(w, "&"), readerDSN: path + "?" + strings.Join(r, "&")}, nil
}

func postgresTarget(dsn string) (target, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return target{}, badDSN("无法解析 PostgreSQL 地址，应为 postgres://用户@主机:端口/库名?sslmode=disable",
			"cannot parse the PostgreSQL URL; expected postgres://user@host:port/db?sslmode=disable")
	}
	if u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return target{}, badDSN("PostgreSQL 地址须包含主机和库名，如 postgres://用户@主机:端口/库名",
			"the PostgreSQL URL needs a host and a database name, e.g. postgres://user@host:port/db")
	}
	if _, err := pgx.ParseConfig(dsn); err != nil {
		return target{}, badDSN("PostgreSQL 地址参数无效", "invalid PostgreSQL URL parameters")
	}
	return target{dialect: Postgres, driver: "pgx", writerDSN: dsn, readerDSN: dsn}, nil
}

// mysqlTarget converts mysql://user:pass@host:port/db?k=v to the
// go-sql-driver form. Times come back as time.Time in UTC, text is utf8mb4,
// and RowsAffected counts matched rather than changed rows (clientFoundRows)
// so that it means the same on all three dialects. multiStatements stays
// off: goose splits migration files itself.
func mysqlTarget(dsn string) (target, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return target{}, badDSN("无法解析 MySQL 地址，应为 mysql://用户:密码@主机:端口/库名",
			"cannot parse the MySQL URL; expected mysql://user:pass@host:port/db")
	}
	db := strings.Trim(u.Path, "/")
	if u.Host == "" || db == "" || strings.Contains(db, "/") {
		return target{}, badDSN("MySQL 地址须包含主机和库名，如 mysql://用户:密码@主机:端口/库名",
			"the MySQL URL needs a host and a database name, e.g. mysql://user:pass@host:port/db")
	}
	if u.User == nil || u.User.Username() == "" {
		return target{}, badDSN("MySQL 地址须包含用户名，如 mysql://用户:密码@主机:端口/库名",
			"the MySQL URL needs a user name, e.g. mysql://user:pass@host:port/db")
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(strings.Trim(u.Hostname(), "[]"), "3306")
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = host
	cfg.DBName = db
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.ClientFoundRows = true
	cfg.Timeout = 10 * time.Second
	cfg.ReadTimeout = 60 * time.Second
	cfg.WriteTimeout = 60 * time.Second
	cfg.Params = map[string]string{
		// Give up on a row lock after 10 s (1205) rather than the server's
		// 50 s; Write retries and then reports a conflict.
		"innodb_lock_wait_timeout": "10",
	}
	base := cfg.FormatDSN()
	// Extra query parameters (tls, timeouts, …) pass through; the ones that
	// decide how values are read back cannot be changed.
	extra := u.Query()
	for _, k := range []string{"parseTime", "loc", "clientFoundRows", "multiStatements", "interpolateParams", "charset", "collation"} {
		extra.Del(k)
	}
	full := base + "&charset=utf8mb4"
	if len(extra) > 0 {
		full += "&" + extra.Encode()
	}
	if _, err := mysql.ParseDSN(full); err != nil {
		return target{}, badDSN("MySQL 地址参数无效", "invalid MySQL URL parameters")
	}
	return target{dialect: MySQL, driver: "mysql", writerDSN: full, readerDSN: full}, nil
}

// rebind rewrites '?' placeholders to $1, $2, … for PostgreSQL, leaving
// question marks inside string literals, quoted identifiers and comments.
func rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(query) {
				if query[j] == c {
					if j+1 < len(query) && query[j+1] == c { // doubled quote escapes itself
						j += 2
						continue
					}
					break
				}
				j++
			}
			if j >= len(query) {
				j = len(query) - 1
			}
			b.WriteString(query[i : j+1])
			i = j
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i - 1
			}
			b.WriteString(query[i : i+j+1])
			i += j
		case c == '/' && i+1 < len(query) && query[i+1] == '*':
			j := strings.Index(query[i+2:], "*/")
			end := len(query) - 1
			if j >= 0 {
				end = i + 2 + j + 1
			}
			b.WriteString(query[i : end+1])
			i = end
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// insertIgnoreSQL builds an insert that does nothing on a duplicate key.
// MySQL gets a plain INSERT: its duplicate-key error (1062) does not abort
// the transaction and is turned into inserted=false by the caller. INSERT
// IGNORE is avoided because it also silences NOT NULL and truncation errors.
func insertIgnoreSQL(d Dialect, table string, cols, conflictCols []string) string {
	ph := strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",")
	q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + ph + ")"
	if d == MySQL {
		return q
	}
	if len(conflictCols) == 0 {
		return q + " ON CONFLICT DO NOTHING"
	}
	return q + " ON CONFLICT (" + strings.Join(conflictCols, ", ") + ") DO NOTHING"
}
