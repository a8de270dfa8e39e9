package prereview

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tongban/tongban/internal/ident"
)

// Field keys of ExtractFields.
const (
	FieldUSCC          = "uscc"                 // 统一社会信用代码, 18 characters as read (after fixing letters OCR confuses with digits)
	FieldName          = "enterprise_name"      // 名称
	FieldLegalRep      = "legal_representative" // 法定代表人 (负责人, 经营者, 执行事务合伙人)
	FieldValidFrom     = "valid_from"           // start of 营业期限 / 有效期, YYYY-MM-DD
	FieldValidUntil    = "valid_until"          // end of it, YYYY-MM-DD; absent when long-term
	FieldValidLongTerm = "valid_long_term"      // "true" when the validity ends 长期 (no end)
	FieldEstablished   = "established"          // 成立日期, YYYY-MM-DD
	FieldAmount        = "amount"               // an amount in capital numerals as a decimal number, e.g. "1200000"
	FieldAmountText    = "amount_text"          // that amount as printed, e.g. 壹佰贰拾万元整
)

// The labels a licence or certificate prints before its fields. A value
// runs to the end of its line or to the next label: OCR often reads the
// two columns of a licence into one line (名称……注册资本……).
var (
	usccLabels     = []string{"统一社会信用代码", "社会信用代码", "信用代码"}
	nameLabels     = []string{"企业名称", "单位名称", "公司名称", "申请单位", "建设单位", "名称"}
	legalRepLabels = []string{"法定代表人", "法人代表", "执行事务合伙人", "负责人", "经营者", "投资人"}
	validityLabels = []string{"营业期限", "经营期限", "合伙期限", "有效期限", "有效期", "有效日期"}
	foundedLabels  = []string{"成立日期", "注册日期"}
	amountLabels   = []string{"注册资本", "出资额", "出资总额", "大写", "金额", "价款", "合计", "总价", "人民币"}
	// stopLabels end a value (every label above, and the other fields of
	// a licence).
	stopLabels = []string{
		"统一社会信用代码", "名称", "类型", "法定代表人", "法人代表", "执行事务合伙人", "负责人", "经营者", "投资人",
		"经营范围", "注册资本", "出资额", "成立日期", "注册日期", "营业期限", "经营期限", "合伙期限", "有效期限", "有效期",
		"住所", "主要经营场所", "经营场所", "登记机关", "发证机关", "发证日期", "地址", "组成形式",
		"申请单位", "建设单位", "联系人", "联系电话", "项目名称", "项目代码",
	}
	// nameLabelQualifiers may stand before a bare 名称 that labels the
	// enterprise; any other Chinese character before it (项目名称,
	// 工程名称) labels something else.
	nameLabelQualifiers = []string{"企业", "单位", "公司", "机构", "主体"}
)

// ExtractFields finds the fields that matter in the text of one page
// (OCR or embedded): the unified social credit code, the enterprise name,
// the legal representative, the dates of validity and an amount written in
// capital numerals, converted to a number. Keys are the Field* constants;
// a field not found is absent. It is tolerant of how Tesseract reads a
// licence: spaces between characters, full-width punctuation, the two
// columns merged into one line, O for 0 in the credit code.
func ExtractFields(text string) map[string]string {
	out := map[string]string{}
	lines := normaliseLines(text)

	if code := findUSCC(lines); code != "" {
		out[FieldUSCC] = code
	}
	if v := nameAfterLabel(lines); v != "" {
		out[FieldName] = v
	} else if v := enterpriseNameFallback(lines); v != "" {
		out[FieldName] = v
	}
	if v := labelValue(lines, legalRepLabels, isPersonValue); v != "" {
		out[FieldLegalRep] = v
	}
	findValidity(lines, out)
	if v := labelValue(lines, foundedLabels, nil); v != "" {
		if ds := findDates(v); len(ds) > 0 {
			out[FieldEstablished] = ds[0].iso
		}
	}
	if val, txt := findAmount(lines); val != "" {
		out[FieldAmount], out[FieldAmountText] = val, txt
	}
	return out
}

