// Package corpus generates the test corpus of material pre-review
// (issue 5): realistic documents — Chinese text and tables, red round and
// oval official seals with a star and arc text, perforation seals (骑缝章)
// split across the page edges, red headings, rules and remarks that are not
// seals, blank pages, low-resolution scans, scans with noise, slight
// rotation and JPEG artefacts — as PDF, JPEG, PNG and TIFF files, each with
// the findings the checks must produce; and the hand-made edge cases
// (EdgeCases).
//
// Documents are drawn as vectors with go-pdf/fpdf in the CJK fonts of
// internal/cert; scans are rasterised with poppler's pdftoppm and spoilt
// in Go. The same seed gives the same bytes.
//
// The package does not import prereview, so that prereview's own tests can
// use it; the finding codes are repeated here as strings (a test checks
// them against prereview's constants).
package corpus

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Finding codes the corpus expects (the values of prereview's Code…
// constants).
const (
	codeUnsupportedType        = "unsupported_type"
	codeCorruptFile            = "corrupt_file"
	codeEncryptedPDF           = "encrypted_pdf"
	codeTooLarge               = "too_large"
	codeBlankPage              = "blank_page"
	codeLowResolution          = "low_resolution"
	codeSealMissing            = "seal_missing"
	codePerforationSealMissing = "perforation_seal_missing"
	codeUSCCInvalid            = "uscc_invalid"
	codeExpired                = "expired"
	codeNameMismatch           = "name_mismatch"
	codeUSCCMismatch           = "uscc_mismatch"
)

// Codes lists the finding codes the corpus expects or rules out.
func Codes() []string {
	return []string{codeUnsupportedType, codeCorruptFile, codeEncryptedPDF, codeTooLarge, codeBlankPage,
		codeLowResolution, codeSealMissing, codePerforationSealMissing, codeUSCCInvalid, codeExpired,
		codeNameMismatch, codeUSCCMismatch}
}

// Seal kinds (prereview's SealRound, SealOval, SealPerforation).
const (
	KindRound       = "round"
	KindOval        = "oval"
	KindPerforation = "perforation-slice"
)

// Requirements a case is checked with (tongban prereview inspect
// --require).
const (
	RequireSeal        = "seal"
	RequirePerforation = "perforation-seal"
)

// Today is the date the cases' expectations assume (validity dates are
// chosen years away from it, so that any date near it gives the same
// findings).
const Today = "2026-06-01"

// SealBox is a seal drawn on a page: its kind, the page edge a slice is
// cut by, and where it is as fractions of the page image's width and
// height, [x0, y0, x1, y1] from the top left. Multiply by a page image's
// size to compare with a detected seal's box.
type SealBox struct {
	Kind string     `json:"kind"`
	Edge string     `json:"edge,omitempty"`
	Box  [4]float64 `json:"box"`
}

// Expect is what inspecting a case must report.
//
// Codes and NotCodes hold for an inspection with the case's Require and
// App and without OCR. For a document with embedded text (born-digital
// PDF) they include the codes that come from its text; for a scan, those
// are in OCRCodes and OCRNotCodes, which hold when OCR reads the scan
// correctly.
type Expect struct {
	Type  string `json:"type"`  // pdf, jpeg, png, tiff; for edge cases, what the file really is ("text", "docx", …)
	Pages int    `json:"pages"` // the true page count (0: the file has none)
	// Codes must each be reported at least once; NotCodes never.
	Codes    []string `json:"codes"`
	NotCodes []string `json:"not_codes"`
	// CodePages lists, for the page-level codes in Codes (blank_page,
	// low_resolution, seal_missing, perforation_seal_missing), exactly the
	// pages each is reported on.
	CodePages   map[string][]int `json:"code_pages,omitempty"`
	OCRCodes    []string         `json:"ocr_codes,omitempty"`
	OCRNotCodes []string         `json:"ocr_not_codes,omitempty"`
	// Seals lists the kinds of seal on each page that has any (round,
	// oval, perforation-slice); SealBoxes where they are.
	Seals     map[int][]string  `json:"seals"`
	SealBoxes map[int][]SealBox `json:"seal_boxes"`
	// Fields are the fields ExtractFields must find in the document's text
	// (embedded, or OCR of a scan): uscc, enterprise_name,
	// legal_representative, valid_from, valid_until (YYYY-MM-DD), amount
	// (yuan, decimal: "1200500", "1000.56") and amount_text (the capital
	// numerals as printed, without 人民币).
	Fields map[string]string `json:"fields,omitempty"`
	Blank  []int             `json:"blank,omitempty"` // blank pages
	DPI    int               `json:"dpi,omitempty"`   // resolution of a scan; 0 for a born-digital PDF
}

// App is the application a case's document is checked against
// (prereview.Application).
type App struct {
	EnterpriseName string `json:"enterprise_name"`
	USCC           string `json:"uscc"`
	Today          string `json:"today"` // YYYY-MM-DD
}

// Case is one generated file and what inspecting it must report.
type Case struct {
	Name    string   `json:"name"`
	File    string   `json:"file"`    // relative to the corpus directory
	Require []string `json:"require"` // seal, perforation-seal
	Expect  Expect   `json:"expect"`
	// Noisy: a spoilt scan (noise, rotation, blur, JPEG artefacts); false
	// for born-digital PDFs and clean scans.
	Noisy bool `json:"noisy"`
	// Kind is the document (licence, application, contract, redhead,
	// landcert, form) or, for an edge case, "edge".
	Kind string `json:"kind"`
	// Source is how the file was made: vector (born-digital PDF), scan
	// (page images in a PDF), image (JPEG, PNG or TIFF), or edge.
	Source string    `json:"source"`
	App    *App      `json:"app,omitempty"`
	Scan   *ScanSpec `json:"scan,omitempty"`
	Notes  string    `json:"notes,omitempty"`
}

// recipe is a kind of case; Generate cycles through them so that any
// n ≥ len(recipes) covers them all.
type recipe struct {
	name    string
	tmpl    func(*gen, flaws) (*drawn, error)
	kind    string
	out     string // vector, scanpdf, jpeg, png, tiff
	noisy   bool
	dpi     [2]int // scan resolution range
	require []string
	flaws   func(r *rand.Rand, f *flaws)
	app     string // "", "same", "name", "uscc": the application matches, or differs in name or code
	notes   string
}

var (
	both   = []string{RequireSeal, RequirePerforation}
	seal   = []string{RequireSeal}
	perf   = []string{RequirePerforation}
	good   = [2]int{150, 180}
	fine   = [2]int{200, 240}
	lowres = [2]int{100, 130}
)

func pages(lo, hi int) func(*rand.Rand, *flaws) {
	return func(r *rand.Rand, f *flaws) { f.pages = lo + r.IntN(hi-lo+1) }
}

func edge(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return "left"
	}
	return "right"
}

