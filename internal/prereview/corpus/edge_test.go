package corpus

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEdgeCases(t *testing.T) {
	needTools(t)
	dir := t.TempDir()
	cases, err := EdgeCases(dir)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(dir)
	if err != nil || len(loaded) != len(cases) {
		t.Fatalf("Load: %d cases, %v", len(loaded), err)
	}
	files := map[string][]byte{}
	for _, c := range cases {
		if len(c.Expect.Codes) == 0 {
			t.Errorf("%s: no code expected", c.Name)
		}
		b, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		files[c.File] = b
	}
	pdfinfo := func(name string) (string, error) {
		out, err := exec.Command("pdfinfo", filepath.Join(dir, name)).CombinedOutput()
		return string(out), err
	}

	if out, err := pdfinfo("edge-encrypted-password.pdf"); err == nil || !strings.Contains(out, "Incorrect password") {
		t.Errorf("password PDF: pdfinfo %v: %s", err, out)
	}
	if out, err := pdfinfo("edge-encrypted-owner.pdf"); err != nil || !strings.Contains(out, "Encrypted:") || strings.Contains(out, "Encrypted:       no") || !pagesRE.MatchString(out) {
		t.Errorf("owner-password PDF: pdfinfo %v: %s", err, out)
	}
	if b := files["edge-truncated.pdf"]; bytes.Contains(b, []byte("%%EOF")) || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("truncated PDF still has its end")
	}
	if _, _, err := image.Decode(bytes.NewReader(files["edge-truncated.jpg"])); err == nil {
		t.Errorf("truncated JPEG decodes")
	}
	if _, f, err := image.DecodeConfig(bytes.NewReader(files["edge-jpeg-named.pdf"])); err != nil || f != "jpeg" {
		t.Errorf("JPEG named .pdf: %s %v", f, err)
	}
	if b := files["edge-text-named.pdf"]; bytes.Contains(b, []byte("%PDF")) || !strings.Contains(string(b), "申请单位") {
		t.Errorf("text file named .pdf is not plain text")
	}
	if z, err := zip.NewReader(bytes.NewReader(files["edge-word.docx"]), int64(len(files["edge-word.docx"]))); err != nil || z.File[2].Name != "word/document.xml" {
		t.Errorf("docx: %v", err)
	}

	// Polyglots: each is both things.
	pz := files["edge-polyglot-zip.pdf"]
	if _, err := zip.NewReader(bytes.NewReader(pz), int64(len(pz))); err != nil {
		t.Errorf("PDF+ZIP is not a ZIP: %v", err)
	}
	if out, err := pdfinfo("edge-polyglot-zip.pdf"); err != nil || !pagesRE.MatchString(out) {
		t.Errorf("PDF+ZIP is not a PDF: %v %s", err, out)
	}
	pj := files["edge-polyglot-jpeg.pdf"]
	if _, f, err := image.DecodeConfig(bytes.NewReader(pj)); err != nil || f != "jpeg" {
		t.Errorf("JPEG+PDF is not a JPEG: %s %v", f, err)
	}
	if i := bytes.Index(pj, []byte("%PDF-")); i < 0 || i > 1024 {
		t.Errorf("JPEG+PDF: %%PDF- at %d, readers look in the first 1024 bytes", i)
	}

	// Huge images: small files whose headers say 50 000 × 50 000.
	for _, name := range []string{"edge-huge.png", "edge-huge.jpg"} {
		b := files[name]
		cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != 50000 || cfg.Height != 50000 {
			t.Errorf("%s: %v %v", name, cfg, err)
		}
		if len(b) > 2<<20 {
			t.Errorf("%s: %d bytes, want a small file", name, len(b))
		}
	}
	// The PNG's data really decompresses to 50 000 rows of 6 251 bytes.
	n, err := inflatePNG(files["edge-huge.png"])
	if err != nil || n != 50000*6251 {
		t.Errorf("huge PNG inflates to %d bytes (%v), want %d", n, err, 50000*6251)
	}

	if len(files["edge-empty.pdf"]) != 0 {
		t.Errorf("empty file has %d bytes", len(files["edge-empty.pdf"]))
	}
	out, err := pdfinfo("edge-2000-pages.pdf")
	if m := pagesRE.FindStringSubmatch(out); err != nil || m == nil || m[1] != "2000" {
		t.Errorf("2000 pages: pdfinfo %v: %s", err, out)
	}
}

// inflatePNG returns the size of a PNG's decompressed image data, streamed
// (never held in memory).
func inflatePNG(b []byte) (int64, error) {
	var idat bytes.Buffer
	for i := 8; i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if string(b[i+4:i+8]) == "IDAT" {
			idat.Write(b[i+8 : i+8+n])
		}
		i += 12 + n
	}
	z, err := zlib.NewReader(&idat)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(io.Discard, z)
	if err == nil {
		err = z.Close()
	}
	return n, err
}