// normaliseLines folds full-width letters, digits and punctuation to ASCII,
// removes the spaces between Chinese characters, and splits into lines.
func normaliseLines(text string) []string {
	text = strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～' && r != '（' && r != '）':
			return r - 0xFEE0
		case r == '\u3000' || r == '\u00a0':
			return ' '
		case r == '\r':
			return '\n'
		}
		return r
	}, text)
	// Two spaces or more are a wide gap too (pdftotext -layout, typed
	// text), like the tabs OCRPage puts there.
	text = wideGapRE.ReplaceAllString(text, "\t")
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.Trim(CollapseCJKSpaces(l), "\t")
		// Labels printed with their characters spread out: 名　　称.
		l = spreadLabelRE.ReplaceAllString(l, "$1$2")
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

var (
	wideGapRE     = regexp.MustCompile(`[ \t]*\t[ \t]*| {2,}`)
	spreadLabelRE = regexp.MustCompile(`(名|类|住|地)[\t ]+(称|型|所|址)`)
)

// findLabel returns the byte offset just after the first of labels in
// line, or -1. A bare 名称 counts only at the start of the line, after a
// non-Chinese character, or after a qualifier such as 企业.
func findLabel(line string, labels []string) int {
	best, bestEnd := -1, -1
	for _, lb := range labels {
		from := 0
		for {
			i := strings.Index(line[from:], lb)
			if i < 0 {
				break
			}
			i += from
			if lb == "名称" && !bareNameLabelOK(line[:i]) {
				from = i + len(lb)
				continue
			}
			if best < 0 || i < best {
				best, bestEnd = i, i+len(lb)
			}
			break
		}
	}
	return bestEnd
}

func bareNameLabelOK(before string) bool {
	if before == "" {
		return true
	}
	for _, q := range nameLabelQualifiers {
		if strings.HasSuffix(before, q) {
			return true
		}
	}
	r, _ := utf8.DecodeLastRuneInString(before)
	return !isCJK(r)
}

// labelValue returns the value after the first label found (line by line),
// cut at the next label; when the label ends its line, the next line is
// tried. ok, if set, must accept the value.
func labelValue(lines []string, labels []string, ok func(string) bool) string {
	for i, l := range lines {
		end := findLabel(l, labels)
		if end < 0 {
			continue
		}
		v := cutValue(l[end:])
		// A label alone on its line: the value may be on the next, if
		// that holds no label (in a table read label column first, the
		// next line is the next label).
		if v == "" && i+1 < len(lines) && findLabel(lines[i+1], stopLabels) < 0 {
			v = cutValue(lines[i+1])
		}
		if v != "" && (ok == nil || ok(v)) {
			return v
		}
	}
	return ""
}

// cutValue trims the separator after a label and cuts the value at the
// next label.
func cutValue(s string) string {
	s = strings.TrimLeft(s, " \t:;,.、|_-—")
	if i := strings.IndexByte(s, '\t'); i >= 0 {
		s = s[:i] // a wide gap ends a value
	}
	cut := len(s)
	for _, lb := range stopLabels {
		// A label at the very start is part of the value only if it is
		// all there is (名称 followed by 名称 is no value).
		for from := 0; from < cut; {
			i := strings.Index(s[from:], lb)
			if i < 0 {
				break
			}
			i += from
			if i > 0 && (lb != "名称" || bareNameLabelOK(s[:i])) {
				cut = min(cut, i)
				break
			}
			from = i + len(lb)
		}
	}
	return strings.Trim(s[:cut], " \t:;,.、|_-—")
}