var recipes = []recipe{
	{name: "licence", tmpl: licence, kind: "licence", out: "vector", require: seal, app: "same"},
	{name: "contract-perforation", tmpl: contract, kind: "contract", out: "scanpdf", noisy: true, dpi: good, require: both,
		flaws: func(r *rand.Rand, f *flaws) { pages(2, 6)(r, f); f.perforation = "right"; f.oval = r.IntN(2) == 0 }},
	{name: "application", tmpl: application, kind: "application", out: "jpeg", noisy: true, dpi: good, require: seal, app: "same",
		flaws: func(r *rand.Rand, f *flaws) { f.pages = 1; f.redDistract = r.IntN(2) == 0 }},
	{name: "landcert-perforation", tmpl: landcert, kind: "landcert", out: "vector", require: perf,
		flaws: func(r *rand.Rand, f *flaws) { pages(2, 5)(r, f); f.perforation = edge(r) }},
	{name: "redhead-unsealed", tmpl: redhead, kind: "redhead", out: "scanpdf", noisy: true, dpi: good, require: seal,
		flaws: func(r *rand.Rand, f *flaws) { f.pages = 1; f.noSeal = true; f.redStar = r.IntN(2) == 0 },
		notes: "red heading and red rule, no seal: seal_missing"},
	{name: "form-red-rules", tmpl: form, kind: "form", out: "png", dpi: fine, require: seal, app: "same",
		flaws: func(r *rand.Rand, f *flaws) { f.redFrame = true; f.redDistract = true; f.oval = r.IntN(2) == 0 }},
	{name: "contract-perforation-gap", tmpl: contract, kind: "contract", out: "vector", require: both,
		flaws: func(r *rand.Rand, f *flaws) {
			pages(3, 6)(r, f)
			f.perforation = "right"
			f.perfMissing = 2 + r.IntN(f.pages-1)
		},
		notes: "one page was not stamped"},
	{name: "licence-expired", tmpl: licence, kind: "licence", out: "jpeg", noisy: true, dpi: good, require: seal, app: "same",
		flaws: func(r *rand.Rand, f *flaws) { f.expired = true }},
	{name: "landcert-perforation", tmpl: landcert, kind: "landcert", out: "scanpdf", noisy: true, dpi: good, require: perf,
		flaws: func(r *rand.Rand, f *flaws) { pages(2, 5)(r, f); f.perforation = edge(r) }},
	{name: "application-blank-page", tmpl: application, kind: "application", out: "scanpdf", dpi: fine, require: seal, app: "same",
		flaws: func(r *rand.Rand, f *flaws) { f.pages = 2; f.blankAt = 2 }},
	{name: "redhead", tmpl: redhead, kind: "redhead", out: "vector", require: seal,
		flaws: func(r *rand.Rand, f *flaws) { pages(1, 2)(r, f); f.redStar = r.IntN(2) == 0 }},
	{name: "contract-signature-page", tmpl: contract, kind: "contract", out: "scanpdf", dpi: good, require: both,
		flaws: func(r *rand.Rand, f *flaws) { pages(2, 4)(r, f); f.perforation = "right"; f.noTextPage = true },
		notes: "the last page holds only the signatures: not blank"},
	{name: "form-unsealed", tmpl: form, kind: "form", out: "jpeg", noisy: true, dpi: good,
		flaws: func(r *rand.Rand, f *flaws) { f.redFrame = true; f.redDistract = true; f.noSeal = true },
		notes: "red rules and red text, no seal, none required"},
	{name: "licence-bad-uscc", tmpl: licence, kind: "licence", out: "tiff", dpi: good, require: seal,
		flaws: func(r *rand.Rand, f *flaws) { f.badUSCC = true }},
	{name: "landcert-unstamped", tmpl: landcert, kind: "landcert", out: "scanpdf", noisy: true, dpi: good, require: perf,
		flaws: func(r *rand.Rand, f *flaws) { pages(2, 4)(r, f); f.perforation = "right"; f.perfMissing = -1 },
		notes: "the seed's example: a land-use certificate without its perforation seal"},
	{name: "application-unsealed", tmpl: application, kind: "application", out: "vector", require: seal, app: "same",
		flaws: func(r *rand.Rand, f *flaws) { f.pages = 1; f.noSeal = true; f.redDistract = true }},
	{name: "contract-lowres", tmpl: contract, kind: "contract", out: "scanpdf", noisy: true, dpi: lowres, require: both,
		flaws: func(r *rand.Rand, f *flaws) { pages(2, 4)(r, f); f.perforation = "right" }},
	{name: "redhead-lowres", tmpl: redhead, kind: "redhead", out: "jpeg", dpi: [2]int{72, 96},
		flaws: func(r *rand.Rand, f *flaws) { f.pages = 1; f.noSeal = true }},
	{name: "application-bad-uscc", tmpl: application, kind: "application", out: "vector", require: seal,
		flaws: func(r *rand.Rand, f *flaws) { f.pages = 1; f.badUSCC = true }},
	{name: "licence-name-mismatch", tmpl: licence, kind: "licence", out: "png", noisy: true, dpi: good, require: seal, app: "name"},
	{name: "contract-blank-page", tmpl: contract, kind: "contract", out: "vector", require: seal,
		flaws: func(r *rand.Rand, f *flaws) { pages(3, 5)(r, f); f.blankAt = 2 + r.IntN(f.pages-1); f.oval = true }},
	{name: "form-uscc-mismatch", tmpl: form, kind: "form", out: "vector", require: seal, app: "uscc",
		flaws: func(r *rand.Rand, f *flaws) { f.redDistract = r.IntN(2) == 0; f.oval = r.IntN(2) == 0 }},
	{name: "landcert-perforation-gap", tmpl: landcert, kind: "landcert", out: "scanpdf", dpi: good, require: perf,
		flaws: func(r *rand.Rand, f *flaws) {
			pages(3, 5)(r, f)
			f.perforation = edge(r)
			f.perfMissing = 1 + r.IntN(f.pages)
		}},
	{name: "redhead-scan", tmpl: redhead, kind: "redhead", out: "scanpdf", noisy: true, dpi: good, require: seal,
		flaws: func(r *rand.Rand, f *flaws) { pages(1, 3)(r, f); f.redStar = r.IntN(2) == 0 }},
	{name: "licence-lowres", tmpl: licence, kind: "licence", out: "scanpdf", noisy: true, dpi: [2]int{110, 140}, require: seal, app: "same"},
	{name: "application-tiff", tmpl: application, kind: "application", out: "tiff", dpi: good, require: seal, app: "same",
		flaws: func(r *rand.Rand, f *flaws) { f.pages = 1 }},
	{name: "licence-expired", tmpl: licence, kind: "licence", out: "vector", require: seal, app: "same",
		flaws: func(r *rand.Rand, f *flaws) { f.expired = true }},
	{name: "application-name-mismatch", tmpl: application, kind: "application", out: "vector", require: seal, app: "name",
		flaws: func(r *rand.Rand, f *flaws) { f.pages = 1 + r.IntN(2) }},
	{name: "contract-perforation-gap", tmpl: contract, kind: "contract", out: "scanpdf", noisy: true, dpi: good, require: both,
		flaws: func(r *rand.Rand, f *flaws) {
			pages(3, 5)(r, f)
			f.perforation = "right"
			f.perfMissing = 1 + r.IntN(f.pages)
		}},
}

