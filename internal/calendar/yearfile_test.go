package calendar

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/apperr"
)

func TestParseYearFile(t *testing.T) {
	src := `# a comment
year: 2027
source: 国务院办公厅关于2027年部分节假日安排的通知
holidays:
  - {date: 2027-10-02, name: " 国庆节 "}
  - date: 2027-10-01
    name: 国庆节
  - {date: 2027-10-03, name: 国庆节}   # a Sunday: fine inside a festival run
workdays:
  - {date: 2027-09-26, name: 国庆节}
  - {date: 2027-10-09}
`
	got, err := ParseYearFile("2027.yaml", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := YearFile{Year: 2027, Source: "国务院办公厅关于2027年部分节假日安排的通知",
		Holidays: []Entry{{NewDate(2027, 10, 1), "国庆节"}, {NewDate(2027, 10, 2), "国庆节"}, {NewDate(2027, 10, 3), "国庆节"}},
		Workdays: []Entry{{NewDate(2027, 9, 26), "国庆节"}, {NewDate(2027, 10, 9), ""}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseYearFile (-want +got):\n%s", diff)
	}
}

func TestParseYearFileJSON(t *testing.T) {
	// The admin API's JSON, as exported, imports unchanged.
	src := `{"year": 2027, "holidays": [{"date": "2027-01-01", "name": "元旦"}], "workdays": []}`
	got, err := ParseYearFile("2027.json", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if got.Year != 2027 || len(got.Holidays) != 1 || got.Holidays[0].Date != NewDate(2027, 1, 1) {
		t.Errorf("got %+v", got)
	}
}

// TestParseYearFileErrors feeds every kind of wrong file and checks the
// code, the key, that both messages name the file and the entry, and the
// field error.
func TestParseYearFileErrors(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		key    string
		zh, en string // substrings of the messages
		field  string // a field that must carry an error; "" for none
	}{
		{"empty", "", "calendar.empty", "文件 bad.yaml 为空", "file bad.yaml is empty", ""},
		{"only comments", "# nothing\n", "calendar.empty", "为空", "is empty", ""},
		{"null document", "~\n", "calendar.empty", "为空", "is empty", ""},
		{"not yaml", "year: [2025\n", "calendar.syntax", "格式有误", "cannot be read", ""},
		{"a list, not a map", "- 2025-01-01\n", "calendar.syntax", "格式有误", "cannot be read", ""},
		{"unknown key", "year: 2025\nholiday:\n  - {date: 2025-01-01, name: 元旦}\n", "calendar.unknown_key", "第 2 行：未知的项 \"holiday\"", "line 2: unknown key \"holiday\"", ""},
		{"unknown entry key", "year: 2025\nholidays:\n  - {day: 2025-01-01, name: 元旦}\n", "calendar.unknown_key", "第 3 行：未知的项 \"day\"", "line 3: unknown key \"day\"", ""},
		{"year is text", "year: twenty\nholidays: [{date: 2025-01-01, name: 元旦}]\n", "calendar.syntax", "格式有误：line 1", "cannot be read: line 1", ""},
		{"holidays not a list", "year: 2025\nholidays: 元旦\n", "calendar.syntax", "line 2", "line 2", ""},
		{"two documents", "year: 2025\n---\nyear: 2026\n", "calendar.documents", "只能包含一个", "single YAML document", ""},
		{"year missing", "holidays: [{date: 2025-01-01, name: 元旦}]\n", "calendar.year_missing", "缺少年份", "year is missing", "year"},
		{"year too early", "year: 1999\nholidays: [{date: 1999-01-01, name: 元旦}]\n", "calendar.year_range", "年份 1999 不在 2000–2100 之间", "year 1999 is outside 2000–2100", "year"},
		{"year too late", "year: 2101\nholidays: [{date: 2101-01-01, name: 元旦}]\n", "calendar.year_range", "2101", "2101", "year"},
		{"no holidays", "year: 2025\nworkdays: [{date: 2025-01-26, name: 春节}]\n", "calendar.no_holidays", "未列出任何节假日", "no holidays", "holidays"},
		{"empty lists", "year: 2025\nholidays: []\nworkdays: []\n", "calendar.no_holidays", "未列出任何节假日", "no holidays", "holidays"},
		{"impossible date", "year: 2025\nholidays:\n  - {date: 2025-01-01, name: 元旦}\n  - {date: 2025-02-30, name: 春节}\n",
			"calendar.date_invalid", "holidays 第 2 项（第 4 行）：日期 \"2025-02-30\" 无效", "holidays entry 2 (line 4): date \"2025-02-30\" is not a real date", "holidays[1].date"},
		{"date not YYYY-MM-DD", "year: 2025\nholidays: [{date: 2025/1/1, name: 元旦}]\n", "calendar.date_invalid", "2025/1/1", "2025/1/1", "holidays[0].date"},
		{"date missing", "year: 2025\nholidays: [{name: 元旦}]\n", "calendar.date_missing", "缺少日期", "date is missing", "holidays[0].date"},
		{"date outside the year", "year: 2025\nholidays:\n  - {date: 2024-12-31, name: 元旦}\n", "calendar.date_year",
			"日期 2024-12-31 不在 2025 年内", "date 2024-12-31 is not in 2025", "holidays[0].date"},
		{"holiday listed twice", "year: 2025\nholidays:\n  - {date: 2025-01-01, name: 元旦}\n  - {date: 2025-01-01, name: 元旦}\n",
			"calendar.duplicate", "日期 2025-01-01 重复列出（与 holidays 第 1 项相同）", "date 2025-01-01 is listed twice (also holidays entry 1)", "holidays[1].date"},
		{"workday listed twice", "year: 2025\nholidays: [{date: 2025-01-01, name: 元旦}]\nworkdays:\n  - {date: 2025-01-26, name: 春节}\n  - {date: 2025-01-26, name: 春节}\n",
			"calendar.duplicate", "workdays 第 2 项", "workdays entry 2", "workdays[1].date"},
		{"holiday and workday", "year: 2025\nholidays: [{date: 2025-01-26, name: 春节}]\nworkdays: [{date: 2025-01-26, name: 春节}]\n",
			"calendar.both", "既是节假日又是调休上班日", "both a holiday and a make-up working day", "workdays[0].date"},
		{"workday on a weekday", "year: 2025\nholidays: [{date: 2025-01-01, name: 元旦}]\nworkdays: [{date: 2025-01-27, name: 春节}]\n",
			"calendar.workday_weekday", "调休上班日 2025-01-27 是周一", "make-up working day 2025-01-27 is a Monday", "workdays[0].date"},
		{"holiday without a name", "year: 2025\nholidays: [{date: 2025-01-01}]\n", "calendar.name_missing", "须写明节日名称", "needs its festival name", "holidays[0].name"},
		{"blank name", "year: 2025\nholidays: [{date: 2025-01-01, name: \"  \"}]\n", "calendar.name_missing", "节日名称", "festival name", "holidays[0].name"},
		{"name too long", "year: 2025\nholidays: [{date: 2025-01-01, name: " + strings.Repeat("节", 33) + "}]\n", "calendar.name_long", "名称超过 32 个字", "longer than 32", "holidays[0].name"},
		{"control character", "year: 2025\nholidays: [{date: 2025-01-01, name: \"元\\u0007旦\"}]\n", "calendar.name_invalid", "无效字符", "invalid characters", "holidays[0].name"},
		{"too many holidays", "year: 2025\nholidays:\n" + manyDays(2025, 61), "calendar.too_many", "超过上限 60", "at most 60", "holidays"},
		{"too many workdays", "year: 2025\nholidays: [{date: 2025-01-01, name: 元旦}]\nworkdays:\n" + manyWeekends(2025, 21), "calendar.too_many", "超过上限 20", "at most 20", "workdays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseYearFile("bad.yaml", strings.NewReader(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			ae := apperr.As(err)
			if ae.Code != apperr.Invalid || ae.Key != tt.key {
				t.Errorf("code %s key %s, want invalid %s (%v)", ae.Code, ae.Key, tt.key, err)
			}
			if !strings.Contains(ae.ZH, "bad.yaml") || !strings.Contains(ae.EN, "bad.yaml") {
				t.Errorf("messages do not name the file: %q / %q", ae.ZH, ae.EN)
			}
			if !strings.Contains(ae.ZH, tt.zh) || !strings.Contains(ae.EN, tt.en) {
				t.Errorf("messages\n  %q\n  %q\nwant to contain\n  %q\n  %q", ae.ZH, ae.EN, tt.zh, tt.en)
			}
			if tt.field != "" {
				if _, ok := ae.Fields[tt.field]; !ok {
					t.Errorf("no field error %q in %v", tt.field, ae.Fields)
				}
			}
		})
	}
}

// manyDays lists n consecutive dates from January 1 as holidays.
func manyDays(y, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("  - {date: " + NewDate(y, 1, 1+i).String() + ", name: 春节}\n")
	}
	return b.String()
}

