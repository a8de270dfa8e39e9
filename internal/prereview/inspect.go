package prereview

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

// Options says what a material needs and what to compare it with.
type Options struct {
	Limits Limits
	// Formats the material takes (catalog formats: pdf, jpg, png, …);
	// empty: any this package can read.
	Formats []string
	// RequireSeal: the last page must bear an official seal;
	// RequirePerforation: every page of a multi-page file must bear a
	// slice of one perforation seal (骑缝章).
	RequireSeal        bool
	RequirePerforation bool
	// OCR runs text recognition on pages without embedded text (slow:
	// seconds a page). Without it, or without Tesseract, the text checks
	// are reported as not performed.
	OCR bool
	// Application is what the documents must agree with; zero: no
	// consistency checks.
	Application Application
	// Now is today for validity dates (default time.Now).
	Now time.Time
}

// catalogFormat maps a catalog format name to the type Open reports.
var catalogFormat = map[string]string{"pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "png": "png", "tif": "tiff", "tiff": "tiff"}

// Inspect runs every check on one file and returns its report. The fast
// checks (type, integrity, pages, resolution, blank pages, seals) take
// well under a second for a 10-page scan; OCR, when asked for, seconds a
// page.
func Inspect(ctx context.Context, name string, data []byte, o Options) Report {
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits()
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	rep := Report{File: name, Type: "unknown", Findings: []Finding{}, Seals: []Seal{}, Fields: map[string]string{}, OCR: "skipped"}
	doc, st, fs := OpenStat(ctx, name, data, o.Limits)
	rep.Findings = append(rep.Findings, fs...)
	if st.Type != "" {
		rep.Type = st.Type
	}
	rep.Pages = st.Pages
	if doc == nil {
		if !hasCode(rep.Findings, CodeCheckFailed) {
			rep.OCR = "not_needed" // refused: there is no text to read
		}
		return rep
	}
	defer doc.Close()
	rep.Type, rep.Pages = doc.Type, doc.Pages
	if len(o.Formats) > 0 && !acceptsType(o.Formats, doc.Type) {
		rep.Findings = append(rep.Findings, Finding{Code: CodeUnsupportedType, Severity: Error,
			Message:  fmt.Sprintf("此材料只收 %s 格式，上传的文件是 %s：请转换后重新上传", formatList(o.Formats), doc.Type),
			MessageE: fmt.Sprintf("this material takes %s only and the file is %s: convert it and upload again", formatList(o.Formats), doc.Type)})
	}
	ocrOK, ocrWhy := false, ""
	if o.OCR {
		ocrOK, ocrWhy = OCRAvailable()
		if ocrOK {
			rep.OCR = "done"
		} else {
			rep.OCR = "unavailable"
		}
	}
	app := o.Application
	app.Today = o.Now
	needOCR := 0 // pages with something on them but no embedded text
	var texts []PageText
	for i := 1; i <= doc.Pages; i++ {
		if err := ctx.Err(); err != nil {
			break
		}
		img, pi, err := doc.Page(ctx, i)
		if err != nil {
			rep.Findings = append(rep.Findings, PageErrorFinding(i, err))
			rep.PageInfo = append(rep.PageInfo, PageInfo{Page: i})
			continue
		}
		pi.Page = i
		if !pi.Blank {
			if f := ResolutionFinding(pi); f != nil {
				rep.Findings = append(rep.Findings, *f)
			}
			rep.Seals = append(rep.Seals, FindSeals(img, i)...)
		}
		var regions map[string]Box
		if t, err := doc.Text(ctx, i); err == nil && strings.TrimSpace(t) != "" {
			pi.Text = t
		} else if !pi.Blank {
			needOCR++
			if ocrOK {
				r, err := ocrPage(ctx, doc, i)
				if err != nil {
					rep.OCR = "failed"
					rep.Findings = append(rep.Findings, ocrFailedFinding(i, err))
				} else {
					pi.Text = r.Text
					regions = FieldRegions(r.Lines, ExtractFields(r.Text))
					sx, sy := float64(pi.Width)/float64(r.width), float64(pi.Height)/float64(r.height)
					for k, b := range regions {
						regions[k] = Box{int(float64(b[0]) * sx), int(float64(b[1]) * sy), int(math.Ceil(float64(b[2]) * sx)), int(math.Ceil(float64(b[3]) * sy))}
					}
				}
			}
		}
		rep.PageInfo = append(rep.PageInfo, pi)
		if pi.Text != "" {
			texts = append(texts, PageText{Page: i, Text: pi.Text, Fields: ExtractFields(pi.Text), Regions: regions})
		}
	}
	rep.Fields = DocumentFields(texts, app)
	rep.Findings = append(rep.Findings, DocumentFieldFindings(texts, app)...)
	whole := ctx.Err() == nil && len(rep.PageInfo) == doc.Pages && !hasCode(rep.Findings, CodeCheckFailed)
	switch {
	case needOCR == 0 && whole:
		rep.OCR = "not_needed" // every page has its text, or is blank
	case !o.OCR:
		rep.OCR = "skipped"
	case ctx.Err() != nil:
		rep.OCR = "failed"
	}
	rep.Findings = append(rep.Findings, BlankFindings(rep.PageInfo)...)
	rep.Findings = append(rep.Findings, SealFindings(rep.Seals, rep.Pages, o.RequireSeal)...)
	rep.Findings = append(rep.Findings, PerforationFindings(rep.Seals, rep.PageInfo, o.RequirePerforation)...)
	if o.OCR && !ocrOK && needOCR > 0 {
		rep.Findings = append(rep.Findings, Finding{Code: CodeOCRUnavailable, Severity: Info,
			Message:  "本服务器未安装文字识别（Tesseract 及中文数据），未能核对扫描件中的文字信息：这些项目未检查，不代表通过。原因：" + ocrWhy,
			MessageE: "text recognition (Tesseract with Chinese data) is not installed on this server, so the text of scans was not checked: not checked is not passed. Cause: " + ocrWhy})
	}
	dedupe(&rep)
	return rep
}

// ocrResult is an OCRResult with the size of the image read.
type ocrResult struct {
	*OCRResult
	width, height int
}

// ocrPage reads page i at OCR resolution.
func ocrPage(ctx context.Context, doc *Doc, i int) (ocrResult, error) {
	img, dpi, err := doc.OCRImage(ctx, i)
	if err != nil {
		return ocrResult{}, err
	}
	r, err := OCRPage(ctx, img, OCROptions{DPI: dpi})
	if err != nil {
		return ocrResult{}, err
	}
	b := img.Bounds()
	return ocrResult{OCRResult: r, width: b.Dx(), height: b.Dy()}, nil
}

// ocrFailedFinding says the text of page i could not be read: its text
// checks were not performed, which is not a pass.
func ocrFailedFinding(page int, err error) Finding {
	return Finding{Code: CodeCheckFailed, Severity: Warning, Page: page,
		Message:  "第 " + strconv.Itoa(page) + " 页的文字识别未能完成，名称、信用代码、有效期、金额等文字检查没有执行，不代表已通过：请点“重新检查”再试，或自行核对。原因：" + err.Error(),
		MessageE: "text recognition of page " + strconv.Itoa(page) + " did not complete, so its text checks (name, credit code, validity, amounts) were not performed, which is not a pass: re-check, or check it yourself. Cause: " + err.Error()}
}

// hasCode reports whether fs holds a finding with code.
func hasCode(fs []Finding, code string) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Code == code })
}

