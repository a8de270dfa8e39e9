package corpus

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-pdf/fpdf"
)

// EdgeCases writes the hand-made files that test integrity and limits
// into dir, with their expectations in dir/edge-cases.json, and returns
// them: a PDF with an open password and one with only a permissions
// password, a truncated PDF and a truncated JPEG, a text file named .pdf,
// a JPEG named .pdf, a Word file, two polyglots (a PDF with a ZIP archive
// appended, a JPEG that is also a PDF), a PNG that decompresses to
// 50 000 × 50 000 pixels and a JPEG whose header claims as many (both
// small files), a zero-byte file and a PDF of 2,000 pages.
//
// For these, Expect.Pages is what can be known without a password or the
// missing bytes (0 when nothing can), and Expect.Type what the content is
// (Sniff's name for it: text, docx, unknown), "" for a polyglot, which is
// two things.
func EdgeCases(dir string) ([]Case, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	var cases []Case
	add := func(name string, data []byte, typ string, pages int, codes []string, notes string) {
		cases = append(cases, Case{
			Name: strings.TrimSuffix(name, filepath.Ext(name)), File: name, Require: []string{},
			Kind: "edge", Source: "edge", Notes: notes,
			Expect: Expect{Type: typ, Pages: pages, Codes: codes, NotCodes: []string{}, Seals: map[int][]string{}, SealBoxes: map[int][]SealBox{}},
		})
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil && len(cases) > 0 {
			cases[len(cases)-1].Notes = "write failed: " + err.Error()
		}
	}
	r := rand.New(rand.NewPCG(5, 5))
	small, err := smallPDF(r, 3)
	if err != nil {
		return nil, err
	}

	enc, err := protectedPDF("tongban-user", "tongban-owner")
	if err != nil {
		return nil, err
	}
	add("edge-encrypted-password.pdf", enc, "pdf", 0, []string{codeEncryptedPDF}, "needs a password to open")
	enc, err = protectedPDF("", "tongban-owner")
	if err != nil {
		return nil, err
	}
	add("edge-encrypted-owner.pdf", enc, "pdf", 1, []string{codeEncryptedPDF}, "opens without a password but is encrypted (permissions password)")

	add("edge-truncated.pdf", small[:len(small)*55/100], "pdf", 0, []string{codeCorruptFile}, "cut off at 55%")

	img := image.NewGray(image.Rect(0, 0, 827, 1169))
	for i := range img.Pix {
		img.Pix[i] = 235 + uint8(r.IntN(20))
	}
	for y := 200; y < 900; y += 24 {
		for x := 100; x < 700; x++ {
			img.Pix[y*img.Stride+x] = 30
		}
	}
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 75}); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	whole := jb.Bytes()
	add("edge-truncated.jpg", whole[:len(whole)*6/10], "jpeg", 1, []string{codeCorruptFile}, "a scan cut off at 60%")
	add("edge-jpeg-named.pdf", whole, "jpeg", 1, []string{codeCorruptFile}, "a JPEG named .pdf: checked as what it is, with a warning")
	cases[len(cases)-1].Expect.NotCodes = []string{codeUnsupportedType, codeEncryptedPDF}

	add("edge-text-named.pdf", []byte(strings.Repeat("建设工程规划许可申请书\n申请单位：某某建设工程有限公司\n这是一个被改了扩展名的纯文本文件。\n", 20)),
		"text", 0, []string{codeCorruptFile, codeUnsupportedType}, "a text file named .pdf")

	docx, err := wordFile()
	if err != nil {
		return nil, err
	}
	add("edge-word.docx", docx, "docx", 0, []string{codeUnsupportedType}, "a Word document: convert to PDF")

	zp, err := zipWith("readme.html", []byte("<html><body><script>alert(1)</script></body></html>"))
	if err != nil {
		return nil, err
	}
	add("edge-polyglot-zip.pdf", append(bytes.Clone(small), zp...), "pdf", 0, []string{codeCorruptFile}, "a PDF with a ZIP archive appended: both a PDF and a ZIP")
	add("edge-polyglot-jpeg.pdf", jpegPDF(whole, small), "", 0, []string{codeCorruptFile}, "a JPEG whose comment carries a PDF: both a JPEG and a PDF")

	add("edge-huge.png", hugePNG(50000, 50000), "png", 1, []string{codeTooLarge}, "a 50 000 × 50 000 PNG of about 1 MB: refused from its header")
	add("edge-huge.jpg", hugeJPEG(50000, 50000), "jpeg", 1, []string{codeTooLarge}, "a JPEG whose header claims 50 000 × 50 000 pixels")

	add("edge-empty.pdf", nil, "unknown", 0, []string{codeCorruptFile}, "zero bytes")

	many, err := manyPages(2000)
	if err != nil {
		return nil, err
	}
	add("edge-2000-pages.pdf", many, "pdf", 2000, []string{codeTooLarge}, "2,000 pages: refused from pdfinfo's count, never rasterised")

	for _, c := range cases {
		if strings.HasPrefix(c.Notes, "write failed") {
			return nil, fmt.Errorf("corpus: %s: %s", c.File, c.Notes)
		}
	}
	if err := writeCases(filepath.Join(dir, "edge-cases.json"), cases); err != nil {
		return nil, err
	}
	return cases, nil
}

// smallPDF is a born-digital document of a few pages.
func smallPDF(r *rand.Rand, n int) ([]byte, error) {
	d, err := newDoc(r, "P")
	if err != nil {
		return nil, err
	}
	co := newCompany(r)
	d.addPage()
	d.font("song", 12)
	for d.pdf.PageCount() < n || d.y < d.h/2 {
		d.para(paragraph(r, co))
	}
	return d.output()
}

