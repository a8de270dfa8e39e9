package ident

import (
	"strings"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

// wantInvalid fails unless err is apperr.Invalid with key and with both
// messages containing the given fragments.
func wantInvalid(t *testing.T, err error, key, zhPart, enPart string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want invalid %q", key)
	}
	ae := apperr.As(err)
	if ae.Code != apperr.Invalid {
		t.Fatalf("got code %q, want %q (err %v)", ae.Code, apperr.Invalid, err)
	}
	if ae.Key != key {
		t.Errorf("got key %q, want %q (err %v)", ae.Key, key, err)
	}
	if ae.ZH == "" || ae.EN == "" {
		t.Errorf("message missing a language: zh %q en %q", ae.ZH, ae.EN)
	}
	if !strings.Contains(ae.ZH, zhPart) {
		t.Errorf("got zh %q, want it to contain %q", ae.ZH, zhPart)
	}
	if !strings.Contains(ae.EN, enPart) {
		t.Errorf("got en %q, want it to contain %q", ae.EN, enPart)
	}
}

// Real codes. Each passes the checksum independently of this package's
// author recalling it (a random string passes with probability 1/31), and
// each is published in the National Enterprise Credit Information
// Publicity System.
var realUSCCs = []struct{ code, holder string }{
	{"91110000802100433B", "百度在线网络技术（北京）有限公司"},
	{"914403001922038216", "华为技术有限公司"},
	{"9144030071526726XG", "腾讯科技（深圳）有限公司"},
	{"91330100799655058B", "阿里巴巴（中国）有限公司"},
	{"911000001000013428", "中国银行股份有限公司"},
	{"91100000100003962T", "中国工商银行股份有限公司"},
	{"91110000710926094P", "中国石油化工股份有限公司"},
}

func TestValidateUSCCReal(t *testing.T) {
	for _, c := range realUSCCs {
		if err := ValidateUSCC(c.code); err != nil {
			t.Errorf("ValidateUSCC(%q) (%s): got %v, want nil", c.code, c.holder, err)
		}
	}
}

func TestUSCCCheckChar(t *testing.T) {
	for _, c := range realUSCCs {
		got, err := USCCCheckChar(c.code[:17])
		if err != nil {
			t.Fatalf("USCCCheckChar(%q): %v", c.code[:17], err)
		}
		if want := c.code[17]; got != want {
			t.Errorf("USCCCheckChar(%q): got %q, want %q", c.code[:17], got, want)
		}
	}
	// A constructed Xiamen (Jimei) company code: generate, then validate.
	first := "91350211MA2Y0K3F0"
	cc, err := USCCCheckChar(first)
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateUSCC(first + string(cc)); err != nil {
		t.Errorf("generated code %s%c: got %v, want nil", first, cc, err)
	}
	// Sum ≡ 0 (mod 31) must give '0', not an out-of-range index.
	if got, _ := USCCCheckChar("00000000000000000"); got != '0' {
		t.Errorf("USCCCheckChar(zeros): got %q, want '0'", got)
	}
}

func TestUSCCCheckCharInvalid(t *testing.T) {
	tests := []struct{ in, key, zh, en string }{
		{"9111000080210043", "uscc.length", "实际为 16 位", "got 16"},
		{"91110000802100433B", "uscc.length", "实际为 18 位", "got 18"},
		{"91110000802I00433", "uscc.char", "第 12 位", `illegal character 'I' at position 12`},
	}
	for _, tt := range tests {
		_, err := USCCCheckChar(tt.in)
		wantInvalid(t, err, tt.key, tt.zh, tt.en)
	}
}

func TestValidateUSCCInvalid(t *testing.T) {
	tests := []struct {
		name, in, key, zh, en string
	}{
		{"empty", "", "uscc.required", "请填写", "required"},
		{"short", "9111000080210043", "uscc.length", "应为 18 位，实际为 16 位", "must be 18 characters, got 16"},
		{"long", "91110000802100433BB", "uscc.length", "实际为 19 位", "got 19"},
		{"letter I", "91110000802I00433B", "uscc.char", "第 12 位含有非法字符“I”，代码不使用字母 I、O、Z、S、V", "illegal character 'I' at position 12; the code never uses"},
		{"letter O", "9O110000802100433B", "uscc.char", "第 2 位", "position 2"},
		{"lower case", "91110000802100433b", "uscc.char", "字母须大写", "must be upper case"},
		{"space", "9111 000802100433B", "uscc.char", "第 5 位", "position 5"},
		{"NUL", "9111\x00000802100433B", "uscc.char", "U+0000", `'\x00' at position 5`},
		{"full-width digit", "9111０000802100433B", "uscc.char", "第 5 位含有非法字符“０”", "position 5"},
		{"letter in division", "91A10000802100433B", "uscc.division", "第 3 位为“A”", "position 3 is 'A'"},
		{"wrong check", "91110000802100433C", "uscc.check", "第 18 位应为“B”，实际为“C”", "expected 'B' got 'C'"},
		{"transposed digits", "91110000801200433B", "uscc.check", "校验位错误", "wrong check character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantInvalid(t, ValidateUSCC(tt.in), tt.key, tt.zh, tt.en)
		})
	}
}

