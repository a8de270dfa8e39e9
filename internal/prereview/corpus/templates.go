package corpus

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// flaws a document can be given. Each changes what the checks must find.
type flaws struct {
	noSeal      bool // the seal the material needs is not there
	perforation string
	perfMissing int  // pages without their slice: 0 none, -1 all (never stamped), k: page k
	blankAt     int  // insert a blank page before page k (k ≥ 2)
	expired     bool // the licence ran out
	badUSCC     bool // the credit code's check character is wrong
	redFrame    bool // a red frame or red table rules
	oval        bool // the company seal is oval
	noTextPage  bool // the last page holds only the signatures (以下无正文)
	pages       int  // target page count for flowing documents
	redStar     bool // the red rule of a 红头 document has a star
	redDistract bool // red remarks and marks that are not seals
}

// drawn is what a template made: the document and the truth about it.
type drawn struct {
	d      *doc
	fields map[string]string
	codes  []string // text codes the content implies (expired, uscc_invalid)
	co     company  // the enterprise the document is about
}

// ---- 营业执照 (business licence) ----

func licence(g *gen, f flaws) (*drawn, error) {
	r := g.r
	d, err := g.newDoc("L")
	if err != nil {
		return nil, err
	}
	co := g.co
	out := &drawn{d: d, fields: map[string]string{}, co: co}
	code := co.USCC
	if f.badUSCC {
		code = breakUSCC(r, code)
		out.codes = append(out.codes, codeUSCCInvalid)
	}
	d.addPage()
	p := d.pdf
	frame := rgb{70, 70, 70}
	if f.redFrame {
		frame = redPrint
	}
	p.SetDrawColor(frame.r, frame.g, frame.b)
	p.SetLineWidth(1.2)
	p.Rect(10, 10, d.w-20, d.h-20, "D")
	p.SetLineWidth(0.3)
	p.Rect(12.5, 12.5, d.w-25, d.h-25, "D")
	d.color(black)

	d.font("sans", 10)
	d.text(24, 28, "统一社会信用代码")
	d.font("song", 12)
	d.text(24, 35, code)
	d.font("song", 9)
	d.text(d.w-95, 28, fmt.Sprintf("证照编号：%011d%09d", r.Int64N(1e11), r.Int64N(1e9)))

	d.font("sans", 34)
	d.centred(48, "营业执照", 9, true)
	d.font("song", 14)
	d.centred(58, "（副　本）", 0, false)

	d.qr(26, 66, 30)
	d.font("song", 7.5)
	for i, ln := range d.wrap("扫描二维码登录“国家企业信用信息公示系统”了解更多登记、备案、许可、监管信息。", 32, 0) {
		d.text(25, 102+float64(i)*3.6, ln)
	}

	capital := int64(10+r.IntN(990)) * 100000 * 100 // fen: 1–99 million yuan in 100 000s
	if r.IntN(3) == 0 {
		capital = int64(1+r.IntN(50)) * 1000000 * 100
	}
	capText := capitalAmount(capital)
	founded := dateIn(r, 2000, 2020)
	var term string
	until := time.Time{}
	switch {
	case f.expired:
		until = dateIn(r, 2018, 2025)
		founded = until.AddDate(-10-r.IntN(10), 0, 1)
	case r.IntN(3) == 0:
		// 长期: no end date.
	default:
		until = founded.AddDate(20+10*r.IntN(3), 0, -1)
		if until.Year() < 2031 {
			until = until.AddDate(20, 0, 0)
		}
	}
	if until.IsZero() {
		term = cnDate(founded, true) + " 至 长期"
	} else {
		term = cnDate(founded, true) + " 至 " + cnDate(until, true)
		out.fields["valid_until"] = isoDate(until)
		if f.expired {
			out.codes = append(out.codes, codeExpired)
		}
	}
	out.fields["valid_from"] = isoDate(founded)
	out.fields["uscc"] = code
	out.fields["enterprise_name"] = co.Name
	out.fields["legal_representative"] = co.Legal
	out.fields["amount"] = decimalAmount(capital)
	out.fields["amount_text"] = capText
	capLine := capText
	if r.IntN(2) == 0 {
		capLine = "人民币" + capText
	}

	label := func(x, y float64, l, v string, width float64) float64 {
		d.font("sans", 11)
		d.text(x, y, l)
		d.font("song", 11)
		lines := d.wrap(v, width, 0)
		for i, ln := range lines {
			d.text(x+27, y+float64(i)*6.2, ln)
		}
		return y + float64(len(lines))*6.2 + 4.5
	}
	y := 76.0
	y = label(62, y, "名　　称", co.Name, 80)
	y = label(62, y, "类　　型", co.Type, 80)
	y = label(62, y, "法定代表人", co.Legal, 80)
	var scope []string
	for i := 0; i < 4+r.IntN(5); i++ {
		scope = append(scope, pick(r, scopes))
	}
	label(62, y, "经营范围", strings.Join(scope, "；")+"。（依法须经批准的项目，经相关部门批准后方可开展经营活动）", 80)
	y = 76.0
	y = label(180, y, "注册资本", capLine, 70)
	y = label(180, y, "成立日期", cnDate(founded, true), 70)
	y = label(180, y, "营业期限", term, 70)
	label(180, y, "住　　所", co.Address, 70)

	// 登记机关 and the date, with the registration authority's seal.
	auth := co.City + "市" + co.District + "区市场监督管理局"
	if r.IntN(2) == 0 {
		auth = co.City + "市市场监督管理局"
	}
	issued := dateIn(r, 2019, 2026)
	d.font("sans", 12)
	d.text(196, 168, "登记机关")
	d.font("song", 12)
	ds := cnDate(issued, true)
	d.text(222, 182, ds)
	if !f.noSeal {
		s := d.newSeal(238+r.Float64()*6, 170+r.Float64()*4, auth, "", false)
		s.code = ""
		d.stamp(s)
	}
	d.font("song", 7.5)
	d.color(darkGrey)
	d.text(24, d.h-20, "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn")
	d.text(24, d.h-16, "市场主体应当于每年1月1日至6月30日通过国家企业信用信息公示系统报送公示年度报告。")
	d.text(d.w-110, d.h-16, "国家市场监督管理总局监制")
	d.color(black)
	return out, nil
}

