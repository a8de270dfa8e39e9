package main

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/ledger"
)

// needTools fails (never skips) when the PDF tools the acceptance checks
// use are missing.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run scripts/pdftools.sh (Debian packages poppler-utils and zbar-tools), or make test, which does", tool)
		}
	}
}

type certDTO struct {
	Number    string `json:"number"`
	Title     string `json:"title"`
	PDFReady  bool   `json:"pdf_ready"`
	PDFURL    string `json:"pdf_url"`
	VerifyURL string `json:"verify_url"`
	Issuer    string `json:"issuer"`
}

// TestCertificateEndToEnd runs the server, approves stage 1 of a project,
// and checks the certificate it issued as the acceptance checks will: the
// PDF's text (pdftotext) shows its Chinese title, its QR code (zbarimg)
// decodes to its verification URL, `tongban cert verify` accepts it
// against the database and offline against the downloaded record and
// refuses an altered copy; the public API verifies it by number and by
// upload, with no login.
func TestCertificateEndToEnd(t *testing.T) {
	needTools(t, "pdftotext", "pdftoppm", "zbarimg")
	ctx := context.Background()
	dir := t.TempDir()
	base, pass, shared := server(t, "--data", dir, "--checkpoint-interval", "1s", "--public-url", "https://zwfw.example.gov.cn/tongban")
	app := login(t, base, "qiye", pass["qiye"])
	var flows struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := app.Do(ctx, http.MethodGet, "/api/v1/catalog/flows", nil, &flows); err != nil || len(flows.Items) == 0 {
		t.Fatalf("flows: %v", err)
	}
	var pr struct {
		ID string `json:"id"`
	}
	if err := app.Do(ctx, http.MethodPost, "/api/v1/projects", map[string]any{"code": "2025-350211-47-03-000654", "name": "证照核验测试项目", "flow_id": flows.Items[0].ID,
		"district": "350211", "investment": 8000.0, "land_area": 30000.0, "floor_area": 45000.0}, &pr); err != nil {
		t.Fatal(err)
	}
	uploadAll(t, app, pr.ID, 1)
	var sub struct {
		Tasks []task `json:"tasks"`
	}
	if err := app.Do(ctx, http.MethodPost, "/api/v1/projects/"+pr.ID+"/stages/1/submit", map[string]any{}, &sub); err != nil {
		t.Fatal(err)
	}
	for _, tk := range sub.Tasks {
		driveTask(t, base, shared, tk)
	}
	// The PDF is rendered by a job, and the events go under a checkpoint.
	var c certDTO
	var raw []byte
	deadline := time.Now().Add(60 * time.Second)
	for {
		var certs []certDTO
		if err := app.Do(ctx, http.MethodGet, "/api/v1/projects/"+pr.ID+"/certificates", nil, &certs); err != nil {
			t.Fatal(err)
		}
		var rec ledger.Record
		if err := app.Do(ctx, http.MethodGet, "/api/v1/projects/"+pr.ID+"/record", nil, &rec); err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, e := range rec.Events {
			if e.Pending || e.LeafIndex == nil {
				pending++
			}
		}
		if len(certs) > 0 && certs[0].PDFReady && pending == 0 {
			c, raw = certs[0], mustJSON(t, rec)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s: certificates %+v, %d events not under a checkpoint", certs, pending)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if c.VerifyURL != "https://zwfw.example.gov.cn/tongban/verify/"+c.Number {
		t.Fatalf("verify URL %q", c.VerifyURL)
	}
	var pdf []byte
	if err := app.Do(ctx, http.MethodGet, c.PDFURL, nil, &pdf); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("download: %v", err)
	}
	pdfFile := writeFile(t, "cert.pdf", pdf)
	recFile := writeFile(t, "record.json", raw)

	text, err := exec.Command("pdftotext", "-layout", pdfFile, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, want := range []string{c.Title, c.Number, c.Issuer, "证照核验测试项目"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("pdftotext lacks %q:\n%s", want, text)
		}
	}
	png := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", "-singlefile", pdfFile, png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	qr, err := exec.Command("zbarimg", "--raw", "-q", png+".png").Output()
	if err != nil || strings.TrimSpace(string(qr)) != c.VerifyURL {
		t.Fatalf("zbarimg: %q, %v; want %q", qr, err, c.VerifyURL)
	}

	// tongban cert verify, against the database and offline.
	altered := append(bytes.Clone(pdf[:len(pdf)-1]), ' ')
	alteredFile := writeFile(t, "altered.pdf", altered)
	for _, tc := range []struct {
		args []string
		ok   bool
		want string
	}{
		{[]string{pdfFile, "--data", dir}, true, "result: valid"},
		{[]string{pdfFile, "--offline", recFile}, true, "result: valid"},
		{[]string{alteredFile, "--data", dir}, false, "the uploaded file differs from the issued one"},
		{[]string{alteredFile, "--offline", recFile}, false, "no issued file in the record is identical"},
		{[]string{recFile, "--data", dir}, false, "not a certificate issued here"},
	} {
		var out bytes.Buffer
		err := run(ctx, append([]string{"cert", "verify"}, tc.args...), &out, &out)
		if (err == nil) != tc.ok || !strings.Contains(out.String()+errText(err), tc.want) {
			t.Errorf("cert verify %v: %v\n%s", tc.args, err, out.String())
		}
	}

	// The public API, with no session.
	anon := apitest.New(base)
	var v struct {
		Valid  bool   `json:"valid"`
		Status string `json:"status"`
		Title  string `json:"title"`
		Ledger *struct {
			Included bool     `json:"included"`
			Proof    []string `json:"proof"`
		} `json:"ledger"`
		File *struct {
			Matches bool `json:"matches"`
		} `json:"file"`
	}
	if err := anon.Do(ctx, http.MethodGet, "/api/v1/public/certificates/"+strings.ToLower(c.Number), nil, &v); err != nil || !v.Valid || v.Ledger == nil || !v.Ledger.Included || v.Title != c.Title {
		t.Fatalf("public verify by number: %+v %v", v, err)
	}
	for _, tc := range []struct {
		file  []byte
		valid bool
	}{{pdf, true}, {altered, false}} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "证照.pdf")
		fw.Write(tc.file)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/public/certificates/verify", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		v.File = nil
		err = json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || v.Valid != tc.valid || v.File == nil || v.File.Matches != tc.valid {
			t.Errorf("upload (valid %v): %d %+v %v", tc.valid, resp.StatusCode, v, err)
		}
	}
	// Bad input to the public routes: a malformed number, an empty upload.
	if err := anon.Do(ctx, http.MethodGet, "/api/v1/public/certificates/..%2f..%2fetc", nil, &v); apitest.StatusOf(err) != 400 && apitest.StatusOf(err) != 404 {
		t.Errorf("malformed number: %v", err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/public/certificates/verify", strings.NewReader("x"))
	req.Header.Set("Content-Type", "text/plain")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 {
		t.Errorf("not multipart: %v %v", resp.StatusCode, err)
	}
	// And the whole database still verifies, signatures included.
	out, err := ledgerCmd(ctx, "verify", "--data", dir)
	if err != nil || !strings.Contains(out, "SM2") || !strings.Contains(out, "ok: ") {
		t.Fatalf("ledger verify: %v\n%s", err, out)
	}
	_ = os.Remove(alteredFile)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