// nameAfterLabel reads the enterprise name after its label, joining the
// cells up to the next label: OCR may split a name where its characters
// stand apart (申请单位	福州	恒信工程咨询有限责任公司).
func nameAfterLabel(lines []string) string {
	for i, l := range lines {
		end := findLabel(l, nameLabels)
		if end < 0 {
			continue
		}
		rest := strings.TrimLeft(l[end:], " \t:;,.、|_-—")
		if cut := cutAtLabel(rest); cut >= 0 {
			rest = rest[:cut]
		}
		v := strings.Trim(strings.ReplaceAll(rest, "\t", ""), " :;,.、|_-—")
		if v == "" && i+1 < len(lines) && findLabel(lines[i+1], stopLabels) < 0 {
			v = cutValue(lines[i+1])
		}
		if isNameValue(v) && !strings.ContainsAny(v, "，。,;；:：") && (hasOrgSuffix(v) || !genericNameLabel(l[:end])) {
			return v
		}
	}
	return ""
}

// genericNameLabel: the label found ends with 申请单位 or 建设单位, which
// also start sentences (建设单位应当……) and signature lines (建设单位（盖章）):
// its value must end like an organisation's name.
func genericNameLabel(upToLabel string) bool {
	return strings.HasSuffix(upToLabel, "申请单位") || strings.HasSuffix(upToLabel, "建设单位")
}

// orgSuffixes end the names of organisations.
var orgSuffixes = []string{"公司", "厂", "中心", "院", "所", "局", "社", "店", "部", "会", "行", "集团", "处", "站", "馆", "校", "学", "委员会", "(有限合伙)", "（有限合伙）", "(普通合伙)", "（普通合伙）", "企业"}

func hasOrgSuffix(v string) bool {
	for _, s := range orgSuffixes {
		if strings.HasSuffix(v, s) {
			return true
		}
	}
	return false
}

// pureName: Chinese characters and brackets only.
func pureName(s string) bool {
	for _, r := range s {
		if !isCJK(r) && !strings.ContainsRune("()（）", r) {
			return false
		}
	}
	return true
}

// isNameValue accepts an enterprise name: at least four characters, mostly
// Chinese, and more than a company form alone (the arc text of a seal, cut
// up by text extraction, leaves "有限公司" on a line of its own).
func isNameValue(v string) bool {
	n, han := 0, 0
	for _, r := range v {
		n++
		if isCJK(r) {
			han++
		}
	}
	if n < 4 || han*2 < n {
		return false
	}
	for _, suf := range enterpriseSuffixes {
		if body, ok := strings.CutSuffix(v, suf); ok && utf8.RuneCountInString(strings.TrimSpace(body)) < 2 {
			return false
		}
	}
	return true
}

// notNameWords are parts of labels and signature lines, never of a
// person's name: "法定代表人或委托代理人：" (OCR reading 或 as 中) must not give
// 中委托代理人 as the legal representative.
var notNameWords = []string{"委托", "代理", "代表", "签字", "签名", "签章", "盖章", "姓名", "日期"}

// isPersonValue accepts a person's name (two to six Chinese characters,
// with a middle dot for some minority names) or, for a partnership's
// 执行事务合伙人, an enterprise name.
func isPersonValue(v string) bool {
	if containsAny(v, notNameWords) {
		return false
	}
	n := 0
	for _, r := range v {
		n++
		if !isCJK(r) && r != '·' && r != '•' {
			return false
		}
	}
	return n >= 2 && n <= 6 || isNameValue(v) && hasEnterpriseSuffix(v)
}

// enterpriseSuffixes end the names of enterprises (not of authorities).
var enterpriseSuffixes = []string{"有限责任公司", "股份有限公司", "有限公司", "公司", "(有限合伙)", "(普通合伙)", "（有限合伙）", "（普通合伙）", "合伙企业", "合作社", "厂", "事务所"}

func hasEnterpriseSuffix(v string) bool {
	for _, s := range enterpriseSuffixes {
		if strings.HasSuffix(v, s) {
			return true
		}
	}
	return false
}