// ---- 申请书 (application) ----

var applicationTitles = []string{"建设工程规划许可申请书", "建设用地规划许可申请书", "建筑工程施工许可申请书", "告知承诺书", "授权委托书"}

func application(g *gen, f flaws) (*drawn, error) {
	r := g.r
	d, err := g.newDoc("P")
	if err != nil {
		return nil, err
	}
	co := g.co
	out := &drawn{d: d, fields: map[string]string{}, co: co}
	code := co.USCC
	if f.badUSCC {
		code = breakUSCC(r, code)
		out.codes = append(out.codes, codeUSCCInvalid)
	}
	out.fields["enterprise_name"] = co.Name
	out.fields["uscc"] = code
	out.fields["legal_representative"] = co.Legal
	auth, _ := authority(r, co.City)

	d.addPage()
	d.y = 30
	title := pick(r, applicationTitles)
	d.font("sans", 20)
	d.centred(d.y+7, title, 1.5, true)
	if f.redDistract {
		// A red rule under the title: red print that is not a seal.
		d.color(redPrint)
		d.pdf.SetLineWidth(0.6)
		d.pdf.Line(d.margin, d.y+11, d.w-d.margin, d.y+11)
		d.color(black)
	}
	d.y += 18
	d.font("song", 12)
	d.line(d.margin, auth+"：")
	paras := 1 + r.IntN(2) + (f.pages-1)*5
	inserted := false
	for i := 0; i < paras; i++ {
		d.para(paragraph(r, co))
		if i == 0 {
			d.font("song", 11)
			w := d.w - 2*d.margin
			d.table([]float64{w * 0.3, w * 0.7}, [][]string{
				{"申请单位", co.Name},
				{"统一社会信用代码", code},
				{"法定代表人", co.Legal},
				{"联系人", personName(r)},
				{"联系电话", phone(r)},
				{"项目名称", co.City + pick(r, projects) + "项目"},
				{"建设地点", co.Address},
				{"建设规模", fmt.Sprintf("总建筑面积约%d平方米", 3000+r.IntN(90000))},
			}, false, black)
			d.font("song", 12)
		}
		if f.blankAt > 0 && !inserted && d.page() >= f.blankAt-1 && i >= paras/2 {
			d.blankPage()
			d.addPage()
			inserted = true
		}
	}
	if f.redDistract {
		d.font("song", 10.5)
		d.color(redPrint)
		d.para("注：申请人应当如实提交有关材料，对申请材料实质内容的真实性负责；隐瞒有关情况或者提供虚假材料的，依法承担法律责任。")
		d.color(black)
		d.font("song", 12)
	}
	d.line(d.margin+2*d.width("中"), "特此申请。")
	signature(d, f, co, "申请单位（盖章）：", "法定代表人（签字）：", false)
	d.footers()
	return out, nil
}

