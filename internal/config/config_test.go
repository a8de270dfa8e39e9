package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

func TestValidateRefusesEachBadField(t *testing.T) {
	cases := []struct {
		field  string
		mutate func(*Config)
	}{
		{"data", func(c *Config) { c.DataDir = "  " }},
		{"addr", func(c *Config) { c.Addr = "8080" }},
		{"db", func(c *Config) { c.DSN = "sqlite:///tmp/x.db" }},
		{"warn", func(c *Config) { c.Warn = "120%" }},
		{"log-level", func(c *Config) { c.LogLevel = "verbose" }},
		{"demo-projects", func(c *Config) { c.DemoProjects = -1 }},
		{"debug-addr", func(c *Config) { c.DebugAddr = "0.0.0.0:6060" }},
		{"debug-addr", func(c *Config) { c.DebugAddr = "example.com:6060" }},
		{"debug-addr", func(c *Config) { c.DebugAddr = "127.0.0.1" }},
		{"master-key-file", func(c *Config) {
			c.MasterKeyFile, c.MasterKey = "/etc/tongban/master.key", "00112233445566778899aabbccddeeff"
		}},
		{"ledger-origin", func(c *Config) { c.LedgerOrigin = "" }},
		{"ledger-origin", func(c *Config) { c.LedgerOrigin = "tongban ledger" }},
		{"ledger-origin", func(c *Config) { c.LedgerOrigin = "tongban+ledger" }},
		{"checkpoint-interval", func(c *Config) { c.CheckpointInterval = 100 * time.Millisecond }},
		{"checkpoint-interval", func(c *Config) { c.CheckpointInterval = 48 * time.Hour }},
		{"checkpoint-interval", func(c *Config) { c.CheckpointInterval = -1 }},
	}
	for _, tc := range cases {
		c := Default()
		tc.mutate(&c)
		err := c.Validate()
		e := apperr.As(err)
		f, ok := e.Fields[tc.field]
		if err == nil || e.Code != apperr.Invalid || len(e.Fields) != 1 || !ok {
			t.Errorf("%s: got %v, want one invalid field %q", tc.field, err, tc.field)
			continue
		}
		if f.ZH == "" || f.EN == "" {
			t.Errorf("%s: message missing in a language: %+v", tc.field, f)
		}
	}
}

func TestValidateAccepts(t *testing.T) {
	for _, addr := range []string{"", "127.0.0.1:6060", "[::1]:6060", "localhost:0"} {
		c := Default()
		c.DebugAddr = addr
		if err := c.Validate(); err != nil {
			t.Errorf("debug addr %q: %v", addr, err)
		}
	}
}

func TestEnvironmentThenFlags(t *testing.T) {
	t.Setenv("TONGBAN_ADDR", "127.0.0.1:9000")
	t.Setenv("TONGBAN_DEBUG_ADDR", "127.0.0.1:6060")
	t.Setenv("TONGBAN_SECURE_COOKIE", "true")
	c := Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Flags(fs)
	if err := fs.Parse([]string{"--addr", "127.0.0.1:9100"}); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9100" || c.DebugAddr != "127.0.0.1:6060" || !c.SecureCookie {
		t.Errorf("got %+v", c)
	}
}

func TestLedgerSettings(t *testing.T) {
	t.Setenv("TONGBAN_MASTER_KEY", "00112233445566778899aabbccddeeff")
	t.Setenv("TONGBAN_LEDGER_ORIGIN", "tongban.xiamen.gov.cn/ledger")
	t.Setenv("TONGBAN_CHECKPOINT_INTERVAL", "30s")
	c := Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Flags(fs)
	if err := fs.Parse([]string{"--checkpoint-interval", "1m"}); err != nil {
		t.Fatal(err)
	}
	if c.MasterKey != "00112233445566778899aabbccddeeff" || c.LedgerOrigin != "tongban.xiamen.gov.cn/ledger" || c.CheckpointInterval != time.Minute {
		t.Errorf("got %+v", c)
	}
	if fs.Lookup("master-key") != nil {
		t.Error("the master key itself must not be a flag: command lines show in ps")
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
	if s := c.String(); strings.Contains(s, "00112233") {
		t.Errorf("String shows the master key: %s", s)
	}
	t.Setenv("TONGBAN_CHECKPOINT_INTERVAL", "soon")
	c = Default()
	c.Flags(flag.NewFlagSet("serve", flag.ContinueOnError))
	if e := apperr.As(c.Validate()); e.Fields["checkpoint-interval"].Code != "invalid" {
		t.Errorf("bad TONGBAN_CHECKPOINT_INTERVAL: %v", c.Validate())
	}
}