func TestNormalizeUSCC(t *testing.T) {
	got := NormalizeUSCC("  91110000802100433b \t")
	if want := "91110000802100433B"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if err := ValidateUSCC(got); err != nil {
		t.Errorf("normalised code: %v", err)
	}
}

func TestValidateResidentID(t *testing.T) {
	// The examples printed in GB 11643-1999 itself.
	for _, id := range []string{"11010519491231002X", "440524188001010014"} {
		if err := ValidateResidentID(id); err != nil {
			t.Errorf("ValidateResidentID(%q): got %v, want nil", id, err)
		}
	}
	got, err := ResidentIDCheckDigit("11010519491231002")
	if err != nil || got != 'X' {
		t.Errorf("ResidentIDCheckDigit: got %q, %v; want 'X', nil", got, err)
	}
}

func TestValidateResidentIDInvalid(t *testing.T) {
	tests := []struct {
		name, in, key, zh, en string
	}{
		{"empty", "", "resident_id.required", "请填写", "required"},
		{"old 15-digit", "110105491231002", "resident_id.length", "15 位的旧号码", "old 15-digit"},
		{"short", "11010519491231002", "resident_id.length", "实际为 17 位", "got 17"},
		{"letter", "1101051949123100AX", "resident_id.char", "第 17 位", "position 17"},
		{"full-width", "１1010519491231002X", "resident_id.char", "第 1 位含有非法字符“１”", "position 1"},
		{"lower x", "11010519491231002x", "resident_id.char", "X 须大写", "must be upper case"},
		{"bad last", "11010519491231002Y", "resident_id.char", "第 18 位", "position 18"},
		{"month 13", "110105194913310028", "resident_id.birth", "“19491331”不是有效日期", `"19491331" are not a valid birth date`},
		{"Feb 30", "110105200002300020", "resident_id.birth", "不是有效日期", "not a valid birth date"},
		{"too old", "110105170001010010", "resident_id.birth", "不是有效日期", "not a valid birth date"},
		{"wrong check", "110105194912310021", "resident_id.check", "第 18 位应为“X”，实际为“1”", "expected 'X' got '1'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantInvalid(t, ValidateResidentID(tt.in), tt.key, tt.zh, tt.en)
		})
	}
}

func TestValidateResidentIDAt(t *testing.T) {
	today := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	mk := func(t *testing.T, first17 string) string {
		t.Helper()
		c, err := ResidentIDCheckDigit(first17)
		if err != nil {
			t.Fatal(err)
		}
		return first17 + string(c)
	}
	if err := ValidateResidentIDAt(mk(t, "35020320250601001"), today); err != nil {
		t.Errorf("born today: got %v, want nil", err)
	}
	wantInvalid(t, ValidateResidentIDAt(mk(t, "35020320250602001"), today), "resident_id.birth_future", "晚于今天", "in the future")
	wantInvalid(t, ValidateResidentIDAt("35020320250602001Y", today), "resident_id.char", "第 18 位", "position 18")
}

func TestNormalizeResidentID(t *testing.T) {
	if got, want := NormalizeResidentID(" 11010519491231002x "), "11010519491231002X"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestValidateProjectCode(t *testing.T) {
	for _, c := range []string{"2024-350211-47-03-012345", "2014-000000-01-01-000001", "2099-350203-48-02-999999"} {
		if err := ValidateProjectCode(c); err != nil {
			t.Errorf("ValidateProjectCode(%q): got %v, want nil", c, err)
		}
	}
}

func TestValidateProjectCodeInvalid(t *testing.T) {
	tests := []struct {
		name, in, key, zh, en string
	}{
		{"empty", "", "project_code.required", "请填写", "required"},
		{"no dashes", "202435021147030123450000", "project_code.char", "第 5 位应为短横线", "position 5 must be a dash"},
		{"short", "2024-350211-47-03-01234", "project_code.length", "实际为 23 位", "got 23"},
		{"letter", "2024-35021A-47-03-012345", "project_code.char", "第 11 位含有非法字符“A”", "'A' at position 11"},
		{"full-width dash", "2024－350211-47-03-012345", "project_code.char", "第 5 位应为短横线“-”，实际为“－”", "position 5 must be a dash"},
		{"dash misplaced", "2024-3502114-7-03-012345", "project_code.char", "第 12 位应为短横线", "position 12"},
		{"year too early", "2013-350211-47-03-012345", "project_code.year", "2013 不在 2014–2099", "year 2013"},
		{"type 04", "2024-350211-47-04-012345", "project_code.type", "“04”无效", `"04" at positions 16–17 is invalid`},
		{"type 00", "2024-350211-47-00-012345", "project_code.type", "01（审批）", "01 (approval)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantInvalid(t, ValidateProjectCode(tt.in), tt.key, tt.zh, tt.en)
		})
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"id", MaskResidentID, "11010519491231002X", "110105********002X"},
		{"id spaces", MaskResidentID, " 11010519491231002X ", "110105********002X"},
		{"id short", MaskResidentID, "1101051949", "**********"},
		{"id empty", MaskResidentID, "", ""},
		{"mobile", MaskPhone, "13812345678", "138****5678"},
		{"landline", MaskPhone, "0592-1234567", "059*****4567"},
		{"phone short", MaskPhone, "1234567", "*******"},
		{"phone CJK", MaskPhone, "电话13812345678", "电话1******5678"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