// signature flows the signature block of one party at the right: the
// party, the signatory with a scribble, the date, and the seal over the
// party's name unless f.noSeal.
func signature(d *doc, f flaws, co company, partyLabel, signLabel string, oval bool) {
	r := d.r
	d.need(62)
	d.y += 8
	d.font("song", 12)
	x := d.w/2 - 5
	nameY := d.y + 4.2
	d.line(x, partyLabel)
	d.line(x+8, co.Name)
	d.line(x, signLabel)
	d.scribble(x+d.width(signLabel), d.y-8, 24, 7)
	d.line(x, cnDate(dateIn(r, 2024, 2026), false))
	if !f.noSeal {
		cx := x + 8 + d.width(co.Name)/2 + (r.Float64()-0.5)*10
		cx = math.Min(cx, d.w-d.margin-10)
		label := ""
		if oval {
			label = pick(r, []string{"合同专用章", "业务专用章"})
		}
		d.stamp(d.newSeal(cx, nameY+6+r.Float64()*6, co.Name, label, oval))
	}
	d.y += 6
}

// ---- 合同 (contract) ----

var contractTitles = []string{"建设工程施工合同", "建设工程设计合同", "工程咨询服务合同", "建设工程监理合同"}

var articles = []string{"工程概况", "合同工期", "质量标准", "合同价款", "付款方式", "双方权利义务", "工程变更", "竣工验收", "违约责任", "争议解决", "其他约定"}

