// Package config is the one place configuration is defined: defaults in
// code, overridden by environment variables and then by flags, loaded once
// in cmd/tongban and passed down. docs/config.md lists every field.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/calendar"
)

// Config is the server's configuration.
type Config struct {
	DataDir      string // --data, TONGBAN_DATA: SQLite file, blobs, keys
	Addr         string // --addr, TONGBAN_ADDR
	DSN          string // --db, TONGBAN_DB: postgres://… or mysql://…; empty: SQLite under DataDir
	Demo         bool   // --demo: load demo accounts and projects into a new database
	DemoProjects int    // --demo-projects: how many demo projects --demo creates
	CatalogDir   string // --catalog, TONGBAN_CATALOG: a catalog directory instead of the bundled Xiamen one
	Warn         string // --warn, TONGBAN_WARN: when a deadline turns to warning: "80%" of the limit or "2d" before
	LogLevel     string // --log-level, TONGBAN_LOG_LEVEL: debug, info, warn, error
	SecureCookie bool   // --secure-cookie, TONGBAN_SECURE_COOKIE: mark cookies Secure (behind TLS)
	Instance     string // --instance, TONGBAN_INSTANCE: job runner owner id; defaults to host:pid
	DebugAddr    string // --debug-addr, TONGBAN_DEBUG_ADDR: loopback HOST:PORT serving Go's pprof profiles; empty: off

	// The ledger and the system keys (docs/ledger.md).
	MasterKeyFile      string        // --master-key-file, TONGBAN_MASTER_KEY_FILE: the master key (32 hex digits) sealing the system's private keys
	MasterKey          string        // TONGBAN_MASTER_KEY only (a flag would show in ps): the master key itself, 32 hex digits
	LedgerOrigin       string        // --ledger-origin, TONGBAN_LEDGER_ORIGIN: the ledger's name, first line of its checkpoints and name of its keys
	CheckpointInterval time.Duration // --checkpoint-interval, TONGBAN_CHECKPOINT_INTERVAL: how often a checkpoint is signed when the ledger grew

	// Electronic certificates (docs/signatures.md).
	PublicURL string // --public-url, TONGBAN_PUBLIC_URL: the address people reach the site at; certificates' QR codes open <PublicURL>/verify/<number>. Default http://<addr>
	CertFont  string // --cert-font, TONGBAN_CERT_FONT: TrueType CJK font file(s) for certificates (colon-separated, main font first); default: the Debian fonts' paths
}

// PublicBase returns PublicURL, or http://<addr> without it.
func (c Config) PublicBase() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + c.Addr
}

// DefaultLedgerOrigin is the ledger's origin unless configured.
const DefaultLedgerOrigin = "tongban.local/ledger"

// Default returns the defaults.
func Default() Config {
	return Config{DataDir: "./data", Addr: "127.0.0.1:8080", Warn: "80%", LogLevel: "info", DemoProjects: 12,
		LedgerOrigin: DefaultLedgerOrigin, CheckpointInterval: 10 * time.Second}
}

// Flags binds the serve flags to c on fs, after applying the environment.
func (c *Config) Flags(fs *flag.FlagSet) {
	c.env()
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory (SQLite database, files, keys)")
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address HOST:PORT")
	fs.StringVar(&c.DSN, "db", c.DSN, "database URL: postgres://user@host:port/db?sslmode=disable or mysql://user:pass@host:port/db (default: SQLite under --data)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load the demo catalog, accounts and projects into a new database and print the accounts")
	fs.IntVar(&c.DemoProjects, "demo-projects", c.DemoProjects, "number of demo projects --demo creates")
	fs.StringVar(&c.CatalogDir, "catalog", c.CatalogDir, "catalog directory (default: the bundled Xiamen catalog)")
	fs.StringVar(&c.Warn, "warn", c.Warn, `deadline warning rule: "80%" of the limit or "2d" working days before`)
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
	fs.BoolVar(&c.SecureCookie, "secure-cookie", c.SecureCookie, "mark session cookies Secure (serve behind TLS)")
	fs.StringVar(&c.Instance, "instance", c.Instance, "instance id for the job runner (default host:pid)")
	fs.StringVar(&c.DebugAddr, "debug-addr", c.DebugAddr, "loopback HOST:PORT serving /debug/pprof profiles (default off)")
	fs.StringVar(&c.MasterKeyFile, "master-key-file", c.MasterKeyFile, "file holding the master key (32 hex digits) that seals the system's private keys (default: "+
		"TONGBAN_MASTER_KEY, else <data>/master.key, generated on first start)")
	fs.StringVar(&c.LedgerOrigin, "ledger-origin", c.LedgerOrigin, "the ledger's name: first line of its checkpoints, name of its keys")
	fs.DurationVar(&c.CheckpointInterval, "checkpoint-interval", c.CheckpointInterval, "how often a ledger checkpoint is signed when the ledger grew")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "the site's public address, e.g. https://tongban.example.gov.cn; certificates' QR codes open <public-url>/verify/<number> (default http://<addr>)")
	fs.StringVar(&c.CertFont, "cert-font", c.CertFont, "TrueType CJK font file(s) certificates are printed with, colon-separated, main font first (default: Debian's fonts-arphic-gbsn00lp and fonts-droid-fallback)")
}

