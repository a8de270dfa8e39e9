package blob

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/tongban/tongban/internal/apperr"
)

// Format names used by the catalog to say which formats a material takes.
const (
	FormatPDF     = "pdf"
	FormatJPG     = "jpg"
	FormatPNG     = "png"
	FormatOFD     = "ofd"  // GB/T 33190 fixed-layout document, a zip with OFD.xml at its root
	FormatDWG     = "dwg"  // AutoCAD drawing
	FormatDOCX    = "docx" // Word (OOXML)
	FormatXLSX    = "xlsx" // Excel (OOXML)
	FormatZIP     = "zip"  // any other zip archive
	FormatUnknown = "unknown"
)

// MIMEOFD is the media type reported for OFD; IANA has none registered and
// this is the one Chinese systems use.
const MIMEOFD = "application/ofd"

// HeadSize is how many leading bytes Detect looks at: mimetype's default
// read limit (4 KiB in v1.4.16), which we do not change because it is a
// process-wide setting.
const HeadSize = 4096

// formatNames describes each format for messages, in Chinese and English.
var formatNames = map[string][2]string{
	FormatPDF:     {"PDF 文档", "a PDF document"},
	FormatJPG:     {"JPEG 图片", "a JPEG image"},
	FormatPNG:     {"PNG 图片", "a PNG image"},
	FormatOFD:     {"OFD 版式文档", "an OFD document"},
	FormatDWG:     {"DWG 图纸", "a DWG drawing"},
	FormatDOCX:    {"Word 文档（DOCX）", "a Word document (DOCX)"},
	FormatXLSX:    {"Excel 表格（XLSX）", "an Excel workbook (XLSX)"},
	FormatZIP:     {"ZIP 压缩包", "a ZIP archive"},
	FormatUnknown: {"无法识别的格式", "in an unrecognised format"},
}