// manyWeekends lists the first n Saturdays and Sundays of year y.
func manyWeekends(y, n int) string {
	var b strings.Builder
	for d := NewDate(y, 1, 1); n > 0; d = d.AddDays(1) {
		if wd := d.Weekday(); wd == 0 || wd == 6 {
			b.WriteString("  - {date: " + d.String() + ", name: 春节}\n")
			n--
		}
	}
	return b.String()
}

func TestParseYearFileListsEveryProblem(t *testing.T) {
	src := "year: 2025\nholidays:\n  - {date: 2025-02-30, name: 春节}\n  - {date: 2026-01-01, name: 元旦}\nworkdays:\n  - {date: 2025-01-27}\n"
	_, err := ParseYearFile("bad.yaml", strings.NewReader(src))
	ae := apperr.As(err)
	for _, f := range []string{"holidays[0].date", "holidays[1].date", "workdays[0].date"} {
		if _, ok := ae.Fields[f]; !ok {
			t.Errorf("missing field error %s: %v", f, ae.Fields)
		}
	}
	if !strings.Contains(ae.ZH, "共 3 处问题") || !strings.Contains(ae.EN, "3 problems in all") {
		t.Errorf("messages do not count the problems: %q / %q", ae.ZH, ae.EN)
	}
}

func TestParseYearFileTooLarge(t *testing.T) {
	src := "year: 2025\n# " + strings.Repeat("x", maxFileBytes) + "\n"
	_, err := ParseYearFile("big.yaml", strings.NewReader(src))
	if ae := apperr.As(err); ae.Code != apperr.TooLarge || !strings.Contains(ae.EN, "big.yaml") {
		t.Errorf("got %v, want too_large naming the file", err)
	}
}

// TestValidateNamesTheYear covers the API path (WithYear on a JSON body):
// messages name the year instead of a file.
func TestValidateNamesTheYear(t *testing.T) {
	yf := YearFile{Year: 2027, Holidays: []Entry{{NewDate(2027, 1, 1), "元旦"}}, Workdays: []Entry{{NewDate(2027, 1, 4), ""}}}
	err := yf.Validate()
	ae := apperr.As(err)
	if ae.Key != "calendar.workday_weekday" || !strings.HasPrefix(ae.ZH, "2027 年节假日安排：workdays 第 1 项") || !strings.HasPrefix(ae.EN, "calendar year 2027: workdays entry 1") {
		t.Errorf("got %q / %q (%s)", ae.ZH, ae.EN, ae.Key)
	}
}

func TestBundledFilesRoundTrip(t *testing.T) {
	c := Default()
	for _, y := range c.Years() {
		yf, _ := c.Export(y)
		if err := yf.Validate(); err != nil {
			t.Errorf("%d: exported year does not validate: %v", y, err)
		}
		if yf.Source == "" {
			t.Errorf("%d: no source notice", y)
		}
	}
}