func (c *Config) env() {
	str := func(k string, dst *string) {
		if v, ok := os.LookupEnv(k); ok {
			*dst = v
		}
	}
	str("TONGBAN_DATA", &c.DataDir)
	str("TONGBAN_ADDR", &c.Addr)
	str("TONGBAN_DB", &c.DSN)
	str("TONGBAN_CATALOG", &c.CatalogDir)
	str("TONGBAN_WARN", &c.Warn)
	str("TONGBAN_LOG_LEVEL", &c.LogLevel)
	str("TONGBAN_INSTANCE", &c.Instance)
	str("TONGBAN_DEBUG_ADDR", &c.DebugAddr)
	str("TONGBAN_MASTER_KEY_FILE", &c.MasterKeyFile)
	str("TONGBAN_MASTER_KEY", &c.MasterKey)
	str("TONGBAN_LEDGER_ORIGIN", &c.LedgerOrigin)
	str("TONGBAN_PUBLIC_URL", &c.PublicURL)
	str("TONGBAN_CERT_FONT", &c.CertFont)
	if v, ok := os.LookupEnv("TONGBAN_CHECKPOINT_INTERVAL"); ok {
		if d, err := time.ParseDuration(v); err == nil {
			c.CheckpointInterval = d
		} else {
			c.CheckpointInterval = -1 // Validate names the field
		}
	}
	if v, ok := os.LookupEnv("TONGBAN_SECURE_COOKIE"); ok {
		c.SecureCookie = v == "1" || strings.EqualFold(v, "true")
	}
}

// Validate checks every field and reports all that are wrong.
func (c Config) Validate() error {
	e := apperr.New(apperr.Invalid, "config.invalid", "配置有误", "invalid configuration")
	if strings.TrimSpace(c.DataDir) == "" {
		e.WithField("data", "required", "数据目录不能为空", "the data directory is required")
	}
	if _, _, ok := strings.Cut(c.Addr, ":"); !ok {
		e.WithField("addr", "invalid", "监听地址应为 主机:端口", "the listen address must be HOST:PORT")
	}
	if c.DSN != "" && !strings.HasPrefix(c.DSN, "postgres://") && !strings.HasPrefix(c.DSN, "postgresql://") && !strings.HasPrefix(c.DSN, "mysql://") {
		e.WithField("db", "invalid", "数据库地址须以 postgres:// 或 mysql:// 开头", "the database URL must start with postgres:// or mysql://")
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			e.WithField("public-url", "invalid", "公开地址应为 http(s)://主机[:端口][/路径]", "the public URL must be http(s)://host[:port][/path]")
		}
	}
	if _, err := calendar.ParseWarnRule(c.Warn); err != nil {
		ae := apperr.As(err)
		e.WithField("warn", "invalid", ae.ZH, ae.EN)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		e.WithField("log-level", "invalid", "日志级别须为 debug、info、warn 或 error", "log level must be debug, info, warn or error")
	}
	if c.DebugAddr != "" && !loopback(c.DebugAddr) {
		e.WithField("debug-addr", "invalid", "调试地址须为本机回环地址，如 127.0.0.1:6060（性能剖析数据不得对外暴露）",
			"the debug address must be a loopback HOST:PORT such as 127.0.0.1:6060 (profiles must not be exposed)")
	}
	if c.DemoProjects < 0 || c.DemoProjects > 100000 {
		e.WithField("demo-projects", "invalid", "演示项目数须在 0 到 100000 之间", "demo projects must be between 0 and 100000")
	}
	if c.MasterKeyFile != "" && c.MasterKey != "" {
		e.WithField("master-key-file", "invalid", "主密钥只能由一处提供：--master-key-file（TONGBAN_MASTER_KEY_FILE）或 TONGBAN_MASTER_KEY，不能同时设置",
			"give the master key one way only: --master-key-file (TONGBAN_MASTER_KEY_FILE) or TONGBAN_MASTER_KEY, not both")
	}
	if !validOrigin(c.LedgerOrigin) {
		e.WithField("ledger-origin", "invalid", "账本名称不能为空、不超过 200 个字符，不能含空白或“+”（如 tongban.xiamen.gov.cn/ledger）",
			"the ledger origin must be 1–200 characters with no white space and no '+' (e.g. tongban.xiamen.gov.cn/ledger)")
	}
	if c.CheckpointInterval < time.Second || c.CheckpointInterval > 24*time.Hour {
		e.WithField("checkpoint-interval", "invalid", "检查点间隔须在 1s 到 24h 之间（如 10s）", "the checkpoint interval must be between 1s and 24h (e.g. 10s)")
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

// validOrigin: a checkpoint origin that is also a valid signed-note key
// name (no Unicode space, no '+').
func validOrigin(s string) bool {
	if s == "" || len(s) > 200 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || r == '+' || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// loopback reports whether addr is HOST:PORT on a loopback interface.
func loopback(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String describes the configuration without secrets (DSN passwords).
func (c Config) String() string {
	dsn := c.DSN
	if i := strings.Index(dsn, "@"); i > 0 {
		if j := strings.Index(dsn, "://"); j > 0 && j < i {
			dsn = dsn[:j+3] + "***" + dsn[i:]
		}
	}
	return fmt.Sprintf("data=%s addr=%s db=%q demo=%v", c.DataDir, c.Addr, dsn, c.Demo)
}
