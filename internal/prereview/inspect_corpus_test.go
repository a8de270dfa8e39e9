package prereview

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/prereview/corpus"
)

// issueCodes are the finding codes the issue names; every one must be
// seen reported where expected and absent where not (TestInspectCorpus).
var issueCodes = []string{CodeUnsupportedType, CodeCorruptFile, CodeEncryptedPDF, CodeTooLarge, CodeBlankPage,
	CodeLowResolution, CodeSealMissing, CodePerforationSealMissing, CodeUSCCInvalid, CodeExpired, CodeNameMismatch}

// TestInspectCorpus runs the whole check an upload gets at once (Inspect
// without OCR, with the case's requirements and application) on every
// recipe of the generator and every edge case, and compares all its
// findings with what the generator knows: each expected code reported (on
// exactly the expected pages), no unexpected one. Then every code of the
// issue must have been seen both ways: reported on a document that has
// the fault, and not reported on one that has not.
func TestInspectCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a corpus of 40 files: not in -short")
	}
	dir, cases := mustFormatCorpus(t)
	ctx := context.Background()
	positive, negative := map[string]int{}, map[string]int{}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			o := Options{RequireSeal: slices.Contains(c.Require, corpus.RequireSeal),
				RequirePerforation: slices.Contains(c.Require, corpus.RequirePerforation)}
			today := corpus.Today
			if c.App != nil {
				o.Application = Application{EnterpriseName: c.App.EnterpriseName, USCC: c.App.USCC}
				today = c.App.Today
			}
			if o.Now, err = time.ParseInLocation("2006-01-02", today, beijing); err != nil {
				t.Fatal(err)
			}
			rep := Inspect(ctx, c.File, data, o)
			checkMessages(t, rep.Findings)
			got, pagesOf := map[string]bool{}, map[string][]int{}
			for _, f := range rep.Findings {
				got[f.Code] = true
				if f.Page > 0 && !slices.Contains(pagesOf[f.Code], f.Page) {
					pagesOf[f.Code] = append(pagesOf[f.Code], f.Page)
				}
			}
			for _, code := range c.Expect.Codes {
				if got[code] {
					positive[code]++
				} else {
					t.Errorf("no %s; findings %v", code, codes(rep.Findings))
				}
			}
			for _, code := range c.Expect.NotCodes {
				if got[code] {
					t.Errorf("%s reported, not expected; findings %+v", code, rep.Findings)
				} else {
					negative[code]++
				}
			}
			for code, want := range c.Expect.CodePages {
				g := pagesOf[code]
				sort.Ints(g)
				if !slices.Equal(g, want) {
					t.Errorf("%s on pages %v, want %v", code, g, want)
				}
			}
			if len(rep.PageInfo) == 0 && rep.OCR != "not_needed" {
				// A refused file must not be left waiting for OCR.
				t.Errorf("no page looked at, yet ocr %q; want not_needed", rep.OCR)
			}
			if rep.Pages != c.Expect.Pages {
				t.Errorf("%d pages, want %d", rep.Pages, c.Expect.Pages)
			}
		})
	}
	for _, code := range issueCodes {
		if positive[code] == 0 || negative[code] == 0 {
			t.Errorf("%s: %d documents with it reported, %d without it rightly silent; want at least one of each", code, positive[code], negative[code])
		}
	}
	t.Logf("reported where expected: %v; silent where expected: %v", positive, negative)
}