func acceptsType(formats []string, typ string) bool {
	for _, f := range formats {
		if catalogFormat[f] == typ || f == typ {
			return true
		}
	}
	return false
}

func formatList(fs []string) string {
	out := ""
	for i, f := range fs {
		if i > 0 {
			out += "、"
		}
		out += f
	}
	return out
}

// dedupe drops repeated findings (same code, page and message).
func dedupe(r *Report) {
	type key struct {
		code string
		page int
		msg  string
	}
	seen := map[key]bool{}
	r.Findings = slices.DeleteFunc(r.Findings, func(f Finding) bool {
		k := key{f.Code, f.Page, f.Message}
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}

// Thumbnail renders page n (1-based) of a file as a PNG of the size the
// checks' regions refer to.
func Thumbnail(ctx context.Context, name string, data []byte, n int, lim Limits) ([]byte, error) {
	doc, fs := Open(ctx, name, data, lim)
	defer doc.Close()
	if doc == nil {
		msg, msgE := "文件无法读取", "the file cannot be read"
		if len(fs) > 0 {
			msg, msgE = fs[0].Message, fs[0].MessageE
		}
		return nil, apperr.New(apperr.Invalid, "prereview.unreadable", msg, msgE)
	}
	if n < 1 || n > doc.Pages {
		return nil, apperr.Newf(apperr.NotFound, "prereview.no_page", "没有第 %d 页（共 %d 页）", "there is no page %d (the file has %d)", n, doc.Pages)
	}
	img, _, err := doc.Page(ctx, n)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, apperr.Wrap(err, "thumbnail")
	}
	return b.Bytes(), nil
}