// Detect identifies the format of content from its first bytes (up to
// HeadSize are used), never from a file name. It returns one of the Format
// names and a media type. An OFD is recognised when a local file header for
// OFD.xml appears in head; Put and Stat, which have the whole file, also
// look in the zip's central directory.
func Detect(head []byte) (format, mime string) {
	if len(head) > HeadSize {
		head = head[:HeadSize]
	}
	// AutoCAD writes "AC10xx" (R13 onward); mimetype knows only a fixed
	// list of versions, so check the family first.
	if bytes.HasPrefix(head, []byte("AC10")) {
		return FormatDWG, "image/vnd.dwg"
	}
	m := mimetype.Detect(head)
	switch {
	case m.Is("application/pdf"):
		return FormatPDF, "application/pdf"
	case m.Is("image/jpeg"):
		return FormatJPG, "image/jpeg"
	case m.Is("image/png"):
		return FormatPNG, "image/png"
	case m.Is("image/vnd.dwg"):
		return FormatDWG, "image/vnd.dwg"
	}
	if !inZipFamily(m) {
		return FormatUnknown, m.String()
	}
	if headHasOFD(head) {
		return FormatOFD, MIMEOFD
	}
	switch {
	case m.Is("application/vnd.openxmlformats-officedocument.wordprocessingml.document"):
		return FormatDOCX, m.String()
	case m.Is("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
		return FormatXLSX, m.String()
	}
	// Other zip-based formats (epub, jar, odt, pptx, …) are, to the catalog,
	// archives: their container is what a "zip" material accepts.
	return FormatZIP, m.String()
}

// inZipFamily reports whether m is application/zip or a format built on it.
func inZipFamily(m *mimetype.MIME) bool {
	for ; m != nil; m = m.Parent() {
		if m.Is("application/zip") {
			return true
		}
	}
	return false
}

// zipLocalHeader is the signature of a zip local file header.
var zipLocalHeader = []byte("PK\x03\x04")

// headHasOFD reports whether a local file header in head names OFD.xml at
// the archive root. It scans for signatures rather than walking entry
// sizes because writers that stream (data descriptor flag) leave the sizes
// zero; a false signature inside compressed data would also need the exact
// name, which is unlikely enough for a format hint.
func headHasOFD(head []byte) bool {
	for off := 0; ; {
		i := bytes.Index(head[off:], zipLocalHeader)
		if i < 0 {
			return false
		}
		h := head[off+i:]
		if len(h) >= 30 {
			nameLen := int(h[26]) | int(h[27])<<8
			if len(h) >= 30+nameLen && isOFDRoot(string(h[30:30+nameLen])) {
				return true
			}
		}
		off += i + len(zipLocalHeader)
	}
}

// isOFDRoot reports whether a zip entry name is the OFD entry file.
func isOFDRoot(name string) bool {
	return strings.EqualFold(name, "OFD.xml")
}

// refineZip looks at the central directory of a whole zip file to tell an
// OFD, DOCX or XLSX whose telling entries lie beyond the head. It returns
// ok=false when the archive cannot be read or shows nothing more specific.
func refineZip(r io.ReaderAt, size int64) (format, mime string, ok bool) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", "", false
	}
	var word, excel bool
	for _, f := range zr.File {
		switch name := path.Clean(strings.ReplaceAll(f.Name, `\`, "/")); {
		case isOFDRoot(name):
			return FormatOFD, MIMEOFD, true
		case name == "word/document.xml":
			word = true
		case name == "xl/workbook.xml":
			excel = true
		}
	}
	switch {
	case word:
		return FormatDOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", true
	case excel:
		return FormatXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", true
	}
	return "", "", false
}

// CheckFormat refuses obj unless its detected format is one of allowed
// (format names, case-insensitive; "jpeg" means "jpg"). An empty allowed
// list means the material takes any recognised format, but never an
// unrecognised one. The message names what the file really is and what
// the material takes, e.g. "文件内容为 PNG 图片，不是本材料允许的格式（PDF、OFD）".
func CheckFormat(obj Object, allowed []string) error {
	norm := make([]string, 0, len(allowed))
	for _, a := range allowed {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "jpeg" {
			a = FormatJPG
		}
		if a != "" && !slices.Contains(norm, a) {
			norm = append(norm, a)
		}
	}
	if len(norm) == 0 {
		if obj.Type != FormatUnknown && obj.Type != "" {
			return nil
		}
	} else if slices.Contains(norm, obj.Type) {
		return nil
	}
	isZH, isEN := describe(obj)
	if len(norm) == 0 {
		return apperr.New(apperr.Invalid, "blob.format_unknown",
			fmt.Sprintf("文件内容为%s，请上传 PDF、OFD、图片等常见格式", isZH),
			fmt.Sprintf("the file content is %s; please upload a common format such as PDF, OFD or an image", isEN))
	}
	names := make([]string, len(norm))
	for i, a := range norm {
		names[i] = strings.ToUpper(a)
	}
	return apperr.New(apperr.Invalid, "blob.format_not_allowed",
		fmt.Sprintf("文件内容为%s，不是本材料允许的格式（%s）", isZH, strings.Join(names, "、")),
		fmt.Sprintf("the file content is %s, which is not an allowed format for this material (%s)", isEN, strings.Join(names, ", ")))
}

// describe names obj's format for a message. Text gets its own wording
// because "a text file renamed .pdf" is the commonest unrecognised upload.
func describe(obj Object) (zh, en string) {
	if obj.Type == FormatUnknown && strings.HasPrefix(obj.MIME, "text/") {
		return "纯文本", "plain text"
	}
	n, ok := formatNames[obj.Type]
	if !ok {
		n = formatNames[FormatUnknown]
	}
	zh, en = n[0], n[1]
	if !strings.HasPrefix(zh, "无法") {
		zh = " " + zh // a space between 为 and a Latin word, as in the style guide's example
	}
	return zh, en
}
