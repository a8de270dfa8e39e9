package prereview

import (
	"fmt"
	"image"
	"maps"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ident"
)

// Application is what the documents of an application must agree with.
type Application struct {
	EnterpriseName string // the applicant's name as registered
	USCC           string // its unified social credit code
	// Today is the date validity is judged on (the caller's clock; zero:
	// time.Now). A licence is valid through its last day.
	Today time.Time
}

// FieldFindings checks the fields read from one page (ExtractFields)
// against the application: a credit code whose check character is wrong
// (uscc_invalid), a code or name that differs from the application's
// (uscc_mismatch, name_mismatch) and a validity that has ended (expired).
// A field not read, or not given in app, is not compared.
func FieldFindings(fields map[string]string, app Application, page int) []Finding {
	return FieldFindingsAt(fields, app, page, nil)
}

// PageText is what was read of one page: its text (embedded or OCR), the
// fields in it (ExtractFields) and where they are (FieldRegions; nil for
// embedded text).
type PageText struct {
	Page    int
	Text    string
	Fields  map[string]string
	Regions map[string]Box
}

// DocumentFieldFindings checks the fields of every page against the
// application, as a document: a page naming another enterprise (the other
// party of a contract, the issuer of a reply) is no mismatch when the
// document names the applicant too, by name or by credit code. A document
// that never names the applicant gets its findings page by page
// (FieldFindingsAt).
func DocumentFieldFindings(pages []PageText, app Application) []Finding {
	name, code := mentions(pages, app)
	var out []Finding
	for _, p := range pages {
		f := p.Fields
		if name && f[FieldName] != "" || code && f[FieldUSCC] != "" && ident.ValidateUSCC(f[FieldUSCC]) == nil {
			f = maps.Clone(f)
			if name {
				delete(f, FieldName)
			}
			if code && ident.ValidateUSCC(f[FieldUSCC]) == nil {
				delete(f, FieldUSCC)
			}
		}
		out = append(out, FieldFindingsAt(f, app, p.Page, p.Regions)...)
	}
	return out
}

// DocumentFields are the fields of a document: for each, the first page's
// that has it, except that the applicant's own name and credit code win
// over another party's.
func DocumentFields(pages []PageText, app Application) map[string]string {
	out := map[string]string{}
	for _, p := range pages {
		for k, v := range p.Fields {
			if _, seen := out[k]; !seen {
				out[k] = v
			}
		}
	}
	for _, p := range pages {
		if v := p.Fields[FieldName]; v != "" && app.EnterpriseName != "" && normName(v) == normName(app.EnterpriseName) {
			out[FieldName] = v
		}
		if v := p.Fields[FieldUSCC]; v != "" && app.USCC != "" && v == ident.NormalizeUSCC(app.USCC) {
			out[FieldUSCC] = v
		}
	}
	return out
}

// mentions reports whether the pages' text holds the application's name
// and its credit code (spaces and bracket widths folded).
func mentions(pages []PageText, app Application) (name, code bool) {
	wantName, wantCode := normName(app.EnterpriseName), ident.NormalizeUSCC(app.USCC)
	for _, p := range pages {
		t := normName(p.Text)
		name = name || wantName != "" && strings.Contains(t, wantName)
		code = code || wantCode != "" && strings.Contains(t, wantCode)
	}
	return name, code
}

