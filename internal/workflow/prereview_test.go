package workflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/prereview"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// TestUploadIsPrereviewed: an upload answers with the fast checks of its
// version at once (a one-page PDF without a seal, for a material that needs
// one: seal_missing on its last page); the job completes the text checks;
// the project and task views carry the same check; re-checking is the
// applicant's or an officer's, not a stranger's; the page image is the size
// the regions refer to.
func TestUploadIsPrereviewed(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	pr, code := prereviewProject(t, e, "2025-350211-47-03-000555", "a PDF material needing a seal", func(m catalog.Material) bool {
		return m.SealRequired && !m.StraddleSealRequired && len(m.Formats) > 0 && m.Formats[0] == "pdf"
	})
	m, c, err := e.svc.UploadAndCheck(ctx, e.app, pr.ID, 1, code, "基本信息表.pdf", bytes.NewReader(apitest.PDF("没有盖章的申请表")))
	if err != nil || c == nil {
		t.Fatalf("upload: %v, check %v", err, c)
	}
	var rep prereview.Report
	if err := json.Unmarshal([]byte(c.Report), &rep); err != nil {
		t.Fatal(err)
	}
	if c.Status != workflow.CheckDone || rep.Type != "pdf" || rep.Pages != 1 || !hasCode(rep, prereview.CodeSealMissing, 1) || c.Errors == 0 {
		t.Fatalf("fast check: %+v %+v", c, rep)
	}
	// The PDF has its text: the fast pass was the whole check, and the
	// job that would only repeat it was cancelled.
	if c.OCR != "not_needed" {
		t.Fatalf("fast check of a PDF with its text: ocr %q, want not_needed", c.OCR)
	}
	if n, err := e.runner.RunDue(ctx); err != nil || n != 0 {
		t.Fatalf("prereview job of a complete check: ran %d, %v; want none", n, err)
	}
	v, err := e.svc.GetProject(ctx, e.app, pr.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := v.Checks[m.ID]
	if !ok || got.OCR == "pending" || got.Status != workflow.CheckDone {
		t.Fatalf("after the job: %+v", got)
	}
	// Re-check: the applicant yes, a stranger no.
	if _, err := e.svc.RecheckMaterial(ctx, e.app, m.ID); err != nil {
		t.Fatalf("recheck: %v", err)
	}
	stranger := auth.Principal{UserID: "x", Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: "91350200MA2XXXXX0X"}
	if _, err := e.svc.RecheckMaterial(ctx, stranger, m.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("stranger rechecks: %v", err)
	}
	img, err := e.svc.MaterialPage(ctx, e.app, m.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil || cfg.Width != rep.PageInfo[0].Width || cfg.Height != rep.PageInfo[0].Height {
		t.Fatalf("page image %dx%d (%v), report says %+v", cfg.Width, cfg.Height, err, rep.PageInfo[0])
	}
	if _, err := e.svc.MaterialPage(ctx, e.app, m.ID, 2); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("page 2 of 1: %v", err)
	}
	if _, err := e.svc.MaterialPage(ctx, stranger, m.ID, 1); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("stranger's page: %v", err)
	}
}

// prereviewProject opens an industrial project of the applicant and
// returns it with the first material of its stage 1 that ok accepts (what
// describes, in the failure).
func prereviewProject(t *testing.T, e *env, projectCode, what string, ok func(catalog.Material) bool) (approval.Project, string) {
	t.Helper()
	ctx := context.Background()
	pr, err := e.svc.CreateProject(ctx, e.app, workflow.ProjectInput{Code: projectCode, Name: "预审测试", FlowID: e.flow(t, "工业"), District: "350211",
		Investment: 100, LandArea: 100, FloorArea: 100})
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.svc.GetProject(ctx, e.app, pr.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Requirements {
		if ok(r.Material) {
			return pr, r.Material.Code
		}
	}
	t.Fatalf("no %s in stage 1", what)
	return pr, ""
}

func hasCode(r prereview.Report, code string, page int) bool {
	for _, f := range r.Findings {
		if f.Code == code && f.Page == page {
			return true
		}
	}
	return false
}

// scanOnlyPDF is a one-page PDF holding only an image with dark bars on
// it, as a scanner writes: no embedded text, not blank.
func scanOnlyPDF(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 827, 1169))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	for y := 150; y < 1000; y += 60 {
		for x := 100; x < 700; x++ {
			for d := range 14 {
				img.SetGray(x, y+d, color.Gray{Y: 20})
			}
		}
	}
	var pb bytes.Buffer
	if err := png.Encode(&pb, img); err != nil {
		t.Fatal(err)
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.AddPage()
	p.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "PNG"}, &pb)
	p.ImageOptions("scan", 0, 0, 210, 297, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestOCRPendingOnlyForScans: the fast check of a PDF with its text
// embedded needs no OCR (not_needed, no ocr_pending); that of a scan says
// the text checks are running (ocr_pending), until the job has read it.
func TestOCRPendingOnlyForScans(t *testing.T) {
	if ok, why := prereview.OCRAvailable(); !ok {
		t.Fatalf("Tesseract is needed: %s (make test runs scripts/ocrtools.sh)", why)
	}
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	pr, code := prereviewProject(t, e, "2025-350211-47-03-000556", "a PDF material", func(m catalog.Material) bool {
		return len(m.Formats) > 0 && m.Formats[0] == "pdf"
	})
	report := func(c *store.MaterialCheck) prereview.Report {
		t.Helper()
		var rep prereview.Report
		if err := json.Unmarshal([]byte(c.Report), &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	_, c, err := e.svc.UploadAndCheck(ctx, e.app, pr.ID, 1, code, "申请表.pdf", bytes.NewReader(apitest.PDF("embedded text")))
	if err != nil || c == nil {
		t.Fatalf("upload: %v", err)
	}
	if rep := report(c); c.OCR != "not_needed" || hasCode(rep, prereview.CodeOCRPending, 0) {
		t.Errorf("born-digital PDF: ocr %q, findings %+v; want not_needed and no ocr_pending", c.OCR, rep.Findings)
	}
	m, c, err := e.svc.UploadAndCheck(ctx, e.app, pr.ID, 1, code, "扫描件.pdf", bytes.NewReader(scanOnlyPDF(t)))
	if err != nil || c == nil {
		t.Fatalf("upload: %v", err)
	}
	if rep := report(c); c.OCR != "pending" || !hasCode(rep, prereview.CodeOCRPending, 0) {
		t.Errorf("scan: ocr %q, findings %+v; want pending and ocr_pending", c.OCR, rep.Findings)
	}
	// Only the scan's job is left (the PDF's was cancelled).
	if n, err := e.runner.RunDue(ctx); err != nil || n != 1 {
		t.Fatalf("jobs: ran %d, %v; want the scan's alone", n, err)
	}
	v, err := e.svc.GetProject(ctx, e.app, pr.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := v.Checks[m.ID]
	if rep := report(&got); got.OCR != "done" || hasCode(rep, prereview.CodeOCRPending, 0) {
		t.Errorf("scan after the job: ocr %q, findings %+v; want done, no ocr_pending", got.OCR, rep.Findings)
	}
}