// enterpriseNameFallback finds an enterprise name with no label: the first
// run of Chinese ending with a company suffix (有限公司, 合作社, …), after
// any label and separator in its line.
func enterpriseNameFallback(lines []string) string {
	// A name standing alone in its cell (a signature block, a table) is
	// surer than one inside a sentence (请XX有限公司于……).
	for _, l := range lines {
		for _, cell := range strings.Split(l, "\t") {
			if isNameValue(cell) && hasEnterpriseSuffix(cell) && findLabel(cell, stopLabels) < 0 && pureName(cell) {
				return cell
			}
		}
	}
	for _, l := range lines {
		for _, suf := range []string{"有限责任公司", "股份有限公司", "有限公司", "合伙企业", "合作社"} {
			i := strings.Index(l, suf)
			if i < 0 {
				continue
			}
			head := l[:i]
			// Start after the last non-name character.
			start := strings.LastIndexFunc(head, func(r rune) bool {
				return !isCJK(r) && r != '(' && r != ')' && r != '（' && r != '）'
			})
			if start >= 0 {
				_, n := utf8.DecodeRuneInString(head[start:])
				start += n
			} else {
				start = 0
			}
			v := l[start : i+len(suf)]
			if end := findLabel(v, stopLabels); end >= 0 && end < len(v) {
				v = v[end:]
			}
			v = trimSentenceLead(v)
			if isNameValue(v) {
				return v
			}
		}
	}
	return ""
}

// sentenceLeads are the words before a name inside a sentence
// (请厦门某某有限公司于……, 经某某公司申请): never the start of one.
var sentenceLeads = []string{"兹委托", "兹有", "同意", "批准", "请", "由", "与", "经", "向", "对", "致", "及", "据"}

// trimSentenceLead drops the words before a name found in a sentence.
func trimSentenceLead(v string) string {
	for again := true; again; {
		again = false
		for _, w := range sentenceLeads {
			if rest, ok := strings.CutPrefix(v, w); ok && isNameValue(rest) {
				v, again = rest, true
			}
		}
	}
	return v
}

// uscc fixes: letters OCR reads for digits where the code must have digits
// (positions 3–8), and the letters the code never uses (I, O, Z, S, V) for
// their look-alikes anywhere. Lower case is upper-cased first.
var (
	usccDigitFix = map[byte]byte{'O': '0', 'D': '0', 'Q': '0', 'I': '1', 'L': '1', 'Z': '2', 'S': '5', 'B': '8', 'G': '6'}
	usccAnyFix   = map[byte]byte{'O': '0', 'I': '1', 'Z': '2', 'S': '5', 'V': 'U'}
)

// fixUSCC applies the look-alike fixes to an 18-character candidate.
func fixUSCC(c string) string {
	b := []byte(strings.ToUpper(c))
	for i := range b {
		if i >= 2 && i <= 7 {
			if f, ok := usccDigitFix[b[i]]; ok {
				b[i] = f
			}
		}
		if f, ok := usccAnyFix[b[i]]; ok {
			b[i] = f
		}
	}
	return string(b)
}

// findUSCC reads the credit code after its label (on the same line or the
// next), else any 18-character token shaped like one (positions 3–8
// digits), preferring one whose check character is right.
func findUSCC(lines []string) string {
	for i, l := range lines {
		end := findLabel(l, usccLabels)
		if end < 0 {
			continue
		}
		rest := l[end:]
		for k := i + 1; k < len(lines) && k <= i+2; k++ {
			rest += "\n" + lines[k]
		}
		if c := usccAfterLabel(rest); c != "" {
			return c
		}
	}
	var shaped string
	for _, l := range lines {
		for _, tok := range usccTokenRE.FindAllString(l, -1) {
			c := fixUSCC(tok)
			if !usccShaped(c) {
				continue
			}
			if ident.ValidateUSCC(c) == nil {
				return c
			}
			if shaped == "" {
				shaped = c
			}
		}
	}
	return shaped
}