// FieldFindingsAt is FieldFindings with the region of each field on the
// page (FieldRegions), which the findings then point at.
func FieldFindingsAt(fields map[string]string, app Application, page int, regions map[string]Box) []Finding {
	var out []Finding
	at := func(f Finding, key string) Finding {
		f.Page = page
		if b, ok := regions[key]; ok {
			f.Region = &b
		}
		return f
	}
	appCode := ident.NormalizeUSCC(app.USCC)
	if code := fields[FieldUSCC]; code != "" {
		if err := ident.ValidateUSCC(code); err != nil && appCode != "" && ident.ValidateUSCC(appCode) == nil && misreadOf(code, appCode) {
			// 7 read as T: the declared code with one character misread,
			// not a wrong code on the document.
			out = append(out, at(Finding{
				Code: CodeTextUnclear, Severity: Warning,
				Message:  fmt.Sprintf("材料上的统一社会信用代码识别为 %s，与申报的 %s 有一位形近字符不同，可能是扫描不清：请核对；必要时上传更清晰的扫描件", code, appCode),
				MessageE: fmt.Sprintf("the credit code on the document reads %s, one look-alike character from the declared %s, perhaps an unclear scan: check it, and upload a clearer scan if needed", code, appCode),
			}, FieldUSCC))
		} else if err != nil {
			zh, en := "", ""
			if e := apperr.As(err); e != nil {
				zh, en = e.ZH, e.EN
			}
			hint, hintE := "请核对材料上的代码；如材料无误，请上传更清晰的扫描件", "check the code on the document; if the document is right, upload a clearer scan"
			if appCode != "" && oneCharApart(code, appCode) {
				hint = fmt.Sprintf("与申报的代码 %s 仅差一位，可能是扫描不清：请上传更清晰的扫描件", appCode)
				hintE = fmt.Sprintf("it differs from the declared code %s in one character only, perhaps an unclear scan: upload a clearer scan", appCode)
			}
			out = append(out, at(Finding{
				Code: CodeUSCCInvalid, Severity: Error,
				Message:  fmt.Sprintf("材料上的统一社会信用代码“%s”无效（%s）：%s", code, zh, hint),
				MessageE: fmt.Sprintf("the unified social credit code %q on the document is not valid (%s): %s", code, en, hintE),
			}, FieldUSCC))
		} else if appCode != "" && code != appCode {
			out = append(out, at(Finding{
				Code: CodeUSCCMismatch, Severity: Error,
				Message:  fmt.Sprintf("材料上的统一社会信用代码 %s 与申报的 %s 不一致：请上传本单位的材料，或更正申报信息", code, appCode),
				MessageE: fmt.Sprintf("the unified social credit code %s on the document differs from the declared %s: upload your own organisation's document, or correct the application", code, appCode),
			}, FieldUSCC))
		}
	}
	if name, want := fields[FieldName], app.EnterpriseName; name != "" && strings.TrimSpace(want) != "" {
		got, exp := normName(name), normName(want)
		if got != exp {
			f := Finding{
				Code: CodeNameMismatch, Severity: Error,
				Message:  fmt.Sprintf("材料上的名称“%s”与申报单位“%s”不一致：请上传本单位的材料；如单位已更名，请一并上传更名证明", name, want),
				MessageE: fmt.Sprintf("the name %q on the document differs from the applicant %q: upload your own organisation's document; if it was renamed, add the proof of the change of name", name, want),
			}
			// One character apart in a long name is more likely a misread
			// (勘 read as 勤) than another enterprise: ask to check.
			if d := editDistance(got, exp); d == 1 && len([]rune(exp)) >= 6 {
				f.Code, f.Severity = CodeTextUnclear, Warning
				f.Message = fmt.Sprintf("材料上的名称识别为“%s”，与申报单位“%s”有一字之差，可能是扫描不清：请核对；必要时上传更清晰的扫描件", name, want)
				f.MessageE = fmt.Sprintf("the name on the document reads %q, one character from the applicant %q, perhaps an unclear scan: check it, and upload a clearer scan if needed", name, want)
			}
			out = append(out, at(f, FieldName))
		}
	}
	if until := fields[FieldValidUntil]; until != "" {
		today := app.Today
		if today.IsZero() {
			today = time.Now()
		}
		// Dates on Chinese documents are Beijing dates (no summer time).
		if day := today.In(beijing).Format("2006-01-02"); until < day {
			out = append(out, at(Finding{
				Code: CodeExpired, Severity: Error,
				Message:  fmt.Sprintf("证照有效期至 %s，已过期：请上传在有效期内的证照（或换发后的新证）", until),
				MessageE: fmt.Sprintf("the licence was valid until %s and has expired: upload one that is valid today (or the renewed one)", until),
			}, FieldValidUntil))
		}
	}
	return out
}

var beijing = time.FixedZone("CST", 8*3600)

