package prereview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // DecodeConfig and Decode of JPEG
	_ "image/png"  // and PNG
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gabriel-vasile/mimetype"
	_ "golang.org/x/image/tiff" // and TIFF

	"github.com/tongban/tongban/internal/blob"
)

// Types Open can check further. Anything else is reported with the name
// of what it is (ofd, docx, gif, text, …) or "unknown".
const (
	TypePDF     = "pdf"
	TypeJPEG    = "jpeg"
	TypePNG     = "png"
	TypeTIFF    = "tiff"
	TypeText    = "text"
	TypeUnknown = "unknown"
)

// Limits bound what Open and Page spend on one file. A limit of zero means
// the default.
type Limits struct {
	MaxBytes  int64 // file size
	MaxPages  int   // pages of a PDF or TIFF
	MaxPixels int64 // pixels of one image (an image file, a TIFF page or an image inside a PDF); checked from headers before anything is decoded
	RasterDPI int   // resolution of the page images the checks look at
	// Timeout bounds each poppler subprocess (pdfinfo, pdfimages,
	// pdftoppm, pdftotext). A run over several pages that overruns it
	// falls back to one page at a time; a single page that overruns it
	// ends the rendering of the file (Page answers ErrTimeout).
	Timeout time.Duration
	// TempDir holds the copy of a PDF that poppler reads while the Doc is
	// open; "" is os.TempDir().
	TempDir string
}

// DefaultLimits are the limits the server uses: 200 MB, 500 pages, 100
// million pixels per image, pages looked at at 100 dpi, 20 s per
// subprocess.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:  200 << 20,
		MaxPages:  500,
		MaxPixels: 100_000_000,
		RasterDPI: 100,
		Timeout:   20 * time.Second,
	}
}