// protectedPDF is a one-page PDF encrypted with an open (user) password,
// or with only a permissions (owner) password when user is "".
func protectedPDF(user, owner string) ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCatalogSort(true)
	p.SetCreationDate(epoch)
	p.SetModificationDate(epoch)
	p.SetProtection(fpdf.CnProtectPrint, user, owner)
	p.AddPage()
	p.SetFont("Helvetica", "", 14)
	p.Text(25, 40, "Encrypted test document")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	return b.Bytes(), nil
}

// manyPages is a PDF of n short pages.
func manyPages(n int) ([]byte, error) {
	d, err := newDoc(rand.New(rand.NewPCG(2000, 1)), "P")
	if err != nil {
		return nil, err
	}
	for i := 1; i <= n; i++ {
		d.pdf.AddPage()
		if i == 1 {
			d.reset()
		}
		d.text(25, 30, fmt.Sprintf("第 %d 页 共 %d 页", i, n))
	}
	return d.output()
}

// wordFile is a minimal Word (OOXML) document.
func wordFile() ([]byte, error) {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>建设工程规划许可申请书</w:t></w:r></w:p></w:body></w:document>`},
	}
	for _, f := range files {
		w, err := z.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: epoch})
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	return b.Bytes(), nil
}

// zipWith is a ZIP archive of one file.
func zipWith(name string, body []byte) ([]byte, error) {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: epoch})
	if err == nil {
		_, err = w.Write(body)
	}
	if err == nil {
		err = z.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	return b.Bytes(), nil
}

// jpegPDF hides pdf in a comment segment right after the JPEG's SOI, so
// that the file opens as the image in an image viewer and PDF readers,
// which look for %PDF- in the first kilobyte, find the document.
func jpegPDF(jpg, pdf []byte) []byte {
	body := pdf
	if len(body) > 0xfff0 {
		body = body[:0xfff0]
	}
	seg := []byte{0xFF, 0xFE, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, body...)
	return append(out, jpg[2:]...)
}

// hugePNG is a valid w × h PNG, one bit per pixel, all white: the
// compressed stream is the deflate of a block of zeros repeated, so the
// file is small while the image decompresses to w·h pixels.
func hugePNG(w, h int) []byte {
	rowBytes := 1 + (w+7)/8 // filter byte + pixels
	total := int64(rowBytes) * int64(h)
	// A chunk of zeros compressed once with no history, ending in a sync
	// flush, can be repeated: each copy refers only to its own bytes.
	const rows = 1000
	chunkLen := int64(rowBytes) * rows
	var cb bytes.Buffer
	fw, _ := flate.NewWriter(&cb, flate.BestCompression)
	fw.Write(make([]byte, chunkLen))
	fw.Flush()
	chunk := cb.Bytes()

	var z bytes.Buffer
	z.Write([]byte{0x78, 0xDA}) // zlib, deflate, best compression
	for done := int64(0); done < total; done += chunkLen {
		if total-done < chunkLen {
			var tb bytes.Buffer
			tw, _ := flate.NewWriter(&tb, flate.BestCompression)
			tw.Write(make([]byte, total-done))
			tw.Flush()
			z.Write(tb.Bytes())
			break
		}
		z.Write(chunk)
	}
	z.Write([]byte{0x03, 0x00}) // a final, empty fixed-Huffman block
	// Adler-32 of total zero bytes: a stays 1, b adds 1 per byte.
	adler := uint32(total%65521)<<16 | 1
	binary.Write(&z, binary.BigEndian, adler)

	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunkOut := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, c.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 1, 3 // 1 bit, palette
	chunkOut("IHDR", ihdr)
	chunkOut("PLTE", []byte{255, 255, 255, 0, 0, 0})
	chunkOut("IDAT", z.Bytes())
	chunkOut("IEND", nil)
	return b.Bytes()
}

// hugeJPEG is a small JPEG whose frame header claims w × h pixels.
func hugeJPEG(w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = color.Gray{Y: 240}.Y
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 50})
	data := b.Bytes()
	// Patch the SOF0 segment: FF C0, length (2), precision (1), height (2),
	// width (2).
	if i := bytes.Index(data, []byte{0xFF, 0xC0}); i >= 0 {
		binary.BigEndian.PutUint16(data[i+5:], uint16(h))
		binary.BigEndian.PutUint16(data[i+7:], uint16(w))
	}
	return data
}

// Summarize counts a corpus: cases by kind and source, clean and noisy,
// seals by kind, expected codes.
func Summarize(cases []Case) string {
	count := map[string]int{}
	seals := map[string]int{}
	codes := map[string]int{}
	pages := 0
	for _, c := range cases {
		count["kind "+c.Kind]++
		count["source "+c.Source]++
		if c.Noisy {
			count["noisy"]++
		} else if c.Source != "edge" {
			count["clean"]++
		}
		pages += c.Expect.Pages
		for _, ks := range c.Expect.Seals {
			for _, k := range ks {
				if c.Noisy {
					seals["noisy "+k]++
				} else {
					seals["clean "+k]++
				}
			}
		}
		for _, code := range append(append([]string{}, c.Expect.Codes...), c.Expect.OCRCodes...) {
			codes[code]++
		}
	}
	line := func(title string, m map[string]int) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
		return title + ": " + strings.Join(parts, ", ")
	}
	return strings.Join([]string{
		fmt.Sprintf("cases %d, pages %d", len(cases), pages),
		line("by", count),
		line("seals", seals),
		line("expected codes", codes),
	}, "\n")
}