func contract(g *gen, f flaws) (*drawn, error) {
	r := g.r
	d, err := g.newDoc("P")
	if err != nil {
		return nil, err
	}
	a, b := g.co, newCompany(r)
	out := &drawn{d: d, fields: map[string]string{}, co: a}
	fen := int64(50+r.IntN(5000)) * 10000 * 100
	switch r.IntN(3) {
	case 0:
		fen += int64(r.IntN(10000)) * 100
	case 1:
		fen += int64(1+r.IntN(9))*10 + int64(1+r.IntN(9)) // jiao and fen, both non-zero
	}
	capText := capitalAmount(fen)
	out.fields["amount"] = decimalAmount(fen)
	out.fields["amount_text"] = capText

	d.addPage()
	d.y = 30
	d.font("sans", 22)
	d.centred(d.y+8, pick(r, contractTitles), 2, true)
	d.y += 18
	d.font("song", 11)
	d.line(d.w-d.margin-70, fmt.Sprintf("合同编号：HT-%d-%04d", 2024+r.IntN(3), r.IntN(10000)))
	d.y += 4
	d.font("song", 12)
	d.line(d.margin, "发包人（甲方）："+a.Name)
	d.line(d.margin, "承包人（乙方）："+b.Name)
	d.y += 3
	d.para("根据《中华人民共和国民法典》《中华人民共和国建筑法》及有关法律规定，遵循平等、自愿、公平和诚实信用的原则，双方就本工程有关事项协商一致，共同达成如下协议：")
	target := max(f.pages, 2)
	n := 0
	inserted := false
	for i := 0; ; i++ {
		art := articles[i%len(articles)]
		d.need(d.lead() * 3)
		d.font("sans", 12)
		d.line(d.margin, fmt.Sprintf("第%s条　%s", chineseNumber(i+1), art))
		d.font("song", 12)
		switch art {
		case "合同价款":
			d.para(fmt.Sprintf("本合同总价为人民币（大写）%s（小写：￥%s元），该价款包括完成本合同全部工作内容所需的一切费用。", capText, smallAmount(fen)))
		case "付款方式":
			d.para("合同价款按下表约定分期支付：")
			d.font("song", 11)
			w := d.w - 2*d.margin
			rows := [][]string{{"期次", "付款节点", "比例", "金额（元）"}}
			shares := []int{30, 40, 25, 5}
			nodes := []string{"合同签订后七日内", "主体结构完成后", "竣工验收合格后", "保修期满后"}
			for k, s := range shares {
				rows = append(rows, []string{fmt.Sprint(k + 1), nodes[k], fmt.Sprintf("%d%%", s), smallAmount(fen * int64(s) / 100)})
			}
			d.table([]float64{w * 0.12, w * 0.43, w * 0.15, w * 0.3}, rows, true, black)
			d.font("song", 12)
		default:
			d.para(paragraph(r, a))
		}
		n++
		if f.blankAt > 0 && !inserted && d.page() >= f.blankAt-1 && d.y > d.h*0.6 {
			d.blankPage()
			d.addPage()
			inserted = true
		}
		if n >= 4 && (d.page() > target || d.page() == target && d.y > d.h*0.55) {
			break
		}
		if i > 60 {
			break
		}
	}
	if f.noTextPage {
		d.para("（以下无正文）")
		d.addPage()
		d.font("song", 12)
		d.centred(d.y+10, "（此页无正文，为《合同》签署页）", 0, false)
		d.y += 20
	} else {
		d.need(70)
	}
	// Both parties sign side by side.
	d.y += 6
	top := d.y
	for k, co := range []company{a, b} {
		x := d.margin + float64(k)*(d.w-2*d.margin)/2
		y := top
		d.font("song", 12)
		lbl := []string{"发包人（盖章）：", "承包人（盖章）："}[k]
		d.text(x, y+4.2, lbl)
		d.text(x+4, y+12.6, shorten(d, co.Name, (d.w-2*d.margin)/2-8))
		d.text(x, y+21, "法定代表人或委托代理人：")
		d.scribble(x+10, y+23, 22, 7)
		d.text(x, y+38, "日期："+cnDate(dateIn(r, 2024, 2026), false))
		if !f.noSeal {
			oval := f.oval && k == 1
			label := ""
			if oval || r.IntN(4) == 0 {
				label = "合同专用章"
			}
			cx := x + (d.w-2*d.margin)/4 + (r.Float64()-0.5)*8
			d.stamp(d.newSeal(cx, y+14+r.Float64()*6, co.Name, label, oval))
		}
	}
	d.y = top + 45
	if f.perforation != "" && f.perfMissing != -1 {
		stampPerforation(d, f, pick(r, []company{a, b}).Name)
	}
	d.footers()
	return out, nil
}

// shorten fits s in width mm at the current font, as a long name is
// written smaller.
func shorten(d *doc, s string, width float64) string {
	for d.width(s) > width && d.size > 7 {
		d.font(d.family, d.size-0.5)
	}
	return s
}

// stampPerforation stamps the perforation seal across the pages (all, or
// all but f.perfMissing).
func stampPerforation(d *doc, f flaws, owner string) {
	var pages []int
	for pg := 1; pg <= d.pdf.PageCount(); pg++ {
		if pg != f.perfMissing && !d.blank[pg] {
			pages = append(pages, pg)
		}
	}
	s := d.newSeal(0, 0, owner, "", false)
	s.code = ""
	y, ok := d.perforationY(s.a, pages, f.perforation)
	if !ok {
		y = d.h * 0.25
	}
	s.cy = y
	d.perforation(s, pages, f.perforation)
}