var usccTokenRE = regexp.MustCompile(`\b[0-9A-Za-z]{18}\b`)

// usccAfterLabel finds the code in the text after its label: a run of
// letters and digits, or adjacent runs that OCR split, making 18
// characters shaped like a code; one whose check character is right wins
// over the first shaped one (a stray "He" read from the emblem must not
// shift the code).
func usccAfterLabel(s string) string {
	toks := alnumRE.FindAllString(s, -1)
	var shaped string
	for i := range toks {
		c := ""
		for j := i; j < len(toks) && len(c) < ident.USCCLen; j++ {
			c += toks[j]
			if len(c) != ident.USCCLen {
				continue
			}
			c = fixUSCC(c)
			if !usccShaped(c) {
				break
			}
			if ident.ValidateUSCC(c) == nil {
				return c
			}
			if shaped == "" {
				shaped = c
			}
		}
	}
	return shaped
}

var alnumRE = regexp.MustCompile(`[0-9A-Za-z]+`)

// usccShaped: 18 characters of the code's alphabet with the division
// digits in place; the check character may still be wrong.
func usccShaped(c string) bool {
	if len(c) != ident.USCCLen {
		return false
	}
	for i := 0; i < len(c); i++ {
		ch := c[i]
		if !(ch >= '0' && ch <= '9' || ch >= 'A' && ch <= 'Z') {
			return false
		}
		if i >= 2 && i <= 7 && (ch < '0' || ch > '9') {
			return false
		}
	}
	return true
}

// A date found in a text.
type foundDate struct {
	iso        string // YYYY-MM-DD
	start, end int    // byte offsets in the text searched
}

var (
	// 2015年03月12日, 2015-03-12, 2015.3.12, 2015/03/12, with the spaces
	// OCR leaves.
	dateRE = regexp.MustCompile(`((?:19|20|21)\d{2})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?`)
	// 二〇二〇年五月二十日
	hanDateRE = regexp.MustCompile(`([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日`)
	// O or l for 0 or 1 between digits.
	digitFixRE = regexp.MustCompile(`(\d)[OoDQ](\d)|(\d)[lI|](\d)`)
)

// findDates returns the valid dates in s in order.
func findDates(s string) []foundDate {
	s = fixDigits(s)
	var out []foundDate
	for _, m := range dateRE.FindAllStringSubmatchIndex(s, -1) {
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		if iso, ok := isoDate(y, mo, d); ok {
			out = append(out, foundDate{iso, m[0], m[1]})
		}
	}
	for _, m := range hanDateRE.FindAllStringSubmatchIndex(s, -1) {
		y := hanDigits(s[m[2]:m[3]])
		mo := hanNumber(s[m[4]:m[5]])
		d := hanNumber(s[m[6]:m[7]])
		if iso, ok := isoDate(y, mo, d); ok {
			out = append(out, foundDate{iso, m[0], m[1]})
		}
	}
	// Keep text order when both kinds appear.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].start < out[j-1].start; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// fixDigits replaces letters OCR reads for 0 and 1 between digits; the
// replacement keeps byte offsets (one ASCII byte for one).
func fixDigits(s string) string {
	for range 2 { // overlapping matches: 2O1O
		s = digitFixRE.ReplaceAllStringFunc(s, func(m string) string {
			b := []byte(m)
			switch b[1] {
			case 'O', 'o', 'D', 'Q':
				b[1] = '0'
			default:
				b[1] = '1'
			}
			return string(b)
		})
	}
	return s
}

func isoDate(y, m, d int) (string, bool) {
	if y < 1949 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31 {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "", false // 2月30日
	}
	return t.Format("2006-01-02"), true
}

// hanDigits reads 二〇二〇 digit by digit.
func hanDigits(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + hanDigit(r)
	}
	return n
}

