package prereview

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"
	"time"
)

// Inspect reads a scan's text at OCRDPI and points each text finding at
// the line it is about, in the pixels of the page image the other checks
// use (RasterDPI); a born-digital PDF needs no OCR, and says so.
func TestInspectOCR(t *testing.T) {
	needOCR(t)
	ctx := context.Background()
	lic := defaultLicence(t)
	pdf := renderLicencePDF(t, lic)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, beijing)
	other := Application{EnterpriseName: "厦门鹭江置业有限公司", USCC: lic.USCC}

	rep := Inspect(ctx, "营业执照.pdf", pdf, Options{OCR: false, Application: other, Now: now})
	if rep.OCR != "not_needed" || rep.Fields[FieldName] != lic.Name {
		t.Errorf("born-digital PDF: ocr %q, name %q; want not_needed and %q", rep.OCR, rep.Fields[FieldName], lic.Name)
	}
	if !hasFinding(rep, CodeNameMismatch) {
		t.Errorf("born-digital PDF: no name_mismatch in %+v", rep.Findings)
	}

	// The same licence scanned at 200 dpi, as a PNG.
	var b bytes.Buffer
	if err := png.Encode(&b, rasterise(t, pdf, OCRDPI)); err != nil {
		t.Fatal(err)
	}
	scan := b.Bytes()
	rep = Inspect(ctx, "营业执照.png", scan, Options{OCR: false, Application: other, Now: now})
	if rep.OCR != "skipped" || len(rep.Fields) != 0 || hasFinding(rep, CodeNameMismatch) {
		t.Errorf("scan without OCR: ocr %q, fields %v; want skipped, none", rep.OCR, rep.Fields)
	}
	rep = Inspect(ctx, "营业执照.png", scan, Options{OCR: true, Application: other, Now: now})
	if rep.OCR != "done" || rep.Fields[FieldName] != lic.Name || rep.Fields[FieldUSCC] != lic.USCC {
		t.Fatalf("scan with OCR: ocr %q, fields %v", rep.OCR, rep.Fields)
	}
	if len(rep.PageInfo) != 1 {
		t.Fatalf("pages: %+v", rep.PageInfo)
	}
	pi := rep.PageInfo[0]
	// The name is printed at (60 mm, 73.5 mm) of the licence
	// (renderLicencePDF); the page image is pi.Width pixels across 297 mm.
	at := image.Pt(int(60*float64(pi.Width)/297), int(73.5*float64(pi.Height)/210))
	var found bool
	for _, f := range rep.Findings {
		if f.Code != CodeNameMismatch {
			continue
		}
		found = true
		if f.Page != 1 || f.Region == nil || !at.In(f.Region.Rect()) || !f.Region.Rect().In(image.Rect(0, 0, pi.Width, pi.Height)) {
			t.Errorf("name_mismatch on page %d, region %v: want page 1 and a region holding %v within %d×%d", f.Page, f.Region, at, pi.Width, pi.Height)
		}
	}
	if !found {
		t.Errorf("scan with OCR: no name_mismatch in %+v", rep.Findings)
	}
}

func hasFinding(r Report, code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Without Tesseract a scan's text checks are reported as not performed
// (ocr_unavailable), never passed; without OCR asked for, nothing is said.
func TestInspectWithoutTesseract(t *testing.T) {
	lic := defaultLicence(t)
	var b bytes.Buffer
	if err := png.Encode(&b, rasterise(t, renderLicencePDF(t, lic), 150)); err != nil {
		t.Fatal(err)
	}
	resetAvailability()
	t.Cleanup(resetAvailability)
	t.Setenv("PATH", t.TempDir()) // no tesseract (the PNG needs no poppler)
	o := Options{OCR: true, Application: Application{EnterpriseName: "厦门鹭江置业有限公司"}}
	rep := Inspect(context.Background(), "营业执照.png", b.Bytes(), o)
	if rep.OCR != "unavailable" || !hasFinding(rep, CodeOCRUnavailable) || len(rep.Fields) != 0 || hasFinding(rep, CodeNameMismatch) {
		t.Errorf("OCR asked for, no Tesseract: ocr %q, fields %v, findings %+v; want unavailable, ocr_unavailable, no fields", rep.OCR, rep.Fields, rep.Findings)
	}
	o.OCR = false
	if rep := Inspect(context.Background(), "营业执照.png", b.Bytes(), o); hasFinding(rep, CodeOCRUnavailable) || rep.OCR != "skipped" {
		t.Errorf("OCR not asked for: ocr %q, findings %+v; want skipped, no ocr_unavailable", rep.OCR, rep.Findings)
	}
}