var cnDigits = []rune("零一二三四五六七八九")

// chineseNumber writes 1–99 as 一 … 九十九.
func chineseNumber(n int) string {
	switch {
	case n < 10:
		return string(cnDigits[n])
	case n < 20:
		if n == 10 {
			return "十"
		}
		return "十" + string(cnDigits[n-10])
	default:
		s := string(cnDigits[n/10]) + "十"
		if n%10 != 0 {
			s += string(cnDigits[n%10])
		}
		return s
	}
}

// ---- 红头文件 (official document with a red heading) ----

func redhead(g *gen, f flaws) (*drawn, error) {
	r := g.r
	d, err := g.newDoc("P")
	if err != nil {
		return nil, err
	}
	co := g.co
	out := &drawn{d: d, fields: map[string]string{}, co: co}
	auth, abbr := authority(r, co.City)
	d.margin = 28
	d.addPage()
	// The red heading: the issuer's name and 文件, large, in red.
	d.color(redPrint)
	head := auth + "文件"
	size := 30.0
	d.font("song", size)
	for d.width(head)+float64(len([]rune(head))-1)*1.5 > d.w-2*d.margin && size > 16 {
		size -= 1
		d.font("song", size)
	}
	d.centred(52, head, 1.5, true)
	d.color(black)
	d.font("song", 14)
	d.centred(70, fmt.Sprintf("%s〔%d〕%d号", abbr, 2023+r.IntN(4), 1+r.IntN(300)), 0, false)
	d.color(redPrint)
	p := d.pdf
	p.SetLineWidth(0.7 + r.Float64()*0.5)
	if f.redStar {
		mid := d.w / 2
		p.Line(d.margin, 76, mid-6, 76)
		p.Line(mid+6, 76, d.w-d.margin, 76)
		d.star(mid, 76, 4.2)
	} else {
		p.Line(d.margin, 76, d.w-d.margin, 76)
	}
	d.color(black)
	d.y = 84
	d.font("sans", 16)
	title := "关于" + co.Name + pick(r, []string{"建设工程规划许可", "建设用地规划许可", "项目备案", "施工许可"}) + "的批复"
	for _, ln := range d.wrap(title, d.w-2*d.margin-10, 0) {
		d.centred(d.y+6, ln, 0, true)
		d.y += 9
	}
	d.y += 4
	d.font("song", 12)
	d.line(d.margin, co.Name+"：")
	paras := 2 + r.IntN(3) + (f.pages-1)*6
	for i := 0; i < paras; i++ {
		d.para(paragraph(r, co))
	}
	d.para("特此批复。")
	// The issuer and the date, right-aligned, the seal over both.
	d.need(50)
	d.y += 12
	date := cnDate(dateIn(r, 2023, 2026), false)
	d.font("song", 12)
	ax := d.w - d.margin - d.width(auth) - 8
	d.text(ax, d.y+4, auth)
	dx := d.w - d.margin - d.width(date) - 12
	d.text(dx, d.y+12, date)
	if !f.noSeal {
		s := d.newSeal(ax+d.width(auth)/2+(r.Float64()-0.5)*6, d.y+6, auth, "", false)
		s.code = ""
		d.stamp(s)
	}
	d.y += 34
	// 版记: 抄送 between two rules.
	if d.y < d.bottom()-20 {
		y := d.bottom() - 16
		d.font("song", 10.5)
		p.SetLineWidth(0.3)
		p.Line(d.margin, y, d.w-d.margin, y)
		d.text(d.margin+2, y+6, "抄送："+co.City+"市人民政府办公室，"+co.City+"市住房和城乡建设局。")
		p.Line(d.margin, y+9, d.w-d.margin, y+9)
	}
	d.footers()
	return out, nil
}

// ---- 不动产权证书 / 国有建设用地使用权证 (land-use certificate) ----