func hanDigit(r rune) int {
	if r == '零' || r == '○' {
		return 0
	}
	i := strings.IndexRune("〇一二三四五六七八九", r)
	if i < 0 {
		return -100 // makes the date invalid
	}
	return i / 3 // each is 3 bytes
}

// hanNumber reads 五, 十, 十二, 二十, 二十一, 三十一.
func hanNumber(s string) int {
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return hanDigit(rs[0])
	case rs[0] == '十':
		return 10 + hanDigit(rs[1])
	case len(rs) == 2 && rs[1] == '十':
		return hanDigit(rs[0]) * 10
	case len(rs) == 3 && rs[1] == '十':
		return hanDigit(rs[0])*10 + hanDigit(rs[2])
	}
	return -1
}

// findValidity reads the validity period: after its label, "D1至D2",
// "D1至长期", "自D1起至D2止", "长期", or "有效期至D2"; with no label, the
// first "D1至D2" in the text.
func findValidity(lines []string, out map[string]string) {
	for i, l := range lines {
		end := findLabel(l, validityLabels)
		if end < 0 {
			continue
		}
		v := l[end:]
		if cut := cutAtLabel(v); cut >= 0 {
			v = v[:cut]
		}
		if strings.TrimSpace(strings.Trim(v, ":: ")) == "" && i+1 < len(lines) {
			v = lines[i+1]
		}
		if readPeriod(v, out) {
			return
		}
	}
	for _, l := range lines {
		if ds := findDates(l); len(ds) >= 2 && strings.Contains(l[ds[0].end:ds[1].start], "至") {
			readPeriod(l, out)
			return
		}
	}
}

// cutAtLabel returns where the next label starts in v (after its first
// character), or -1; validity values have no labels inside.
func cutAtLabel(v string) int {
	cut := -1
	for _, lb := range stopLabels {
		if i := strings.Index(v, lb); i > 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	return cut
}

// readPeriod fills valid_from, valid_until or valid_long_term from a
// period's text; it reports whether it found anything.
func readPeriod(v string, out map[string]string) bool {
	ds := findDates(v)
	long := strings.Contains(v, "长期") || strings.Contains(v, "永久") || strings.Contains(v, "不约定期限")
	switch {
	case len(ds) >= 2:
		out[FieldValidFrom], out[FieldValidUntil] = ds[0].iso, ds[1].iso
	case len(ds) == 1 && long:
		out[FieldValidFrom] = ds[0].iso
		out[FieldValidLongTerm] = "true"
	case len(ds) == 1:
		// 有效期至2025年12月31日, or 至 before the date: an end; a date
		// followed by 至 or 起 with nothing read after: a start.
		before, after := v[:ds[0].start], v[ds[0].end:]
		if strings.Contains(after, "至") || strings.Contains(after, "起") {
			out[FieldValidFrom] = ds[0].iso
		} else if strings.Contains(before, "至") || strings.TrimSpace(strings.Trim(before, ":: ")) == "" {
			out[FieldValidUntil] = ds[0].iso
		} else {
			return false
		}
	case long:
		out[FieldValidLongTerm] = "true"
	default:
		return false
	}
	return true
}

// findAmount returns the amount in capital numerals: the first one after
// an amount label (注册资本, 大写, 金额, …) within its line, else the
// first in the text.
func findAmount(lines []string) (value, text string) {
	var firstV, firstT string
	for _, l := range lines {
		spans, values := findCapitalAmounts(l)
		for k, sp := range spans {
			if firstV == "" {
				firstV, firstT = values[k], sp.text
			}
			head := l[:sp.start]
			for _, lb := range amountLabels {
				if i := strings.LastIndex(head, lb); i >= 0 && utf8.RuneCountInString(head[i:]) <= 16 {
					return values[k], sp.text
				}
			}
		}
	}
	return firstV, firstT
}
