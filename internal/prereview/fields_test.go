package prereview

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/ident"
)

const testUSCC = "91350200MA2Y3K7Q54" // valid: check character 4

func TestExtractFields(t *testing.T) {
	if err := ident.ValidateUSCC(testUSCC); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		text string
		want map[string]string
	}{
		{
			name: "licence as pdftotext -layout prints it",
			text: `统一社会信用代码
91350200MA2Y3K7Q54                      营 业 执 照
                                          （副　本）

名　　称   厦门海沧建设发展有限公司              注册资本   人民币壹佰贰拾万元整
类　　型   有限责任公司（自然人投资或控股）      成立日期   2015年03月12日
法定代表人 陈明华                                营业期限   2015年03月12日至2035年03月11日
经营范围   房屋建筑工程施工。                    住　　所   厦门市海沧区海沧大道 567 号`,
			want: map[string]string{
				FieldUSCC: testUSCC, FieldName: "厦门海沧建设发展有限公司", FieldLegalRep: "陈明华",
				FieldValidFrom: "2015-03-12", FieldValidUntil: "2035-03-11", FieldEstablished: "2015-03-12",
				FieldAmount: "1200000", FieldAmountText: "壹佰贰拾万元整",
			},
		},
		{
			name: "a seal's arc text cut up by pdftotext is no name; the signature block's is",
			text: "建设工程规划许可申请书\n特此申请。\n\n城建 开发\n有 限公司\n\n厦门翔安\n\n申请单位（盖章）：\n\n厦门翔安城建开发有限公司\n法定代表人（签字）：\n2024年3月2日",
			want: map[string]string{FieldName: "厦门翔安城建开发有限公司"},
		},
		{
			name: "a name inside a sentence, without its label",
			text: "工程竣工后，建设单位应当依法组织竣工验收。请厦门鹭岛智造科技有限公司于收到本文件之日起三十日内，到我局办理有关手续。",
			want: map[string]string{FieldName: "厦门鹭岛智造科技有限公司"},
		},
		{
			name: "a contract's signature block: the label's 或 read as 中 is no legal representative",
			text: "甲方（盖章）：南昌恒信勘察设计有限责任公司\n法定代表人中委托代理人：\n签订日期：2026年05月12日\n" +
				"法定代表人或委托代理人：\n法定代表人 （签字）",
			want: map[string]string{FieldName: "南昌恒信勘察设计有限责任公司"},
		},
		{
			name: "licence as Tesseract reads it: columns merged, spaces between characters, O for 0",
			text: "统 一 社 会 信 用 代 码\nHe\n913502OOMA2Y3K7Q54 = \\| lV\n名\t称\t厦 门 海 沧 建 设 发 展 有 限 公 司\t注册资本\t人 民 币 壹 佰 贰 拾 万 元 整\n" +
				"法定代表人\t陈 明 华\t营业期限\t2015 年 03 月 12 日 至 2035 年 03 月 11 日",
			want: map[string]string{
				FieldUSCC: testUSCC, FieldName: "厦门海沧建设发展有限公司", FieldLegalRep: "陈明华",
				FieldValidFrom: "2015-03-12", FieldValidUntil: "2035-03-11",
				FieldAmount: "1200000", FieldAmountText: "壹佰贰拾万元整",
			},
		},
		{
			name: "labels and values read as separate blocks",
			text: "统一社会信用代码\n91350200MA2Y3K7Q54\n\n厦门海沧建设发展有限公司\n法定代表人陈明华\n\n成立日期\n营业期限\n\n人民币壹佰贰拾万元整\n2015年03月12日\n2015年03月12日至2035年03月11日",
			want: map[string]string{
				FieldUSCC: testUSCC, FieldName: "厦门海沧建设发展有限公司", FieldLegalRep: "陈明华",
				FieldValidFrom: "2015-03-12", FieldValidUntil: "2035-03-11",
				FieldAmount: "1200000", FieldAmountText: "壹佰贰拾万元整",
			},
		},
		{
			name: "long-term licence, full-width colon",
			text: "名称：福建闽南路桥工程有限公司\n统一社会信用代码：91350200MA2Y3K7Q54\n负责人：欧阳·买买提\n营业期限：2001年1月5日至长期",
			want: map[string]string{
				FieldUSCC: testUSCC, FieldName: "福建闽南路桥工程有限公司", FieldLegalRep: "欧阳·买买提",
				FieldValidFrom: "2001-01-05", FieldValidLongTerm: "true",
			},
		},
		{
			name: "certificate valid until a date, Chinese numeral dates",
			text: "资质证书\n企业名称：厦门海沧建设发展有限公司\n有效期至：二〇二五年十二月三十一日\n发证日期：二〇二〇年一月一日",
			want: map[string]string{FieldName: "厦门海沧建设发展有限公司", FieldValidUntil: "2025-12-31"},
		},
		{
			name: "dotted and dashed dates",
			text: "有效期限 2021.06.01-2026.05.31",
			want: map[string]string{FieldValidFrom: "2021-06-01", FieldValidUntil: "2026-05-31"},
		},
		{
			name: "contract: names of the project are not the enterprise's",
			text: "工程名称：海沧区东孚街道安置房二期项目\n项目名称：安置房\n发包人：厦门海沧建设发展有限公司\n合同价款（大写）：人民币叁拾肆万伍仟陆佰柒拾捌元玖角整\n（小写）：￥345,678.90元",
			want: map[string]string{FieldName: "厦门海沧建设发展有限公司", FieldAmount: "345678.90", FieldAmountText: "叁拾肆万伍仟陆佰柒拾捌元玖角整"},
		},
		{
			name: "application form: 申请单位 split by a gap, 建设单位 in sentences and signature lines",
			text: "建设单位应当严格按照批准的设计方案组织施工。\n申请单位\t福州\t恒信ABC工程咨询有限责任公司\n建设单位（盖章）",
			want: map[string]string{FieldName: "福州恒信ABC工程咨询有限责任公司"},
		},
		{
			name: "no label: a name alone in its cell wins over one in a sentence",
			text: "请长沙恒信投资有限公司于收到本文件之日起三十日内办理。\n申请单位（盖章）\n长沙恒信投资有限公司",
			want: map[string]string{FieldName: "长沙恒信投资有限公司"},
		},
		{
			name: "an invalid code is still reported as read",
			text: "统一社会信用代码 91350200MA2Y3K7Q55",
			want: map[string]string{FieldUSCC: "91350200MA2Y3K7Q55"},
		},
		{
			name: "an unlabelled code is found by its shape",
			text: "代码 x\n  91350200MA2Y3K7Q54  ",
			want: map[string]string{FieldUSCC: testUSCC},
		},
		{
			name: "nothing to find",
			text: "本合同一式八份，发包人、承包人各执四份。2026年13月45日",
			want: map[string]string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ExtractFields(tc.text)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ExtractFields mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFixUSCC(t *testing.T) {
	for in, want := range map[string]string{
		"91350200MA2Y3K7Q54": "91350200MA2Y3K7Q54",
		"9135O2OOMA2Y3K7Q54": "91350200MA2Y3K7Q54", // O for 0 in the division
		"913502OOmA2Y3K7Q54": "91350200MA2Y3K7Q54", // lower case
		"91350200MA2Y3K7QS4": "91350200MA2Y3K7Q54", // S is never used: 5
		"9135B200MA2Y3K7Q54": "91358200MA2Y3K7Q54", // B in the division: 8
	} {
		if got := fixUSCC(in); got != want {
			t.Errorf("fixUSCC(%q) = %q, want %q", in, got, want)
		}
	}
}

var isoRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func FuzzExtractFields(f *testing.F) {
	for _, s := range []string{
		"名称：厦门海沧建设发展有限公司\n统一社会信用代码：91350200MA2Y3K7Q54\n营业期限：2001年1月5日至长期",
		"名\t称\t厦门\t注册资本\t人民币壹佰贰拾万元整",
		"有效期至：二〇二五年十二月三十一日",
		"有效期限 2021.06.01-2026.05.31",
		"统一社会信用代码\n\n\n",
		"名称名称名称",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ExtractFields(s)
		for _, k := range []string{FieldValidFrom, FieldValidUntil, FieldEstablished} {
			if v, ok := got[k]; ok && !isoRE.MatchString(v) {
				t.Fatalf("%s = %q, not YYYY-MM-DD", k, v)
			}
		}
		if v, ok := got[FieldUSCC]; ok && !usccShaped(v) {
			t.Fatalf("uscc = %q, not shaped like a code", v)
		}
		if v, ok := got[FieldAmount]; ok {
			if _, err := strconv.ParseFloat(v, 64); err != nil || strings.HasPrefix(v, "-") {
				t.Fatalf("amount = %q", v)
			}
		}
	})
}