func landcert(g *gen, f flaws) (*drawn, error) {
	r := g.r
	d, err := g.newDoc("P")
	if err != nil {
		return nil, err
	}
	co := g.co
	out := &drawn{d: d, fields: map[string]string{}, co: co}
	d.addPage()
	d.y = 28
	d.font("sans", 22)
	d.centred(d.y+8, pick(r, []string{"不动产权证书", "国有建设用地使用权证"}), 3, true)
	d.y += 18
	d.font("song", 11)
	d.centred(d.y+4, fmt.Sprintf("%s（%d）%s市不动产权第%07d号", string([]rune(co.City)[:1]), 2015+r.IntN(10), co.City, r.IntN(10000000)), 0, false)
	d.y += 12
	from := dateIn(r, 2005, 2020)
	w := d.w - 2*d.margin
	rows := [][]string{
		{"权利人", co.Name},
		{"共有情况", "单独所有"},
		{"坐落", co.Address},
		{"不动产单元号", fmt.Sprintf("%s%03d%03dGB%05dW00000000", divisions[r.IntN(len(divisions))], r.IntN(1000), r.IntN(1000), r.IntN(100000))},
		{"权利类型", "国有建设用地使用权"},
		{"权利性质", pick(r, []string{"出让", "划拨"})},
		{"用途", pick(r, []string{"工业用地", "商务金融用地", "城镇住宅用地", "科教用地"})},
		{"面积", fmt.Sprintf("宗地面积%d.%02d平方米", 2000+r.IntN(80000), r.IntN(100))},
		{"使用期限", cnDate(from, true) + "起" + cnDate(from.AddDate(50, 0, -1), true) + "止"},
		{"权利其他状况", "土地取得方式：" + pick(r, []string{"出让", "划拨"}) + "；宗地内建筑物按规划许可建设。"},
	}
	d.font("song", 11)
	d.table([]float64{w * 0.25, w * 0.75}, rows, false, black)
	d.y += 6
	d.font("song", 12)
	auth := co.City + "市不动产登记中心"
	d.text(d.w-d.margin-70, d.y+6, "登记机构（章）")
	d.text(d.w-d.margin-62, d.y+16, cnDate(dateIn(r, 2015, 2026), false))
	if !f.noSeal {
		s := d.newSeal(d.w-d.margin-45+r.Float64()*4, d.y+10, auth, "", false)
		s.code = ""
		d.stamp(s)
	}
	d.y += 40
	pages := max(f.pages, 2)
	for pg := 2; pg <= pages; pg++ {
		if f.blankAt == pg {
			d.blankPage()
		}
		d.addPage()
		d.y = 28
		switch pg % 2 {
		case 0:
			parcelMap(d)
		default:
			d.font("sans", 14)
			d.centred(d.y+6, "附　　记", 6, true)
			d.y += 14
			d.font("song", 12)
			for i := 0; i < 3+r.IntN(4); i++ {
				d.para(paragraph(r, co))
			}
		}
	}
	if f.perforation != "" && f.perfMissing != -1 {
		stampPerforation(d, f, auth)
	}
	d.footers()
	return out, nil
}