// gen is the state of generating one case.
type gen struct {
	r     *rand.Rand
	co    company
	fonts *MaterialWriter // nil: the corpus's fonts
}

// Generate writes n generated documents into dir (created if needed), with
// their expectations in dir/cases.json, and returns the cases. The same
// seed gives the same files. It needs pdftoppm (scripts/pdftools.sh) for
// the scans.
func Generate(dir string, n int, seed int64) ([]Case, error) {
	return GenerateContext(context.Background(), dir, n, seed)
}

// GenerateContext is Generate with a context that cancels it.
func GenerateContext(ctx context.Context, dir string, n int, seed int64) ([]Case, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	cases := make([]Case, n)
	errs := make([]error, n)
	workers := min(runtime.GOMAXPROCS(0), 4, max(n, 1))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				cases[i], errs[i] = GenerateCase(ctx, dir, i, seed)
			}
		}()
	}
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := writeCases(filepath.Join(dir, "cases.json"), cases); err != nil {
		return nil, err
	}
	return cases, nil
}

// NumRecipes is how many kinds of case Generate cycles through: case i is
// of kind i mod NumRecipes.
var NumRecipes = len(recipes)

// GenerateCase writes case i of the corpus of seed into dir and returns
// it (Generate is GenerateCase for 0 … n-1 plus cases.json).
func GenerateCase(ctx context.Context, dir string, i int, seed int64) (Case, error) {
	rc := recipes[i%len(recipes)]
	r := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
	g := &gen{r: r, co: newCompany(r)}
	var f flaws
	if rc.flaws != nil {
		rc.flaws(r, &f)
	}
	isImage := rc.out == "jpeg" || rc.out == "png" || rc.out == "tiff"
	var dr *drawn
	for try := 0; ; try++ {
		var err error
		if dr, err = rc.tmpl(g, f); err != nil {
			return Case{}, err
		}
		// An image holds one page: shorten a document that ran over.
		if !isImage || dr.d.pdf.PageCount() == 1 || try == 5 {
			break
		}
	}
	if isImage && dr.d.pdf.PageCount() != 1 {
		return Case{}, fmt.Errorf("corpus: case %d (%s) does not fit one page", i, rc.name)
	}
	distractions := dr.d.distractions()
	data, err := dr.d.output()
	if err != nil {
		return Case{}, err
	}
	sealsMM, blank := dr.d.truth()
	npages := dr.d.pdf.PageCount()

	c := Case{
		Name:    fmt.Sprintf("%03d-%s", i, rc.name),
		Require: slices.Clone(rc.require),
		Noisy:   rc.noisy,
		Kind:    rc.kind,
		Notes:   strings.Join(append(slices.DeleteFunc([]string{rc.notes}, func(s string) bool { return s == "" }), distractions...), "; "),
	}
	if c.Require == nil {
		c.Require = []string{}
	}
	e := Expect{Pages: npages, Seals: map[int][]string{}, SealBoxes: map[int][]SealBox{}, Blank: blank, CodePages: map[string][]int{}}
	seals := sealsMM
	switch rc.out {
	case "vector":
		c.Source, e.Type = "vector", "pdf"
		c.File = c.Name + ".pdf"
	default:
		dpi := rc.dpi[0] + r.IntN(rc.dpi[1]-rc.dpi[0]+1)
		spec := cleanScan(r, dpi)
		if rc.noisy {
			spec = noisyScan(r, dpi)
		}
		c.Scan = &spec
		e.DPI = dpi
		imgs, err := rasterize(ctx, data, dpi)
		if err != nil {
			return Case{}, err
		}
		if len(imgs) != npages {
			return Case{}, fmt.Errorf("corpus: case %d: pdftoppm gave %d pages of %d", i, len(imgs), npages)
		}
		seals = map[int][]SealBox{}
		var jpegs [][]byte
		for pi, img := range imgs {
			pg := pi + 1
			out := degrade(img, spec, sealsMM[pg], r)
			seals[pg] = rotateBoxes(sealsMM[pg], spec.Angle, out.Rect.Dx(), out.Rect.Dy())
			switch rc.out {
			case "scanpdf":
				q := spec.Quality
				jp, err := encodeJPEG(out, q, dpi)
				if err != nil {
					return Case{}, err
				}
				jpegs = append(jpegs, jp)
			case "jpeg":
				// Now and then without a JFIF density: the checks assume A4.
				d := dpi
				if r.IntN(4) == 0 && dr.d.orie == "P" {
					d = 0
				}
				data, err = encodeJPEG(out, spec.Quality, d)
			case "png":
				data, err = encodePNG(out, dpi)
			case "tiff":
				data, err = encodeTIFF(out, dpi)
			}
			if err != nil {
				return Case{}, err
			}
		}
		if rc.out == "scanpdf" {
			c.Source, e.Type = "scan", "pdf"
			if data, err = wrapPDF(jpegs, dr.d.orie); err != nil {
				return Case{}, err
			}
			c.File = c.Name + ".pdf"
		} else {
			c.Source, e.Type = "image", rc.out
			c.File = c.Name + map[string]string{"jpeg": ".jpg", "png": ".png", "tiff": ".tif"}[rc.out]
		}
	}
	for pg, ss := range seals {
		for _, s := range ss {
			e.Seals[pg] = append(e.Seals[pg], s.Kind)
		}
		e.SealBoxes[pg] = ss
	}
	for pg := range e.Seals {
		sort.Strings(e.Seals[pg])
	}

	// The application the document is checked against.
	switch rc.app {
	case "same":
		c.App = &App{EnterpriseName: dr.co.Name, USCC: dr.co.USCC, Today: Today}
	case "name":
		other := newCompany(r)
		c.App = &App{EnterpriseName: other.Name, USCC: dr.co.USCC, Today: Today}
		dr.codes = append(dr.codes, codeNameMismatch)
	case "uscc":
		other := newCompany(r)
		c.App = &App{EnterpriseName: dr.co.Name, USCC: other.USCC, Today: Today}
		dr.codes = append(dr.codes, codeUSCCMismatch)
	}
	if len(dr.fields) > 0 {
		e.Fields = dr.fields
	}
	expectCodes(&c, &e, dr.codes)
	c.Expect = e
	if err := os.WriteFile(filepath.Join(dir, c.File), data, 0o644); err != nil {
		return Case{}, fmt.Errorf("corpus: %w", err)
	}
	return c, nil
}