// withDefaults fills the zero fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = d.MaxPixels
	}
	if l.RasterDPI <= 0 {
		l.RasterDPI = d.RasterDPI
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// Doc is a file that passed the integrity checks and can be looked at page
// by page. Close it when done: a PDF keeps a temporary copy for poppler.
type Doc struct {
	Type  string // pdf, jpeg, png or tiff
	Pages int

	data []byte // the file (images: decoded page by page; PDFs: nil once copied for poppler)
	lim  Limits

	// PDF
	dir      string    // temporary directory: the copy poppler reads, pages rendered ahead
	path     string    // dir/doc.pdf
	pageSize []pdfPage // per page, from pdfinfo
	scanDPI  []float64 // per page, from pdfimages -list; 0: not a scan
	cleanup  runtime.Cleanup
	pdfMu    sync.Mutex
	ahead    map[int]string // page → PPM file rendered ahead of its Page call
	last     int            // the page Page rendered last
	stuck    error          // set when a page timed out: the remaining pages are not tried
	text     []string       // per page, once pdftotext has run over all pages
	textOnce sync.Once

	// images
	ifds []uint32 // TIFF: offset of each page's IFD

	mu    sync.Mutex
	cache map[int]*imagePage // decoded (downsampled) image pages
}

// imagePage is a decoded page of an image file.
type imagePage struct {
	img  *image.RGBA
	info PageInfo
}

// Stat is what Open learnt of a file, also when the file cannot be checked
// further (a report still wants its type and page count).
type Stat struct {
	Type  string
	Pages int
}

// Open identifies data by its content (never by name; name only for
// messages and a finding when the two disagree), checks its integrity and
// returns the findings. doc is nil when nothing more can be checked. A
// non-nil doc must be closed.
func Open(ctx context.Context, name string, data []byte, lim Limits) (*Doc, []Finding) {
	doc, _, fs := OpenStat(ctx, name, data, lim)
	return doc, fs
}

// OpenStat is Open that also returns the type and page count it found,
// which a report needs when doc is nil (a 2,000-page PDF is refused, but
// its report still says 2000 pages).
func OpenStat(ctx context.Context, name string, data []byte, lim Limits) (*Doc, Stat, []Finding) {
	lim = lim.withDefaults()
	var fs []Finding
	if len(data) == 0 {
		return nil, Stat{Type: TypeUnknown}, []Finding{emptyFinding()}
	}
	typ := Sniff(data)
	st := Stat{Type: typ}
	if f := nameMismatch(name, typ); f != nil {
		fs = append(fs, *f)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, st, append(fs, tooLargeBytes(int64(len(data)), lim.MaxBytes))
	}
	switch typ {
	case TypePDF, TypeJPEG, TypePNG, TypeTIFF:
	default:
		return nil, st, append(fs, unsupportedFinding(typ))
	}
	if other := polyglot(data, typ); other != "" {
		return nil, st, append(fs, polyglotFinding(typ, other))
	}
	doc := &Doc{Type: typ, data: data, lim: lim, cache: map[int]*imagePage{}}
	var more []Finding
	var ok bool
	if typ == TypePDF {
		ok, more = doc.openPDF(ctx)
	} else {
		ok, more = doc.openImage()
	}
	fs = append(fs, more...)
	st.Pages = doc.Pages
	if !ok {
		doc.Close()
		return nil, st, fs
	}
	return doc, st, fs
}

// Close releases what the doc holds (the temporary copy of a PDF and the
// pages rendered ahead). It is safe to call more than once; an unclosed
// doc's files are removed when it is garbage collected.
func (d *Doc) Close() error {
	if d == nil {
		return nil
	}
	d.pdfMu.Lock()
	defer d.pdfMu.Unlock()
	if d.dir == "" {
		return nil
	}
	d.cleanup.Stop()
	err := os.RemoveAll(d.dir)
	d.dir, d.path, d.ahead = "", "", nil
	return err
}

// Text returns the embedded text of page i (1-based) of a PDF, "" for an
// image or a page that is only a scan.
func (d *Doc) Text(ctx context.Context, i int) (string, error) {
	if i < 1 || i > d.Pages {
		return "", fmt.Errorf("prereview: page %d of %d: %w", i, d.Pages, ErrNoPage)
	}
	if d.Type != TypePDF {
		return "", nil
	}
	// One pdftotext over the whole file costs what one page does (the
	// program's start dominates); a failure there falls back to the page
	// alone, which then says what is wrong with it.
	d.textOnce.Do(func() {
		out, err := d.poppler(ctx, maxTextBytes*4, "pdftotext", "-f", "1", "-l", strconv.Itoa(d.Pages), "-enc", "UTF-8", "-q", d.pdfPath(), "-")
		if err != nil {
			return
		}
		pages := strings.Split(string(out), "\f")
		if len(pages) == d.Pages+1 {
			d.text = pages[:d.Pages]
		}
	})
	if d.text != nil {
		return d.text[i-1], nil
	}
	n := strconv.Itoa(i)
	out, err := d.poppler(ctx, maxTextBytes, "pdftotext", "-f", n, "-l", n, "-enc", "UTF-8", "-q", d.pdfPath(), "-")
	if err != nil {
		return "", fmt.Errorf("prereview: text of page %d: %w", i, err)
	}
	return strings.TrimSuffix(string(out), "\f"), nil
}

// maxTextBytes bounds the text of one page: a page of dense text is a few
// kilobytes; more is a file built to exhaust us.
const maxTextBytes = 4 << 20

// pdfPath is where poppler reads the PDF ("" once closed: the tools then
// fail).
func (d *Doc) pdfPath() string {
	d.pdfMu.Lock()
	defer d.pdfMu.Unlock()
	return d.path
}

// Errors a Doc's methods wrap. PageErrorFinding turns them into findings.
var (
	ErrNoPage      = errors.New("no such page")
	ErrCorruptPage = errors.New("page cannot be read")
	// ErrUnsupportedImage: a valid image using a feature the decoders
	// lack (a JPEG-compressed TIFF, an arithmetic-coded JPEG).
	ErrUnsupportedImage = errors.New("image encoding not supported")
	ErrTooLarge         = errors.New("too large")
	ErrTimeout          = errors.New("took too long")
	ErrNoTools          = errors.New("poppler-utils (pdfinfo, pdftoppm, pdfimages, pdftotext) not installed: run scripts/pdftools.sh")
)

// pdfTools are the poppler programs the PDF checks run.
var pdfTools = []string{"pdfinfo", "pdftoppm", "pdfimages", "pdftotext"}

// PDFToolsAvailable reports whether the poppler programs are installed;
// the error names the script that installs them.
func PDFToolsAvailable() error {
	var missing []string
	for _, t := range pdfTools {
		if _, err := exec.LookPath(t); err != nil {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("prereview: missing %s: %w", strings.Join(missing, ", "), ErrNoTools)
	}
	return nil
}

// Sniff names the type of data from its content: one of the Type
// constants, or what blob.Detect and mimetype call it (ofd, docx, dwg,
// zip, gif, bmp, webp, heic, html, …).
func Sniff(data []byte) string {
	switch {
	case len(data) == 0:
		return TypeUnknown
	// An image's signature at the start wins over a PDF header further on
	// (a JPEG with a PDF in its first kilobyte is a JPEG, and a polyglot).
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return TypeJPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return TypeTIFF
	case pdfHeaderAt(data) >= 0:
		return TypePDF
	}
	format, _ := blob.Detect(data)
	switch format {
	case blob.FormatOFD, blob.FormatDWG, blob.FormatDOCX, blob.FormatXLSX, blob.FormatZIP:
		return format
	}
	head := data
	if len(head) > blob.HeadSize {
		head = head[:blob.HeadSize]
	}
	m := mimetype.Detect(head)
	switch {
	case m.Is("application/octet-stream"):
		return TypeUnknown
	case m.Is("text/plain"):
		return TypeText
	}
	if ext := strings.TrimPrefix(m.Extension(), "."); ext != "" {
		return ext
	}
	return TypeUnknown
}

// pdfHeaderAt is the offset of "%PDF-" in the first 1024 bytes (where PDF
// readers look for it), or -1.
func pdfHeaderAt(data []byte) int {
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	return bytes.Index(head, []byte("%PDF-"))
}

// extTypes maps file name extensions to the type a file so named should be.
var extTypes = map[string]string{
	".pdf": TypePDF, ".jpg": TypeJPEG, ".jpeg": TypeJPEG, ".jpe": TypeJPEG,
	".png": TypePNG, ".tif": TypeTIFF, ".tiff": TypeTIFF,
	".ofd": blob.FormatOFD, ".docx": blob.FormatDOCX, ".xlsx": blob.FormatXLSX,
	".zip": blob.FormatZIP, ".dwg": blob.FormatDWG, ".txt": TypeText,
	".gif": "gif", ".bmp": "bmp", ".webp": "webp", ".heic": "heic",
}

// nameMismatch is a corrupt_file finding when name's extension says one
// known type and the content is another: a warning when the content can
// still be checked (a JPEG named .pdf), an error when it cannot (a text
// file named .pdf). A name without a known extension says nothing.
func nameMismatch(name, typ string) *Finding {
	ext := strings.ToLower(filepath.Ext(name))
	want, ok := extTypes[ext]
	if !ok || want == typ {
		return nil
	}
	zh, en := typeName(typ)
	f := &Finding{
		Code:     CodeCorruptFile,
		Severity: Error,
		Message:  fmt.Sprintf("文件名“%s”表明是 %s 文件，但文件内容实为%s：文件可能已损坏或被改了扩展名，请上传原始文件。", name, strings.ToUpper(strings.TrimPrefix(ext, ".")), zh),
		MessageE: fmt.Sprintf("The name %q says %s, but the content is %s: the file may be damaged or renamed. Please upload the original file.", name, strings.ToUpper(strings.TrimPrefix(ext, ".")), en),
	}
	switch typ {
	case TypePDF, TypeJPEG, TypePNG, TypeTIFF:
		f.Severity = Warning
		f.Message = fmt.Sprintf("文件名“%s”的扩展名与内容不符（内容为%s），已按实际内容检查；请改正扩展名后重新上传。", name, zh)
		f.MessageE = fmt.Sprintf("The extension of %q does not match its content (%s); it was checked as what it is. Please correct the extension and upload it again.", name, en)
	}
	return f
}

// typeName describes a type for a message, in Chinese and English.
func typeName(typ string) (zh, en string) {
	switch typ {
	case TypePDF:
		return " PDF 文档", "a PDF document"
	case TypeJPEG:
		return " JPEG 图片", "a JPEG image"
	case TypePNG:
		return " PNG 图片", "a PNG image"
	case TypeTIFF:
		return " TIFF 图片", "a TIFF image"
	case TypeText:
		return "纯文本", "plain text"
	case TypeUnknown:
		return "无法识别的格式", "in an unrecognised format"
	case blob.FormatOFD:
		return " OFD 版式文档", "an OFD document"
	case blob.FormatDOCX:
		return " Word 文档", "a Word document"
	case blob.FormatXLSX:
		return " Excel 表格", "an Excel workbook"
	case blob.FormatZIP:
		return " ZIP 压缩包", "a ZIP archive"
	case blob.FormatDWG:
		return " DWG 图纸", "a DWG drawing"
	}
	u := strings.ToUpper(typ)
	return " " + u + " 文件", "a " + u + " file"
}

func emptyFinding() Finding {
	return Finding{
		Code:     CodeCorruptFile,
		Severity: Error,
		Message:  "文件是空的（0 字节），可能上传中断，请重新上传。",
		MessageE: "The file is empty (0 bytes); the upload may have been interrupted. Please upload it again.",
	}
}

func unsupportedFinding(typ string) Finding {
	zh, en := typeName(typ)
	return Finding{
		Code:     CodeUnsupportedType,
		Severity: Error,
		Message:  fmt.Sprintf("文件内容为%s，无法作为申请材料审查，请转换为 PDF、JPEG、PNG 或 TIFF 后重新上传。", zh),
		MessageE: fmt.Sprintf("The file is %s, which cannot be reviewed as a material. Please convert it to PDF, JPEG, PNG or TIFF and upload it again.", en),
	}
}

func tooLargeBytes(size, limit int64) Finding {
	return Finding{
		Code:     CodeTooLarge,
		Severity: Error,
		Message:  fmt.Sprintf("文件大小为 %s，超过 %s 的上限，请降低扫描分辨率或拆分后重新上传。", mb(size), mb(limit)),
		MessageE: fmt.Sprintf("The file is %s, over the %s limit. Please scan at a lower resolution or split it, and upload it again.", mb(size), mb(limit)),
	}
}

// mb formats a byte count in megabytes.
func mb(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

func tooManyPages(pages, limit int) Finding {
	return Finding{
		Code:     CodeTooLarge,
		Severity: Error,
		Message:  fmt.Sprintf("文件共 %d 页，超过 %d 页的上限，请拆分后分别上传。", pages, limit),
		MessageE: fmt.Sprintf("The file has %d pages, over the limit of %d. Please split it and upload the parts.", pages, limit),
	}
}

func tooManyPixels(page, w, h int, limit int64) Finding {
	return Finding{
		Code:     CodeTooLarge,
		Severity: Error,
		Page:     page,
		Message:  fmt.Sprintf("图像为 %d × %d 像素，超过 %s像素的上限，请以 150～300 dpi 重新扫描或导出后上传。", w, h, wan(limit)),
		MessageE: fmt.Sprintf("The image is %d × %d pixels, over the limit of %s pixels. Please scan or export it again at 150–300 dpi.", w, h, million(limit)),
	}
}

// wan writes a count in 万 or 亿, as Chinese counts large numbers.
func wan(n int64) string {
	if n >= 100_000_000 && n%100_000_000 == 0 {
		return fmt.Sprintf(" %d 亿", n/100_000_000)
	}
	return fmt.Sprintf(" %d 万", n/10_000)
}

// million writes a count in millions.
func million(n int64) string {
	return strconv.FormatFloat(float64(n)/1_000_000, 'f', -1, 64) + " million"
}

func corruptFinding(page int, zh, en string) Finding {
	return Finding{
		Code:     CodeCorruptFile,
		Severity: Error,
		Page:     page,
		Message:  zh + "请重新生成或重新扫描后上传。",
		MessageE: en + " Please produce or scan it again and upload it.",
	}
}

func polyglotFinding(typ, other string) Finding {
	zh, en := typeName(typ)
	ozh, oen := typeName(other)
	return Finding{
		Code:     CodeCorruptFile,
		Severity: Error,
		Message:  fmt.Sprintf("文件既是%s，又夹带了%s（多格式拼接文件），出于安全原因不予接受，请上传由扫描或导出直接生成的原始文件。", zh, ozh),
		MessageE: fmt.Sprintf("The file is %s with %s hidden in it (a polyglot file); for safety it is not accepted. Please upload the file exactly as scanned or exported.", en, oen),
	}
}

func encryptedFinding(openable bool) Finding {
	if openable {
		return Finding{
			Code:     CodeEncryptedPDF,
			Severity: Error,
			Message:  "PDF 已加密（设置了权限密码），无法归档，请取消加密后重新上传。",
			MessageE: "The PDF is encrypted (it has a permissions password) and cannot be archived. Please remove the encryption and upload it again.",
		}
	}
	return Finding{
		Code:     CodeEncryptedPDF,
		Severity: Error,
		Message:  "PDF 设有打开密码，无法审查，请取消密码后重新上传。",
		MessageE: "The PDF needs a password to open, so it cannot be reviewed. Please remove the password and upload it again.",
	}
}

// CodeCheckFailed findings say that a check could not be performed (tools
// missing, a timeout): never a pass.
func checkFailedFinding(page int, err error) Finding {
	f := Finding{Code: CodeCheckFailed, Severity: Warning, Page: page}
	switch {
	case errors.Is(err, ErrNoTools):
		f.Message = "系统暂时无法检查 PDF 文件（缺少 PDF 处理组件），该项检查未完成，请联系管理员或稍后重新检查。"
		f.MessageE = "The system cannot check PDF files at the moment (its PDF tools are missing); this check was not done. Contact the administrator or re-check later."
	case errors.Is(err, ErrTimeout):
		f.Message = "文件处理超时，检查未完成：文件可能过于复杂或已损坏，请重新导出或扫描后上传。"
		f.MessageE = "Processing the file took too long and the check was not done: the file may be too complex or damaged. Please export or scan it again."
	default:
		f.Message = "该项检查未能完成，请稍后重新检查。"
		f.MessageE = "This check could not be completed; please re-check later."
	}
	return f
}

// PageErrorFinding turns an error of Page or Text for page i into the
// finding the applicant sees: corrupt_file, too_large, or check_failed
// (a check not performed is never passed).
func PageErrorFinding(page int, err error) Finding {
	switch {
	case errors.Is(err, ErrCorruptPage):
		return corruptFinding(page, fmt.Sprintf("第 %d 页已损坏，无法读取。", page), fmt.Sprintf("Page %d is damaged and cannot be read.", page))
	case errors.Is(err, ErrUnsupportedImage):
		return Finding{
			Code:     CodeUnsupportedType,
			Severity: Error,
			Page:     page,
			Message:  "图片使用了系统无法读取的编码方式（例如 JPEG 压缩的 TIFF），请另存为 PDF、普通 JPEG 或 PNG 后重新上传。",
			MessageE: "The image uses an encoding the system cannot read (a JPEG-compressed TIFF, for example). Please save it as PDF, a plain JPEG or PNG and upload it again.",
		}
	case errors.Is(err, ErrTooLarge):
		return Finding{
			Code:     CodeTooLarge,
			Severity: Error,
			Page:     page,
			Message:  fmt.Sprintf("第 %d 页的图像过大，超过系统上限，请以 150～300 dpi 重新扫描后上传。", page),
			MessageE: fmt.Sprintf("The image on page %d is over the system's size limit. Please scan it again at 150–300 dpi.", page),
		}
	}
	return checkFailedFinding(page, err)
}

// openPDF checks a PDF with poppler: trailer present (not truncated),
// password, page count, the size of the images in it, and keeps what the
// pages need (page sizes, the resolution of the scan on each page). ok is
// false when nothing more can be checked.
func (d *Doc) openPDF(ctx context.Context) (ok bool, fs []Finding) {
	if i := pdfHeaderAt(d.data); i > 0 {
		fs = append(fs, Finding{
			Code:     CodeCorruptFile,
			Severity: Warning,
			Message:  fmt.Sprintf("PDF 文件头之前有 %d 字节多余数据，文件可能已损坏，建议重新导出后上传。", i),
			MessageE: fmt.Sprintf("There are %d stray bytes before the PDF header; the file may be damaged. Please export it again.", i),
		})
	}
	if !pdfComplete(d.data) {
		return false, append(fs, corruptFinding(0, "PDF 文件不完整（缺少文件结尾，可能在上传或传输中被截断）。", "The PDF is incomplete (its end is missing: it was probably cut off during upload or transfer)."))
	}
	if err := PDFToolsAvailable(); err != nil {
		return false, append(fs, checkFailedFinding(0, err))
	}
	dir, err := os.MkdirTemp(d.lim.TempDir, "prereview-*")
	if err != nil {
		return false, append(fs, checkFailedFinding(0, err))
	}
	d.dir, d.path = dir, filepath.Join(dir, "doc.pdf")
	d.cleanup = runtime.AddCleanup(d, func(dir string) { os.RemoveAll(dir) }, dir)
	if err := os.WriteFile(d.path, d.data, 0o600); err != nil {
		return false, append(fs, checkFailedFinding(0, err))
	}
	d.data = nil

	out, err := d.poppler(ctx, 1<<20, "pdfinfo", "-f", "1", "-l", fmt.Sprint(d.lim.MaxPages), d.path)
	if err != nil {
		var te *toolError
		switch {
		case errors.As(err, &te) && strings.Contains(te.stderr, "Incorrect password"):
			return false, append(fs, encryptedFinding(false))
		case errors.As(err, &te):
			return false, append(fs, corruptFinding(0, "PDF 文件已损坏，无法打开。", "The PDF is damaged and cannot be opened."))
		}
		return false, append(fs, checkFailedFinding(0, err))
	}
	info := parsePDFInfo(string(out))
	d.Pages = info.pages
	if info.encrypted {
		fs = append(fs, encryptedFinding(true))
	}
	switch {
	case info.pages <= 0:
		return false, append(fs, corruptFinding(0, "PDF 文件没有任何页面或已损坏。", "The PDF has no pages or is damaged."))
	case info.pages > d.lim.MaxPages:
		return false, append(fs, tooManyPages(info.pages, d.lim.MaxPages))
	}
	d.pageSize = info.sizes

	out, err = d.poppler(ctx, 16<<20, "pdfimages", "-list", "-f", "1", "-l", fmt.Sprint(d.Pages), d.path)
	if err != nil {
		var te *toolError
		if errors.As(err, &te) {
			return false, append(fs, corruptFinding(0, "PDF 文件已损坏，无法读取其中的图像。", "The PDF is damaged: the images in it cannot be read."))
		}
		return false, append(fs, checkFailedFinding(0, err))
	}
	imgs := parsePDFImages(string(out))
	for _, im := range imgs {
		if int64(im.w)*int64(im.h) > d.lim.MaxPixels {
			return false, append(fs, tooManyPixels(im.page, im.w, im.h, d.lim.MaxPixels))
		}
	}
	d.scanDPI = scanDPIs(imgs, d.pageSize, d.Pages)
	return true, fs
}

// pdfComplete reports whether the PDF ends as a complete file does: with
// "%%EOF" followed by at most a little padding. A file cut short (also a
// linearized one, which has an early %%EOF) fails.
func pdfComplete(data []byte) bool {
	i := bytes.LastIndex(data, []byte("%%EOF"))
	if i < 0 {
		return false
	}
	tail := data[i+5:]
	return len(tail) <= 1024 || len(bytes.Trim(tail, "\x00\t\n\f\r ")) == 0
}

// openImage checks an image file from its header (pixel count, before any
// decoding), walks a TIFF's pages, and decodes the first page to prove the
// file whole. ok is false when nothing more can be checked.
func (d *Doc) openImage() (ok bool, fs []Finding) {
	if d.Type == TypeTIFF {
		ifds, err := tiffIFDs(d.data, 1_000_000)
		if err != nil || len(ifds) == 0 {
			return false, []Finding{corruptFinding(0, "TIFF 图片已损坏，无法读取。", "The TIFF image is damaged and cannot be read.")}
		}
		d.Pages = len(ifds)
		d.ifds = ifds
		if d.Pages > d.lim.MaxPages {
			return false, []Finding{tooManyPages(d.Pages, d.lim.MaxPages)}
		}
	} else {
		d.Pages = 1
	}
	for i := 1; i <= d.Pages; i++ {
		cfg, _, err := image.DecodeConfig(d.pageReader(i))
		if err != nil {
			if err := imageError(err); errors.Is(err, ErrUnsupportedImage) {
				return false, []Finding{PageErrorFinding(pageOf(d, i), err)}
			}
			return false, []Finding{corruptFinding(pageOf(d, i), "图片已损坏，无法读取。", "The image is damaged and cannot be read.")}
		}
		px, bpp := int64(cfg.Width)*int64(cfg.Height), bytesPerPixel(cfg.ColorModel)
		if d.Type == TypeJPEG {
			if prog, comps := jpegProgressive(d.data); prog {
				// The decoder keeps every coefficient of a progressive
				// JPEG until the last scan: 4 bytes a pixel a component.
				bpp += 4 * int64(comps)
			}
		}
		if px > d.lim.MaxPixels || px*bpp > maxDecodeBytes {
			return false, []Finding{tooManyPixels(pageOf(d, i), cfg.Width, cfg.Height, min(d.lim.MaxPixels, maxDecodeBytes/bpp))}
		}
		if cfg.Width <= 0 || cfg.Height <= 0 {
			return false, []Finding{corruptFinding(pageOf(d, i), "图片尺寸为零，文件已损坏。", "The image has no pixels: the file is damaged.")}
		}
	}
	p, err := d.decodeImagePage(1)
	if err != nil {
		if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrUnsupportedImage) {
			return false, []Finding{PageErrorFinding(pageOf(d, 1), err)}
		}
		return false, []Finding{corruptFinding(0, "图片已损坏或不完整（可能在上传或传输中被截断），无法读取。", "The image is damaged or incomplete (it may have been cut off during upload or transfer).")}
	}
	d.cache[1] = p
	return true, nil
}

// maxDecodeBytes bounds the memory a decoded image takes: 100 million
// pixels of 8-bit RGBA; a 16-bit image gets half as many pixels.
const maxDecodeBytes = 400 << 20

// bytesPerPixel is what the decoders allocate a pixel in model.
func bytesPerPixel(model color.Model) int64 {
	switch model {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.YCbCrModel:
		return 3 // 4:4:4 at worst
	}
	if _, ok := model.(color.Palette); ok {
		return 1
	}
	return 4
}

// pageOf is the page to name in a finding about page i: 0 (the whole
// file) for a single-page image.
func pageOf(d *Doc, i int) int {
	if d.Pages == 1 {
		return 0
	}
	return i
}

// polyglot names the other format hidden in data, a file of type typ, or
// returns "". A polyglot is valid as two formats at once (a PDF that is
// also a ZIP, a JPEG with a PDF inside its first kilobyte); each reader
// sees a different file, which is how malware slips past checks, so we
// refuse them.
func polyglot(data []byte, typ string) string {
	if zipAtEnd(data) {
		return blob.FormatZIP
	}
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	if markupIn(head) {
		return "html"
	}
	switch typ {
	case TypePDF:
		if i := pdfHeaderAt(data); i > 0 {
			if t := magicIn(data[:i]); t != "" {
				return t
			}
		}
		if j := bytes.LastIndex(data, []byte("%%EOF")); j >= 0 {
			if t := magicIn(data[j+5:]); t != "" {
				return t
			}
		}
	case TypeJPEG, TypePNG, TypeTIFF:
		if pdfAnywhere(data) {
			return TypePDF
		}
		end := -1
		if typ == TypeJPEG {
			end = jpegEnd(data)
		} else if typ == TypePNG {
			end = pngEnd(data)
		}
		if end > 0 && end < len(data) {
			if t := magicIn(data[end:]); t != "" {
				return t
			}
		}
	}
	return ""
}

// zipAtEnd reports whether data ends with a ZIP end-of-central-directory
// record whose comment runs exactly to the end of the file and whose
// central directory is there: a ZIP archive appended to (or wrapped
// around) the file.
func zipAtEnd(data []byte) bool {
	from := max(0, len(data)-(22+0xffff))
	i := bytes.LastIndex(data[from:], []byte("PK\x05\x06"))
	if i < 0 {
		return false
	}
	i += from
	if len(data) < i+22 {
		return false
	}
	comment := int(data[i+20]) | int(data[i+21])<<8
	if i+22+comment != len(data) {
		return false
	}
	return bytes.Contains(data[:i], []byte("PK\x01\x02"))
}

// markupIn reports whether b holds HTML or script that a browser would
// run.
func markupIn(b []byte) bool {
	l := bytes.ToLower(b)
	for _, s := range []string{"<script", "<html", "<!doctype html", "<svg", "<?php", "<body", "<iframe"} {
		if bytes.Contains(l, []byte(s)) {
			return true
		}
	}
	return false
}

// magics are signatures of formats that have no business in the padding
// before or after a document.
var magics = []struct {
	sig, typ string
}{
	{"PK\x03\x04", blob.FormatZIP},
	{"%PDF-", TypePDF},
	{"\x89PNG\r\n\x1a\n", TypePNG},
	{"\xff\xd8\xff", TypeJPEG},
	{"GIF87a", "gif"},
	{"GIF89a", "gif"},
	{"Rar!\x1a\x07", "rar"},
	{"7z\xbc\xaf\x27\x1c", "7z"},
	{"\x7fELF", "elf"},
	{"MZ\x90\x00", "exe"},
	{"#!/", "script"},
}

// magicIn names the first format whose signature appears in b, or "".
func magicIn(b []byte) string {
	if len(bytes.Trim(b, "\x00\t\n\f\r ")) == 0 {
		return ""
	}
	if markupIn(b) {
		return "html"
	}
	for _, m := range magics {
		if bytes.Contains(b, []byte(m.sig)) {
			return m.typ
		}
	}
	return ""
}

// pdfAnywhere reports whether an image carries a PDF header ("%PDF-1." or
// "%PDF-2."): seven given bytes do not turn up in compressed pixels by
// chance, and a reader that finds them treats the file as a PDF.
func pdfAnywhere(data []byte) bool {
	return bytes.Contains(data, []byte("%PDF-1.")) || bytes.Contains(data, []byte("%PDF-2."))
}

// jpegEnd is the offset just past the EOI marker that ends the JPEG
// stream at the start of data, or -1 when the stream has no end (which
// the decoder then reports as truncated).
func jpegEnd(data []byte) int {
	i := 2
	for i+2 <= len(data) {
		if data[i] != 0xff {
			return -1
		}
		m := data[i+1]
		switch {
		case m == 0xff: // fill byte
			i++
			continue
		case m == 0xd9:
			return i + 2
		case m >= 0xd0 && m <= 0xd7, m == 0x01:
			i += 2
			continue
		}
		if i+4 > len(data) {
			return -1
		}
		l := int(data[i+2])<<8 | int(data[i+3])
		i += 2 + l
		if m == 0xda { // entropy-coded data runs to the next marker
			for i+1 < len(data) {
				if data[i] == 0xff {
					n := data[i+1]
					if n != 0 && n != 0xff && (n < 0xd0 || n > 0xd7) {
						break
					}
				}
				i++
			}
		}
	}
	return -1
}

// pngEnd is the offset just past the IEND chunk, or -1.
func pngEnd(data []byte) int {
	i := 8
	for i+12 <= len(data) {
		l := int(uint32(data[i])<<24 | uint32(data[i+1])<<16 | uint32(data[i+2])<<8 | uint32(data[i+3]))
		if l < 0 || l > len(data) {
			return -1
		}
		typ := string(data[i+4 : i+8])
		i += 12 + l
		if typ == "IEND" {
			if i > len(data) {
				return -1
			}
			return i
		}
	}
	return -1
}