// parcelMap draws 宗地图: the parcel's outline with its boundary points,
// a north arrow and the table of coordinates.
func parcelMap(d *doc) {
	r := d.r
	p := d.pdf
	d.font("sans", 14)
	d.centred(d.y+6, "宗地图", 4, true)
	d.y += 14
	cx, cy := d.w/2, d.y+55
	n := 5 + r.IntN(4)
	var pts [][2]float64
	for i := 0; i < n; i++ {
		a := 2*math.Pi*float64(i)/float64(n) + r.Float64()*0.3
		rad := 35 + r.Float64()*18
		pts = append(pts, [2]float64{cx + rad*math.Cos(a), cy + rad*math.Sin(a)*0.8})
	}
	p.SetLineWidth(0.5)
	d.font("song", 8)
	for i, q := range pts {
		nq := pts[(i+1)%n]
		p.Line(q[0], q[1], nq[0], nq[1])
		p.Circle(q[0], q[1], 0.8, "D")
		d.text(q[0]+1.5, q[1]-1.5, fmt.Sprintf("J%d", i+1))
	}
	// North arrow.
	ax, ay := d.w-d.margin-10, d.y+8
	p.Line(ax, ay, ax, ay+16)
	p.Polygon([]fpdf.PointType{{X: ax, Y: ay - 2}, {X: ax - 2.5, Y: ay + 4}, {X: ax + 2.5, Y: ay + 4}}, "F")
	d.font("sans", 10)
	d.text(ax-1.6, ay-3.5, "北")
	d.font("song", 9)
	d.text(d.margin, cy+52, "比例尺 1:"+fmt.Sprint(pick(r, []int{500, 1000, 2000})))
	d.y = cy + 58
	d.font("song", 10)
	w := d.w - 2*d.margin
	rows := [][]string{{"点号", "X坐标（米）", "Y坐标（米）", "边长（米）"}}
	x0, y0 := 3400000+r.Float64()*200000, 500000+r.Float64()*100000
	for i, q := range pts {
		nq := pts[(i+1)%n]
		rows = append(rows, []string{fmt.Sprintf("J%d", i+1), fmt.Sprintf("%.3f", x0+q[1]*2), fmt.Sprintf("%.3f", y0+q[0]*2),
			fmt.Sprintf("%.2f", 2*math.Hypot(nq[0]-q[0], nq[1]-q[1]))})
	}
	d.table([]float64{w * 0.16, w * 0.3, w * 0.3, w * 0.24}, rows, true, black)
}

// ---- 基本情况表 (a form with red rules) ----

func form(g *gen, f flaws) (*drawn, error) {
	r := g.r
	d, err := g.newDoc("P")
	if err != nil {
		return nil, err
	}
	co := g.co
	out := &drawn{d: d, fields: map[string]string{}, co: co}
	code := co.USCC
	if f.badUSCC {
		code = breakUSCC(r, code)
		out.codes = append(out.codes, codeUSCCInvalid)
	}
	out.fields["enterprise_name"] = co.Name
	out.fields["uscc"] = code
	out.fields["legal_representative"] = co.Legal
	rule := black
	if f.redFrame {
		rule = redPrint
	}
	d.addPage()
	d.y = 26
	d.font("sans", 18)
	if f.redDistract {
		d.color(redPrint)
	}
	d.centred(d.y+7, "建设项目基本情况表", 2, true)
	d.color(black)
	d.y += 16
	d.font("song", 10.5)
	d.line(d.margin, "填报日期："+cnDate(dateIn(r, 2024, 2026), false))
	w := d.w - 2*d.margin
	check := func(b bool) string {
		if b {
			return "√"
		}
		return "　"
	}
	kind := r.IntN(3)
	rows := [][]string{
		{"建设单位", co.Name},
		{"统一社会信用代码", code},
		{"法定代表人", co.Legal},
		{"单位地址", co.Address},
		{"项目名称", co.City + pick(r, projects) + "项目"},
		{"项目代码", fmt.Sprintf("%d-%s-%02d-%02d-%06d", 2024+r.IntN(3), divisions[r.IntN(len(divisions))], r.IntN(100), r.IntN(100), r.IntN(1000000))},
		{"建设性质", fmt.Sprintf("新建[%s]　改建[%s]　扩建[%s]", check(kind == 0), check(kind == 1), check(kind == 2))},
		{"总投资（万元）", fmt.Sprint(500 + r.IntN(90000))},
		{"总建筑面积（平方米）", fmt.Sprint(3000 + r.IntN(150000))},
		{"建设内容及规模", paragraph(r, co)},
		{"联系人及电话", personName(r) + "　" + phone(r)},
	}
	d.table([]float64{w * 0.3, w * 0.7}, rows, false, rule)
	if f.redDistract {
		d.color(redPrint)
		d.font("song", 10)
		d.para("填表说明：1. 本表由建设单位如实填写；2. 项目代码为全国投资项目在线审批监管平台赋予的代码；3. 本表一式三份。")
		d.color(black)
	}
	d.font("song", 12)
	signature(d, f, co, "建设单位（盖章）：", "法定代表人（签字）：", f.oval)
	return out, nil
}
