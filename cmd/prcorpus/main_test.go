package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongban/tongban/internal/prereview/corpus"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-n", "3", "-seed", "9", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "3 documents") || !strings.Contains(out.String(), "edge cases") {
		t.Errorf("output: %s", out.String())
	}
	cases, err := corpus.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if _, err := os.Stat(filepath.Join(dir, c.File)); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
	}
	if n := len(cases); n < 3+10 {
		t.Errorf("%d cases, want the 3 documents and the edge cases", n)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"-n", "x", "dir"}, {"a", "b"}, {"-n", "-1", "dir"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if !strings.Contains(errb.String(), "usage") {
			t.Errorf("%q: no usage in %q", args, errb.String())
		}
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"-n", "50", t.TempDir()}, &out, &errb); code != 1 {
		t.Errorf("exit %d, want 1: %s", code, errb.String())
	}
}
