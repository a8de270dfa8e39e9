package prereview

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tongban/tongban/internal/prereview/corpus"
)

// formatCodes are the codes Open, Page, IsBlank and ResolutionFinding
// answer for; the corpus's expectations for the others belong to the
// seal, OCR and consistency checks.
var formatCodes = []string{CodeUnsupportedType, CodeCorruptFile, CodeEncryptedPDF, CodeTooLarge, CodeBlankPage, CodeLowResolution}

// mustFormatCorpus writes every recipe of the generator once and the edge
// cases into a temporary directory, or loads the corpus in the directory
// PREREVIEW_CORPUS names (written by cmd/prcorpus, e.g. the 200 documents
// of make bench).
func mustFormatCorpus(t *testing.T) (string, []corpus.Case) {
	t.Helper()
	mustPDFTools(t)
	if dir := os.Getenv("PREREVIEW_CORPUS"); dir != "" {
		cases, err := corpus.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		return dir, cases
	}
	dir := t.TempDir()
	cases, err := corpus.Generate(dir, corpus.NumRecipes, 11)
	if err != nil {
		t.Fatalf("corpus: %v", err)
	}
	edge, err := corpus.EdgeCases(dir)
	if err != nil {
		t.Fatalf("corpus: %v", err)
	}
	return dir, append(cases, edge...)
}

// TestFormatCorpus opens every case and looks at every page as Inspect
// does, and compares what the format checks say with what the generator
// knows: type, page count, blank pages, resolution of the scan, and the
// format codes (each expected one reported on exactly the expected
// pages, none of the not-expected ones).
func TestFormatCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a corpus of 40 files (about 15 s): not in -short")
	}
	dir, cases := mustFormatCorpus(t)
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			doc, st, fs := OpenStat(ctx, c.File, data, Limits{})
			defer doc.Close()
			checkMessages(t, fs)
			if c.Expect.Type != "" && st.Type != c.Expect.Type {
				t.Errorf("type %s, want %s", st.Type, c.Expect.Type)
			}
			if st.Pages != c.Expect.Pages {
				t.Errorf("%d pages, want %d", st.Pages, c.Expect.Pages)
			}
			var infos []PageInfo
			if doc != nil {
				for i := 1; i <= doc.Pages; i++ {
					_, pi, err := doc.Page(ctx, i)
					if err != nil {
						fs = append(fs, PageErrorFinding(i, err))
						continue
					}
					infos = append(infos, pi)
					if f := ResolutionFinding(pi); f != nil && !pi.Blank {
						fs = append(fs, *f)
					}
					if c.Expect.DPI > 0 && !near(pi.DPI, float64(c.Expect.DPI), 1.5) {
						t.Errorf("page %d: %.1f dpi, want %d", i, pi.DPI, c.Expect.DPI)
					}
					if c.Source == "vector" && pi.DPI != 0 {
						t.Errorf("page %d of a born-digital PDF: %.1f dpi, want 0 (not a scan)", i, pi.DPI)
					}
				}
				fs = append(fs, BlankFindings(infos)...)
			}
			pagesOf := map[string][]int{}
			got := map[string]bool{}
			for _, f := range fs {
				got[f.Code] = true
				if f.Page > 0 {
					pagesOf[f.Code] = append(pagesOf[f.Code], f.Page)
				}
			}
			for _, code := range c.Expect.Codes {
				if slices.Contains(formatCodes, code) && !got[code] {
					t.Errorf("no %s; findings %v", code, codes(fs))
				}
			}
			for _, code := range c.Expect.NotCodes {
				if got[code] {
					t.Errorf("%s reported, not expected; findings %+v", code, fs)
				}
			}
			for code, want := range c.Expect.CodePages {
				if !slices.Contains(formatCodes, code) {
					continue
				}
				if g := pagesOf[code]; !slices.Equal(g, want) {
					t.Errorf("%s on pages %v, want %v", code, g, want)
				}
			}
			var blank []int
			for _, pi := range infos {
				if pi.Blank {
					blank = append(blank, pi.Page)
				}
			}
			if !slices.Equal(blank, c.Expect.Blank) {
				t.Errorf("blank pages %v, want %v", blank, c.Expect.Blank)
			}
		})
	}
}