// expectCodes works out the findings from what was drawn.
func expectCodes(c *Case, e *Expect, textCodes []string) {
	add := func(code string, pages ...int) {
		e.Codes = append(e.Codes, code)
		if len(pages) > 0 {
			e.CodePages[code] = pages
		}
	}
	not := func(codes ...string) { e.NotCodes = append(e.NotCodes, codes...) }
	not(codeUnsupportedType, codeCorruptFile, codeEncryptedPDF, codeTooLarge)

	blank := map[int]bool{}
	for _, pg := range e.Blank {
		blank[pg] = true
	}
	if len(e.Blank) > 0 {
		add(codeBlankPage, e.Blank...)
	} else {
		not(codeBlankPage)
	}
	if e.DPI > 0 && e.DPI < 150 {
		var pgs []int
		for pg := 1; pg <= e.Pages; pg++ {
			if !blank[pg] {
				pgs = append(pgs, pg)
			}
		}
		add(codeLowResolution, pgs...)
	} else {
		not(codeLowResolution)
	}
	has := func(pg int, kinds ...string) bool {
		for _, k := range e.Seals[pg] {
			if slices.Contains(kinds, k) {
				return true
			}
		}
		return false
	}
	if slices.Contains(c.Require, RequireSeal) {
		if has(e.Pages, KindRound, KindOval) {
			not(codeSealMissing)
		} else {
			add(codeSealMissing, e.Pages)
		}
	} else {
		not(codeSealMissing)
	}
	if slices.Contains(c.Require, RequirePerforation) && e.Pages > 1 {
		var missing []int
		for pg := 1; pg <= e.Pages; pg++ {
			if !has(pg, KindPerforation) {
				missing = append(missing, pg)
			}
		}
		if len(missing) > 0 {
			add(codePerforationSealMissing, missing...)
		} else {
			not(codePerforationSealMissing)
		}
	} else {
		not(codePerforationSealMissing)
	}

	textAll := []string{codeUSCCInvalid, codeExpired}
	if c.App != nil {
		textAll = append(textAll, codeNameMismatch, codeUSCCMismatch)
	}
	var yes, no []string
	for _, code := range textAll {
		if slices.Contains(textCodes, code) {
			yes = append(yes, code)
		} else {
			no = append(no, code)
		}
	}
	if c.Source == "vector" {
		e.Codes = append(e.Codes, yes...)
		e.NotCodes = append(e.NotCodes, no...)
	} else {
		e.OCRCodes, e.OCRNotCodes = yes, no
	}
	if e.Codes == nil {
		e.Codes = []string{}
	}
	if len(e.CodePages) == 0 {
		e.CodePages = nil
	}
}

func writeCases(path string, cases []Case) error {
	b, err := json.MarshalIndent(cases, "", "  ")
	if err != nil {
		return fmt.Errorf("corpus: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("corpus: %w", err)
	}
	return nil
}

// Load reads the cases Generate (cases.json) or EdgeCases (edge-cases.json)
// wrote into dir.
func Load(dir string) ([]Case, error) {
	var all []Case
	for _, n := range []string{"cases.json", "edge-cases.json"} {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		var cs []Case
		if err := json.Unmarshal(b, &cs); err != nil {
			return nil, fmt.Errorf("corpus: %s: %w", n, err)
		}
		all = append(all, cs...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("corpus: no cases.json or edge-cases.json in %s", dir)
	}
	return all, nil
}
