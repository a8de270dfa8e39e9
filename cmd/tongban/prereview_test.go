package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tongban/tongban/internal/prereview"
	"github.com/tongban/tongban/internal/prereview/corpus"
)

// TestPrereviewInspectCLI runs `tongban prereview inspect --json` on the
// corpus's edge cases (encrypted, truncated, a text file named .pdf, a
// polyglot, an image announcing 50 000 × 50 000 pixels, an empty file, a
// 2000-page PDF) and a few generated documents, and checks that each
// line is one file's report with the codes the corpus expects.
func TestPrereviewInspectCLI(t *testing.T) {
	needTools(t, "pdfinfo", "pdftoppm")
	dir := t.TempDir()
	edge, err := corpus.EdgeCases(filepath.Join(dir, "edge"))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := corpus.Generate(filepath.Join(dir, "docs"), 6, 11)
	if err != nil {
		t.Fatal(err)
	}
	check := func(cases []corpus.Case, base string, require string) {
		var files []string
		for _, c := range cases {
			files = append(files, filepath.Join(base, c.File))
		}
		args := append([]string{"prereview", "inspect"}, files...)
		args = append(args, "--json", "--no-ocr")
		if require != "" {
			args = append(args, "--require", require)
		}
		var out bytes.Buffer
		if err := run(context.Background(), args, &out, &out); err != nil {
			t.Fatalf("inspect: %v\n%s", err, out.String())
		}
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, 1<<20)
		i := 0
		for sc.Scan() {
			var r prereview.Report
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("line %d is not a report: %v: %s", i+1, err, sc.Text())
			}
			if i >= len(cases) {
				t.Fatalf("more lines than files")
			}
			c := cases[i]
			if r.File != files[i] {
				t.Errorf("line %d is %s, want %s", i+1, r.File, files[i])
			}
			var codes []string
			for _, f := range r.Findings {
				codes = append(codes, f.Code)
				if f.Message == "" || f.MessageE == "" {
					t.Errorf("%s: finding %s without a message", c.Name, f.Code)
				}
			}
			for _, want := range c.Expect.Codes {
				if !slices.Contains(codes, want) {
					t.Errorf("%s (%s): no %s among %v", c.Name, c.Notes, want, codes)
				}
			}
			for _, not := range c.Expect.NotCodes {
				if slices.Contains(codes, not) {
					t.Errorf("%s: %s reported, want none", c.Name, not)
				}
			}
			i++
		}
		if i != len(cases) {
			t.Errorf("%d lines for %d files", i, len(cases))
		}
	}
	check(edge, filepath.Join(dir, "edge"), "")
	// Generated documents: each with the checks its case requires.
	for _, c := range docs {
		req := ""
		for _, r := range c.Require {
			if req != "" {
				req += ","
			}
			req += r
		}
		check([]corpus.Case{c}, filepath.Join(dir, "docs"), req)
	}
}
