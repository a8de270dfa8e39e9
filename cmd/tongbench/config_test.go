package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/apperr"
)

// containsAll reports whether s contains every part.
func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func TestParseFlagsDefaults(t *testing.T) {
	got, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	want := DefaultConfig()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	// The figures: 50 officers, a million tasks across 100 departments.
	if got.Workers != 50 || got.TodoRows != 1000000 || got.Projects != 200 {
		t.Errorf("defaults drifted from the issue: workers %d, todo rows %d, projects %d", got.Workers, got.TodoRows, got.Projects)
	}
}

func TestParseFlagsGood(t *testing.T) {
	got, err := parseFlags([]string{"-scenarios", " Todo ,decisions,todo", "-dialects", "sqlite", "-workers", "8", "-todo-rows", "20000",
		"-ceiling-duration", "2s", "-bin", "/x/tongban"}, io.Discard)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if diff := cmp.Diff([]string{"todo", "decisions"}, got.Scenarios); diff != "" {
		t.Errorf("scenarios (-want +got):\n%s", diff)
	}
	if got.Workers != 8 || got.TodoRows != 20000 || got.CeilingFor != 2*time.Second || got.Bin != "/x/tongban" {
		t.Errorf("got %+v", got)
	}
	if !got.wants(ScenarioTodo) || got.wants(ScenarioProjects) {
		t.Errorf("wants: todo %v, projects %v", got.wants(ScenarioTodo), got.wants(ScenarioProjects))
	}
}

// TestParseFlagsBad feeds every flag that can be wrong a wrong value and
// checks the field and both languages of the message.
func TestParseFlagsBad(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		field string
		zh    string
		en    string
	}{
		{"unknown scenario", []string{"-scenarios", "decisions,speed"}, "scenarios", "未知场景 \"speed\"", "unknown scenario \"speed\""},
		{"no scenario", []string{"-scenarios", " , "}, "scenarios", "至少选择一个场景", "at least one scenario"},
		{"unknown dialect", []string{"-dialects", "mysql"}, "dialects", "未知数据库 \"mysql\"", "unknown database \"mysql\""},
		{"no dialect", []string{"-dialects", ""}, "dialects", "至少选择一种数据库", "at least one database"},
		{"unknown todo dialect", []string{"-todo-dialects", "oracle"}, "todo-dialects", "未知数据库 \"oracle\"", "unknown database \"oracle\""},
		{"empty catalog", []string{"-catalog", " "}, "catalog", "请指定基准测试目录", "catalog directory is required"},
		{"bad postgres url", []string{"-postgres", "mysql://root@x/db"}, "postgres", "PostgreSQL 地址应形如", "PostgreSQL URL must look like"},
		{"postgres without host", []string{"-postgres", "postgres:///db"}, "postgres", "PostgreSQL 地址应形如", "PostgreSQL URL must look like"},
		{"zero workers", []string{"-workers", "0"}, "workers", "workers 须在 1 到 1000 之间（当前 0）", "workers must be between 1 and 1000 (got 0)"},
		{"too many workers", []string{"-workers", "5000"}, "workers", "须在 1 到 1000 之间", "must be between 1 and 1000"},
		{"decision tasks not multiple of 3", []string{"-decision-tasks", "100"}, "decision-tasks", "3 的倍数", "multiple of 3"},
		{"decision tasks too few", []string{"-decision-tasks", "0"}, "decision-tasks", "须在 3 到", "between 3 and"},
		{"projects zero", []string{"-projects", "0"}, "projects", "projects 须在 1 到", "projects must be between 1 and"},
		{"inflight zero", []string{"-inflight", "0"}, "inflight", "inflight 须在 1 到", "inflight must be between 1 and"},
		{"todo rows not multiple of 100", []string{"-todo-rows", "1050"}, "todo-rows", "100 的倍数", "multiple of 100"},
		{"todo rows too few", []string{"-todo-rows", "0"}, "todo-rows", "须在 100 到", "between 100 and"},
		{"todo requests zero", []string{"-todo-requests", "0"}, "todo-requests", "须在 1 到", "between 1 and"},
		{"todo concurrency zero", []string{"-todo-concurrency", "0"}, "todo-concurrency", "须在 1 到", "between 1 and"},
		{"todo pages zero", []string{"-todo-pages", "0"}, "todo-pages", "须在 1 到", "between 1 and"},
		{"ceiling too short", []string{"-ceiling-duration", "1ms"}, "ceiling-duration", "100ms 到 1h", "100ms and 1h"},
		{"server start too short", []string{"-server-start", "10ms"}, "server-start", "1s 到 10m", "1s and 10m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args, io.Discard)
			if err == nil {
				t.Fatalf("%v accepted", tt.args)
			}
			ae := apperr.As(err)
			if ae.Code != apperr.Invalid {
				t.Fatalf("code = %s, want invalid (%v)", ae.Code, err)
			}
			f, ok := ae.Fields[tt.field]
			if !ok {
				t.Fatalf("no error on field %q: %v", tt.field, err)
			}
			if !strings.Contains(f.ZH, tt.zh) || !strings.Contains(f.EN, tt.en) {
				t.Errorf("field %s: got %q / %q, want to contain %q / %q", tt.field, f.ZH, f.EN, tt.zh, tt.en)
			}
		})
	}
}

func TestParseFlagsSyntax(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		zh, en string
	}{
		{"not a number", []string{"-workers", "many"}, "参数有误", "bad arguments"},
		{"unknown flag", []string{"-speed", "11"}, "参数有误", "bad arguments"},
		{"not a duration", []string{"-ceiling-duration", "ten"}, "参数有误", "bad arguments"},
		{"stray argument", []string{"decisions"}, "多余的参数：decisions", "unexpected arguments: decisions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args, io.Discard)
			ae := apperr.As(err)
			if err == nil || ae.Code != apperr.Invalid || !strings.Contains(ae.ZH, tt.zh) || !strings.Contains(ae.EN, tt.en) {
				t.Errorf("%v: got %v, want invalid %q / %q", tt.args, err, tt.zh, tt.en)
			}
		})
	}
	if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: got %v, want flag.ErrHelp", err)
	}
}

func TestRunRejectsBadFlagsBeforeWork(t *testing.T) {
	var out strings.Builder
	err := run(t.Context(), []string{"-workers", "-1"}, &out, io.Discard)
	if err == nil || !containsAll(apperr.Describe(err), "基准测试参数有误", "invalid benchmark settings", "workers") {
		t.Errorf("got %v, want the settings error naming workers", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q before failing", out.String())
	}
}

func TestRunMissingBinary(t *testing.T) {
	err := run(t.Context(), []string{"-catalog", benchCatalog, "-bin", t.TempDir() + "/no-such-tongban"}, io.Discard, io.Discard)
	ae := apperr.As(err)
	if ae.Key != "bench.bin" || !containsAll(ae.ZH+ae.EN, "找不到被测程序", "does not exist") {
		t.Errorf("got %v, want bench.bin in both languages", err)
	}
}