// normName folds what differs between two spellings of one name: spaces,
// full-width brackets, Latin case.
func normName(s string) string {
	s = strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "", "\t", "", "·", "", "•", "").Replace(s)
	return strings.ToUpper(s)
}

// lookAlikes are the pairs of code characters OCR confuses.
var lookAlikes = map[[2]byte]bool{}

func init() {
	for _, p := range []string{"7T", "8B", "0D", "0Q", "1L", "2Z", "5S", "6G", "UV", "UW", "MN", "HN", "EF", "PR", "CG", "0U", "1T", "4A", "3B", "9Q"} {
		lookAlikes[[2]byte{p[0], p[1]}] = true
		lookAlikes[[2]byte{p[1], p[0]}] = true
	}
}

// misreadOf reports whether read differs from code in one position, by a
// pair of characters OCR confuses.
func misreadOf(read, code string) bool {
	if len(read) != len(code) || !oneCharApart(read, code) {
		return false
	}
	for i := 0; i < len(read); i++ {
		if read[i] != code[i] {
			return lookAlikes[[2]byte{read[i], code[i]}]
		}
	}
	return false
}

// oneCharApart reports whether two codes of equal length differ in exactly
// one position.
func oneCharApart(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	d := 0
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			d++
		}
	}
	return d == 1
}

// editDistance is the Levenshtein distance between a and b in characters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// FieldRegions finds where on the page each field of fields was read, from
// the lines of OCRPage: the words holding the value, or for a date the
// label and the value after it. A field not found has no region.
func FieldRegions(lines []OCRLine, fields map[string]string) map[string]Box {
	out := map[string]Box{}
	for key, v := range fields {
		var needles []string
		switch key {
		case FieldUSCC, FieldName, FieldLegalRep:
			needles = []string{v}
		case FieldAmount:
			needles = []string{fields[FieldAmountText]}
		case FieldAmountText:
			continue
		case FieldValidFrom, FieldValidUntil, FieldValidLongTerm:
			needles = validityLabels
		case FieldEstablished:
			needles = foundedLabels
		}
		labels := key != FieldUSCC && key != FieldName && key != FieldLegalRep && key != FieldAmount
		for _, n := range needles {
			if b, ok := locate(lines, n, labels); ok {
				out[key] = b
				break
			}
		}
		if _, ok := out[key]; !ok && key == FieldUSCC {
			// OCR may have read O for 0: point at the label's value.
			for _, n := range usccLabels {
				if b, ok := locate(lines, n, true); ok {
					out[key] = b
					break
				}
			}
		}
	}
	return out
}

// locate finds needle in the words of lines (compared without spaces,
// full-width folded) and returns the box of the words it spans; with
// withValue, the words after it up to the next wide gap too (a label and
// its value).
func locate(lines []OCRLine, needle string, withValue bool) (Box, bool) {
	needle = foldSquash(needle)
	if needle == "" {
		return Box{}, false
	}
	for _, l := range lines {
		var sb strings.Builder
		starts := make([]int, len(l.Words)+1)
		for i, w := range l.Words {
			starts[i] = sb.Len()
			sb.WriteString(foldSquash(w.Text))
		}
		starts[len(l.Words)] = sb.Len()
		i := strings.Index(sb.String(), needle)
		if i < 0 {
			continue
		}
		j := i + len(needle)
		var box image.Rectangle
		last := -1
		for k, w := range l.Words {
			if starts[k+1] > i && starts[k] < j {
				box = box.Union(w.Box.Rect())
				last = k
			}
		}
		if withValue && last >= 0 {
			lh := l.Box[3] - l.Box[1]
			for k := last + 1; k < len(l.Words); k++ {
				if k > last+1 && 2*gap(l.Words[k-1], l.Words[k]) > 3*lh {
					break
				}
				box = box.Union(l.Words[k].Box.Rect())
			}
		}
		if !box.Empty() {
			return BoxOf(box), true
		}
	}
	return Box{}, false
}

// foldSquash folds full-width forms to ASCII and drops white space.
func foldSquash(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\u3000':
			return -1
		case r >= '！' && r <= '～':
			return r - 0xFEE0
		}
		return r
	}, s)
}
