package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongban/tongban/internal/apperr"
)

// TestSmokeSQLite runs every scenario end to end at toy sizes on SQLite:
// the real server binary in its own process, setup, HTTP load, ceiling and
// summary. It checks the program works, not how fast: figures from a test
// run mean nothing (performance lives in make bench, never in timed tests).
func TestSmokeSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server: skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "tongban")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "github.com/tongban/tongban/cmd/tongban").CombinedOutput(); err != nil {
		t.Fatalf("build tongban: %v\n%s", err, out)
	}
	var out strings.Builder
	args := []string{"-bin", bin, "-catalog", benchCatalog, "-dialects", "sqlite", "-todo-dialects", "sqlite",
		"-workers", "4", "-decision-tasks", "12", "-ceiling-duration", "200ms", "-projects", "3", "-inflight", "2",
		"-todo-rows", "6000", "-todo-requests", "12", "-todo-concurrency", "2", "-todo-pages", "2"}
	if err := run(t.Context(), args, &out, &out); err != nil {
		t.Fatalf("run: %s\n%s", apperr.Describe(err), out.String())
	}
	got := out.String()
	for _, want := range []string{
		"decisions: 24 ok, 0 conflicts (409), 0 errors",
		"projects: 3 of 3 completed stages 1–3, 54 decisions",
		"to-do list: 12 requests, 0 errors",
		"USING INDEX tasks_todo",
		"=== tongbench summary ===",
		"decisions ÷ ceiling",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
