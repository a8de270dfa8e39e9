package prereview

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFieldFindings(t *testing.T) {
	today := time.Date(2026, 6, 1, 10, 0, 0, 0, beijing)
	app := Application{EnterpriseName: "厦门海沧建设发展有限公司", USCC: testUSCC, Today: today}
	good := map[string]string{
		FieldUSCC: testUSCC, FieldName: "厦门海沧建设发展有限公司",
		FieldValidFrom: "2015-03-12", FieldValidUntil: "2035-03-11",
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for kk, vv := range good {
			m[kk] = vv
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	type want struct {
		Code string
		Sev  Severity
	}
	for _, tc := range []struct {
		name   string
		fields map[string]string
		app    Application
		want   []want
	}{
		{"all agree", good, app, nil},
		{"wrong check character", with(FieldUSCC, "91350200MA2Y3K7Q55"), app, []want{{CodeUSCCInvalid, Error}}},
		{"wrong check character, no application", with(FieldUSCC, "91350200MA2Y3K7Q55"), Application{Today: today}, []want{{CodeUSCCInvalid, Error}}},
		{"valid code of another enterprise", with(FieldUSCC, mustUSCC(t, "91110108MA01ABCD2")), app, []want{{CodeUSCCMismatch, Error}}},
		{"code typed in lower case in the application", good, Application{EnterpriseName: app.EnterpriseName, USCC: " 91350200ma2y3k7q54 ", Today: today}, nil},
		{"another name", with(FieldName, "厦门海沧城建集团有限公司"), app, []want{{CodeNameMismatch, Error}}},
		{"one character off: a misread", with(FieldName, "厦门海沧建设发屐有限公司"), app, []want{{CodeTextUnclear, Warning}}},
		{"two characters off: another enterprise", with(FieldName, "福州海沧建设发展有限公司"), app, []want{{CodeNameMismatch, Error}}},
		{"code with 7 read as T", with(FieldUSCC, "91350200MA2Y3K"+"TQ54"), app, []want{{CodeTextUnclear, Warning}}},
		{"code one character off, not a look-alike", with(FieldUSCC, "91350200MA2Y3K"+"8Q54"), app, []want{{CodeUSCCInvalid, Error}}},
		{"brackets and spaces do not count", map[string]string{FieldName: "厦门海沧建设（集团） 有限公司"}, Application{EnterpriseName: "厦门海沧建设(集团)有限公司", Today: today}, nil},
		{"expired", with(FieldValidUntil, "2026-05-31"), app, []want{{CodeExpired, Error}}},
		{"valid through its last day", with(FieldValidUntil, "2026-06-01"), app, nil},
		{"long-term", with(FieldValidUntil, ""), app, nil},
		{"name not read: not compared", with(FieldName, ""), app, nil},
		{"no application: nothing to compare", good, Application{Today: today}, nil},
		{"everything wrong", map[string]string{FieldUSCC: mustUSCC(t, "91110108MA01ABCD2"), FieldName: "别的公司", FieldValidUntil: "2020-01-01"}, app,
			[]want{{CodeUSCCMismatch, Error}, {CodeNameMismatch, Error}, {CodeExpired, Error}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := FieldFindings(tc.fields, tc.app, 3)
			var got []want
			for _, f := range fs {
				got = append(got, want{f.Code, f.Severity})
				if f.Page != 3 || f.Message == "" || f.MessageE == "" || f.Region != nil {
					t.Errorf("finding %+v: want page 3, both messages, no region", f)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("FieldFindings (-want +got):\n%s", diff)
			}
		})
	}
}

// An invalid code is not also reported as a mismatch: it may be a misread
// of the right one.
func TestFieldFindingsInvalidNotMismatch(t *testing.T) {
	fs := FieldFindings(map[string]string{FieldUSCC: "91350200MA2Y3K7Q55"}, Application{USCC: testUSCC, Today: time.Now()}, 1)
	if len(fs) != 1 || fs[0].Code != CodeUSCCInvalid {
		t.Fatalf("got %+v, want one uscc_invalid", fs)
	}
	// One character from the declared code: the message says it may be a
	// poor scan.
	if !strings.Contains(fs[0].Message, "仅差一位") || !strings.Contains(fs[0].Message, "第 18 位应为“4”") {
		t.Errorf("message %q: want the one-character hint and the expected check character", fs[0].Message)
	}
}

func TestExpiredUsesBeijingDate(t *testing.T) {
	// 2026-06-01 20:00 UTC is already 2 June in Beijing.
	now := time.Date(2026, 6, 1, 20, 0, 0, 0, time.UTC)
	fs := FieldFindings(map[string]string{FieldValidUntil: "2026-06-01"}, Application{Today: now}, 1)
	if len(fs) != 1 || fs[0].Code != CodeExpired {
		t.Fatalf("got %+v, want expired", fs)
	}
}

func TestFieldFindingsAtRegions(t *testing.T) {
	lines := []OCRLine{
		{Box: Box{100, 100, 900, 130}, Words: []OCRWord{
			{Text: "统一", Box: Box{100, 100, 140, 130}}, {Text: "社会信用代码", Box: Box{145, 100, 300, 130}},
		}},
		{Box: Box{100, 140, 500, 170}, Words: []OCRWord{{Text: "91350200MA2Y3K7Q55", Box: Box{100, 140, 500, 170}}}},
		{Box: Box{100, 200, 1500, 230}, Words: []OCRWord{
			{Text: "名", Box: Box{100, 200, 130, 230}}, {Text: "称", Box: Box{200, 200, 230, 230}},
			{Text: "别的", Box: Box{300, 200, 360, 230}}, {Text: "公司", Box: Box{362, 200, 420, 230}},
			{Text: "营业", Box: Box{900, 200, 960, 230}}, {Text: "期限", Box: Box{962, 200, 1020, 230}},
			{Text: "2015年03月12日至2020年03月11日", Box: Box{1100, 200, 1500, 230}},
		}},
	}
	var text []string
	for i := range lines {
		lines[i].Text = lineText(lines[i].Words)
		text = append(text, lines[i].Text)
	}
	fields := ExtractFields(strings.Join(text, "\n"))
	want := map[string]string{FieldUSCC: "91350200MA2Y3K7Q55", FieldName: "别的公司", FieldValidFrom: "2015-03-12", FieldValidUntil: "2020-03-11"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Fatalf("ExtractFields (-want +got):\n%s", diff)
	}
	regions := FieldRegions(lines, fields)
	wantRegions := map[string]Box{
		FieldUSCC:       {100, 140, 500, 170},
		FieldName:       {300, 200, 420, 230},
		FieldValidFrom:  {900, 200, 1500, 230},
		FieldValidUntil: {900, 200, 1500, 230},
	}
	if diff := cmp.Diff(wantRegions, regions); diff != "" {
		t.Fatalf("FieldRegions (-want +got):\n%s", diff)
	}
	fs := FieldFindingsAt(fields, Application{EnterpriseName: "厦门海沧建设发展有限公司", Today: time.Date(2026, 6, 1, 0, 0, 0, 0, beijing)}, 1, regions)
	got := map[string]Box{}
	for _, f := range fs {
		if f.Region == nil {
			t.Fatalf("%s has no region", f.Code)
		}
		got[f.Code] = *f.Region
	}
	if diff := cmp.Diff(map[string]Box{CodeUSCCInvalid: wantRegions[FieldUSCC], CodeNameMismatch: wantRegions[FieldName], CodeExpired: wantRegions[FieldValidUntil]}, got); diff != "" {
		t.Errorf("finding regions (-want +got):\n%s", diff)
	}
}

// A contract names two parties: the other party's name or code on a page
// is no mismatch when the document names the applicant too; a document
// that never names the applicant is flagged; an invalid code always is.
func TestDocumentFieldFindings(t *testing.T) {
	const other, otherCode = "杭州天成装饰工程集团有限公司", "91330100MA2ABCDE0X"
	oc := mustUSCC(t, otherCode[:17])
	app := Application{EnterpriseName: "厦门海沧建设发展有限公司", USCC: testUSCC, Today: time.Now()}
	page := func(n int, text string) PageText { return PageText{Page: n, Text: text, Fields: ExtractFields(text)} }
	contract := []PageText{
		page(1, "建设工程施工合同\n发包人（甲方）：厦门海沧建设发展有限公司\n统一社会信用代码："+testUSCC),
		page(2, "承包人（乙方）：\t"+other+"\n统一社会信用代码："+oc),
	}
	codes := func(fs []Finding) (out []string) {
		for _, f := range fs {
			out = append(out, f.Code)
		}
		return out
	}
	if fs := DocumentFieldFindings(contract, app); len(fs) != 0 {
		t.Errorf("two-party contract naming the applicant: %v", codes(fs))
	}
	if got := DocumentFields(contract, app); got[FieldName] != app.EnterpriseName || got[FieldUSCC] != testUSCC {
		t.Errorf("document fields %v: want the applicant's name and code", got)
	}
	alone := []PageText{page(1, "承包人（乙方）：\t"+other+"\n统一社会信用代码："+oc)}
	if fs := codes(DocumentFieldFindings(alone, app)); !slices.Contains(fs, CodeNameMismatch) || !slices.Contains(fs, CodeUSCCMismatch) {
		t.Errorf("a document of another enterprise: %v, want name_mismatch and uscc_mismatch", fs)
	}
	bad := append(slices.Clone(contract), page(3, "统一社会信用代码："+testUSCC[:17]+"5"))
	if fs := codes(DocumentFieldFindings(bad, app)); !slices.Contains(fs, CodeUSCCInvalid) {
		t.Errorf("an invalid code on a page of a document naming the applicant: %v, want uscc_invalid", fs)
	}
}
