package prereview

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "golang.org/x/image/tiff"

	"github.com/tongban/tongban/internal/prereview/corpus"
)

// fieldCodes are the finding codes FieldFindings reports.
var fieldCodes = []string{CodeUSCCInvalid, CodeUSCCMismatch, CodeNameMismatch, CodeExpired}

// corpusPages returns the text of each page of a corpus file: embedded
// text (pdftotext) for a born-digital PDF, OCR at 200 dpi for a scan, OCR
// of the image itself for an image file.
func corpusPages(t *testing.T, c corpus.Case, path string) (texts []string, ocr bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	switch c.Source {
	case "vector":
		for p := 1; p <= c.Expect.Pages; p++ {
			out, err := exec.CommandContext(ctx, "pdftotext", "-layout", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), path, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext %s: %v", c.File, err)
			}
			texts = append(texts, string(out))
		}
		return texts, false
	case "scan":
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The first two pages: enough for the fields, and OCR of a
		// six-page contract takes half a minute on this machine.
		for p := 1; p <= min(c.Expect.Pages, 2); p++ {
			img := rasterisePage(t, data, p, OCRDPI)
			texts = append(texts, mustOCR(t, img, OCRDPI))
		}
		return texts, true
	case "image":
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("decode %s: %v", c.File, err)
		}
		return []string{mustOCR(t, img, c.Expect.DPI)}, true
	}
	t.Fatalf("%s: source %q", c.File, c.Source)
	return nil, false
}

func mustOCR(t *testing.T, img image.Image, dpi int) string {
	t.Helper()
	start := time.Now()
	r, err := OCRPage(context.Background(), img, OCROptions{DPI: dpi})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("OCR of %v at %d dpi: %v (Tesseract CPU %v, %d amounts read again, total %v)", img.Bounds().Size(), dpi, r.Duration.Round(time.Millisecond), r.CPU.Round(time.Millisecond), r.Rereads, time.Since(start).Round(time.Millisecond))
	return r.Text
}

// rasterisePage renders page p of a PDF with pdftoppm.
func rasterisePage(t *testing.T, pdf []byte, p, dpi int) image.Image {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := filepath.Join(dir, "page")
	if b, err := exec.CommandContext(ctx, "pdftoppm", "-r", strconv.Itoa(dpi), "-png", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), "-singlefile", in, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, b)
	}
	data, err := os.ReadFile(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestCorpusFields reads the fields of every generated document that has
// some (licences, applications, forms, contracts) as Inspect would — the
// embedded text of a born-digital PDF, OCR of a scan or an image — and
// checks them and the consistency findings against the corpus's
// expectations. Born-digital documents must come out exactly; for scans
// it counts what OCR got right, missed and got wrong, and requires that
// no field is wrong.
func TestCorpusFields(t *testing.T) {
	if ocrRace {
		t.Skip("generating the corpus's scans under the race detector takes minutes: run without -race (make bench runs it)")
	}
	needTool(t, "pdftotext", "scripts/pdftools.sh")
	needTool(t, "pdftoppm", "scripts/pdftools.sh")
	needOCR(t)
	dir := t.TempDir()
	n := corpus.NumRecipes
	var right, missed, wrong, ocrFields int
	for i := 0; i < n; i++ {
		c, err := corpus.GenerateCase(context.Background(), dir, i, 11)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Expect.Fields) == 0 {
			continue
		}
		t.Run(fmt.Sprintf("%02d-%s-%s", i, c.Name, c.Source), func(t *testing.T) {
			texts, ocr := corpusPages(t, c, filepath.Join(dir, c.File))
			got := map[string]string{}
			var findings []Finding
			app := Application{}
			if c.App != nil {
				today, err := time.ParseInLocation("2006-01-02", c.App.Today, beijing)
				if err != nil {
					t.Fatal(err)
				}
				app = Application{EnterpriseName: c.App.EnterpriseName, USCC: c.App.USCC, Today: today}
			} else {
				app.Today, _ = time.ParseInLocation("2006-01-02", corpus.Today, beijing)
			}
			for p, text := range texts {
				fs := ExtractFields(text)
				for k, v := range fs {
					if _, seen := got[k]; !seen {
						got[k] = v
					}
				}
				findings = append(findings, FieldFindings(fs, app, p+1)...)
			}
			for k, want := range c.Expect.Fields {
				if ocr {
					ocrFields++
				}
				switch g := got[k]; {
				case g == want:
					right++
				case g == "":
					missed++
					if !ocr {
						t.Errorf("%s: not found in the embedded text", k)
					}
				default:
					wrong++
					// OCR misreads a character of a name now and then
					// (counted below); an amount it must never get wrong.
					if !ocr || k == FieldAmount || k == FieldAmountText {
						t.Errorf("%s = %q, want %q", k, g, want)
					} else {
						t.Logf("OCR misread %s: %q, want %q", k, g, want)
					}
				}
			}
			codes, notCodes := c.Expect.Codes, c.Expect.NotCodes
			if ocr {
				codes, notCodes = c.Expect.OCRCodes, c.Expect.OCRNotCodes
			}
			var gotCodes []string
			for _, f := range findings {
				gotCodes = append(gotCodes, f.Code)
			}
			for _, code := range fieldCodes {
				if slices.Contains(codes, code) && !slices.Contains(gotCodes, code) {
					// A scan whose field was not read cannot give its
					// finding: counted as missed above.
					if !ocr || got[fieldOf(code)] != "" {
						t.Errorf("want %s, got %v", code, gotCodes)
					}
				}
				if slices.Contains(notCodes, code) && slices.Contains(gotCodes, code) {
					t.Errorf("want no %s, got %v", code, findings)
				}
			}
			if t.Failed() {
				t.Logf("text:\n%s", strings.Join(texts, "\n----\n"))
			}
		})
	}
	total := right + missed + wrong
	t.Logf("fields: %d right, %d missed, %d wrong of %d (%d read by OCR)", right, missed, wrong, total, ocrFields)
	if wrong*100 > ocrFields*15 {
		t.Errorf("%d of %d fields read by OCR are wrong: more than 15%%", wrong, ocrFields)
	}
}

// fieldOf is the field a consistency code is about.
func fieldOf(code string) string {
	switch code {
	case CodeUSCCInvalid, CodeUSCCMismatch:
		return FieldUSCC
	case CodeNameMismatch:
		return FieldName
	}
	return FieldValidUntil
}
