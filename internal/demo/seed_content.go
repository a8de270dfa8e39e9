package demo

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/ident"
	"github.com/tongban/tongban/internal/prereview/corpus"
)

// This file holds the realistic Chinese content of the demo history:
// project names, addresses, facts, questionnaire answers, agents, opinions
// and the tiny files uploaded as materials. Everything is drawn from the
// seeded generator, so one seed gives one history.

// pick returns a random element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// between returns a uniform float in [lo, hi).
func between(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// round rounds to a step, so areas and amounts look like what people type.
func round(v, step float64) float64 { return float64(int64(v/step+0.5)) * step }

var (
	placeWords = []string{"鹭岛", "嘉庚", "五缘", "筼筜", "天马", "东孚", "马銮", "海翔", "鼓浪", "金砖", "海峡", "闽南",
		"银城", "同安湾", "翔鹭", "集杏", "凤南", "后溪", "灌口", "新阳", "大嶝", "澳头", "环东", "美峰", "白鹭", "丙洲"}
	industryWords = []struct{ name, code string }{
		{"%s新材料生产基地项目", "26"}, {"%s智能装备产业园（一期）", "35"}, {"%s光电显示模组生产线项目", "39"},
		{"%s精密机械制造厂房项目", "34"}, {"%s生物医药产业化基地项目", "27"}, {"%s锂电池材料生产项目（二期）", "38"},
		{"%s半导体封装测试厂房项目", "39"}, {"%s新能源汽车零部件产业园项目", "36"},
	}
	residentialWords = []struct{ name, code string }{
		{"%s花园住宅小区", "70"}, {"%s里商住项目", "70"}, {"%s湾住宅项目（一期）", "70"}, {"%s府住宅及配套商业项目", "70"},
		{"%s雅苑住宅小区（二期）", "70"},
	}
	smallWords = []struct{ name, code string }{
		{"%s食品厂房扩建项目", "14"}, {"%s包装材料仓库新建项目", "22"}, {"%s五金制品厂房改建项目", "33"},
		{"%s茶叶加工厂房扩建项目", "15"}, {"%s服装辅料仓储用房项目", "18"},
	}
	roadWords = []string{"翔安北", "同集", "马銮湾", "新店", "后溪", "孙坂", "杏林", "灌口", "海翔", "滨海东", "洪钟",
		"舫山", "西柯", "巷北", "沙美", "锦园", "朝元", "田厝", "滨水", "钟宅"}
	districtStreets = map[string][]string{
		"350203": {"软件园二期观日路", "会展北片区环岛东路", "莲前西路", "前埔南片区洪文五里"},
		"350205": {"新阳工业区新阳路", "海沧生物医药港翁角路", "马銮湾片区海新路", "东孚街道东孚大道"},
		"350206": {"火炬高新区创新路", "五缘湾片区环湾路", "自贸区象屿路", "湖里大道"},
		"350211": {"杏林湾路", "灌口镇金辉路", "集美大道", "软件园三期诚毅大街"},
		"350212": {"同安工业集中区西柯街", "环东海域新城同新路", "五显镇同集北路", "祥平街道祥溪路"},
		"350213": {"火炬高新区（翔安）产业区翔星路", "翔安南部新城翔安东路", "马巷街道马巷大道", "新店街道新店路"},
	}
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "林", "郭", "何", "高",
		"郑", "谢", "蔡", "洪", "苏", "叶", "曾", "庄", "颜", "柯", "卢", "傅", "许", "邱"}
	givenNames = []string{"伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "勇", "杰", "涛", "明", "超", "霞", "晓东",
		"志强", "建华", "海燕", "丽娟", "文博", "雅婷", "俊杰", "欣怡", "浩然", "晨曦", "国栋", "永福", "美玲", "振华", "鹭生"}
	mobilePrefixes = []string{"135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "180", "186", "187", "188", "189", "177"}
)

// districtCodes are Xiamen's district codes in a fixed order: ranging over
// the approval.Districts map would make the history depend on map order.
func districtCodes() []string {
	out := make([]string, 0, len(approval.Districts))
	for c := range approval.Districts {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// projectDraft is a project as the applicant would type it, before a code.
type projectDraft struct {
	name, industry, district, address string
	road                              string // municipal roads: the road built
	investment, land, floor           float64
	agents                            []approval.Agent
	answers                           map[string]any
}

// draftProject invents a plausible project of a flow's type.
func draftProject(r *rand.Rand, f catalog.Flow, questions []catalog.Question) projectDraft {
	d := projectDraft{}
	districts := districtCodes()
	place := pick(r, placeWords)
	switch f.ProjectType {
	case "industrial_plant":
		w := pick(r, industryWords)
		d.name, d.industry = fmt.Sprintf(w.name, place), w.code
		d.district = pick(r, []string{"350205", "350211", "350212", "350213", "350213", "350206"})
		d.investment = round(between(r, 5000, 80000), 10)
		d.land = round(between(r, 20000, 150000), 1)
		d.floor = round(d.land*between(r, 0.8, 2.0), 1)
	case "residential":
		w := pick(r, residentialWords)
		d.name, d.industry = fmt.Sprintf(w.name, place), w.code
		d.district = pick(r, districts)
		d.investment = round(between(r, 30000, 300000), 10)
		d.land = round(between(r, 15000, 80000), 1)
		d.floor = round(d.land*between(r, 2.0, 3.2), 1)
	case "municipal_road":
		roads := slices.Clone(roadWords)
		r.Shuffle(len(roads), func(i, j int) { roads[i], roads[j] = roads[j], roads[i] })
		street := roads[0] + "路"
		if chance(r, 0.3) {
			street = roads[0] + "大道"
		}
		d.name = fmt.Sprintf("%s（%s路至%s路段）道路工程", street, roads[1], roads[2])
		if chance(r, 0.3) {
			d.name = fmt.Sprintf("%s（%s路至%s路段）提升改造工程", street, roads[1], roads[2])
		}
		d.road = street
		d.industry = "48"
		d.district = pick(r, districts)
		d.investment = round(between(r, 8000, 120000), 10)
		d.land = round(between(r, 800, 5000)*between(r, 24, 60), 1)
		d.floor = 0
	case "small_industrial":
		w := pick(r, smallWords)
		d.name, d.industry = fmt.Sprintf(w.name, place), w.code
		d.district = pick(r, []string{"350205", "350211", "350212", "350213"})
		d.investment = round(between(r, 500, 4000), 10)
		d.land = round(between(r, 3000, 12000), 1)
		d.floor = round(min(d.land*between(r, 0.6, 1.2), 9800), 1)
	default: // a flow type added to the catalog later: still a plausible project
		d.name, d.industry = fmt.Sprintf("%s建设项目", place), "47"
		d.district = pick(r, districts)
		d.investment = round(between(r, 1000, 50000), 10)
		d.land = round(between(r, 5000, 60000), 1)
		d.floor = round(d.land*between(r, 0.8, 2.5), 1)
	}
	streets := districtStreets[d.district]
	if len(streets) == 0 {
		streets = []string{"环岛路"}
	}
	d.address = fmt.Sprintf("厦门市%s%s%d号", approval.Districts[d.district], pick(r, streets), 1+r.IntN(899))
	if f.ProjectType == "municipal_road" {
		d.address = fmt.Sprintf("厦门市%s%s沿线", approval.Districts[d.district], d.road)
	}
	for range 1 + r.IntN(2) {
		d.agents = append(d.agents, approval.Agent{Name: pick(r, surnames) + pick(r, givenNames), Phone: mobile(r)})
	}
	d.answers = answers(r, f, questions)
	return d
}

// mobile returns an 11-digit mainland mobile number.
func mobile(r *rand.Rand) string {
	return fmt.Sprintf("%s%08d", pick(r, mobilePrefixes), r.IntN(100000000))
}

// answers fills the questionnaire: the situations the bundled catalog
// asks get answers typical of the flow's project type; any other question
// gets a random answer valid for its type, so a new catalog still works.
func answers(r *rand.Rand, f catalog.Flow, qs []catalog.Question) map[string]any {
	t := f.ProjectType
	is := func(types ...string) bool { return slices.Contains(types, t) }
	p := func(industrial, residential, road, small float64) float64 {
		switch t {
		case "industrial_plant":
			return industrial
		case "residential":
			return residential
		case "municipal_road":
			return road
		case "small_industrial":
			return small
		}
		return 0.2
	}
	weighted := func(opts []string, weights []float64) string {
		x := r.Float64() * sum(weights)
		for i, w := range weights {
			if x < w {
				return opts[i]
			}
			x -= w
		}
		return opts[len(opts)-1]
	}
	out := map[string]any{}
	for _, q := range qs {
		switch q.ID {
		case "land_source":
			switch {
			case f.GovernmentInvested || is("municipal_road"):
				out[q.ID] = weighted([]string{"allocation", "existing"}, []float64{0.9, 0.1})
			case is("small_industrial"):
				out[q.ID] = weighted([]string{"transfer", "existing"}, []float64{0.5, 0.5})
			default:
				out[q.ID] = weighted([]string{"transfer", "existing"}, []float64{0.85, 0.15})
			}
		case "in_approval_catalog":
			out[q.ID] = !f.GovernmentInvested && chance(r, p(0.15, 0.05, 0, 0))
		case "env_category":
			w := map[string][]float64{
				"industrial_plant": {0.15, 0.6, 0.25, 0}, "residential": {0, 0.3, 0.7, 0},
				"municipal_road": {0.3, 0.7, 0, 0}, "small_industrial": {0, 0.2, 0.8, 0},
			}[t]
			if w == nil {
				w = []float64{0.1, 0.4, 0.4, 0.1}
			}
			out[q.ID] = weighted([]string{"report_book", "report_form", "registration", "none"}, w)
		case "annual_energy_tce":
			out[q.ID] = round(between(r, 0, p(5000, 800, 200, 600)), 10)
		case "earthwork_m3":
			v := round(between(r, p(5000, 20000, 10000, 0), p(200000, 300000, 500000, 3000)), 100)
			if is("small_industrial") && chance(r, 0.3) {
				v = 0
			}
			out[q.ID] = v
		case "touches_river":
			out[q.ID] = chance(r, p(0.1, 0.1, 0.3, 0.05))
		case "has_underground_space":
			out[q.ID] = chance(r, p(0.3, 0.95, 0.05, 0))
		case "civil_defense_offsite":
			out[q.ID] = chance(r, p(0.15, 0.1, 0, 0))
		case "over_limit_high_rise":
			out[q.ID] = chance(r, p(0, 0.1, 0, 0))
		case "occupies_road":
			out[q.ID] = chance(r, p(0.2, 0.25, 0.8, 0.1))
		case "touches_highway":
			out[q.ID] = chance(r, p(0.1, 0.05, 0.4, 0.05))
		case "cuts_trees":
			out[q.ID] = chance(r, p(0.25, 0.3, 0.6, 0.1))
		case "drains_to_sewer":
			out[q.ID] = chance(r, p(0.85, 0.95, 0.1, 0.8))
		case "needs_lightning":
			out[q.ID] = chance(r, p(0.6, 0.4, 0, 0.3))
		case "fire_category":
			switch t {
			case "industrial_plant":
				out[q.ID] = weighted([]string{"special", "other"}, []float64{0.5, 0.5})
			case "residential":
				out[q.ID] = weighted([]string{"special", "other"}, []float64{0.6, 0.4})
			case "small_industrial":
				out[q.ID] = "other"
			default:
				out[q.ID] = ""
			}
		default:
			out[q.ID] = randomAnswer(r, q)
		}
	}
	return out
}

// randomAnswer returns a valid answer to a question the seed knows nothing about.
func randomAnswer(r *rand.Rand, q catalog.Question) any {
	switch q.Type {
	case catalog.QuestionBool:
		return chance(r, 0.2)
	case catalog.QuestionNumber:
		return round(between(r, 0, 1000), 1)
	case catalog.QuestionChoice:
		if len(q.Options) == 0 {
			return ""
		}
		return pick(r, q.Options).Value
	}
	return nil
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// projectType is the fourth segment of a project code: 01 审批 for
// government investment, 02 核准 for projects on the approval list, 03 备案.
func projectType(f catalog.Flow, answers map[string]any) string {
	switch {
	case f.GovernmentInvested:
		return ident.ProjectTypeApproval
	case answers["in_approval_catalog"] == true:
		return ident.ProjectTypeVerification
	}
	return ident.ProjectTypeFiling
}

// --- opinions --------------------------------------------------------------

var (
	defects = []string{"未加盖单位公章", "缺少骑缝章", "扫描件不清晰，部分页面无法辨认", "版本与备案信息不一致", "缺少法定代表人签字",
		"图纸比例尺标注不清", "经济技术指标与规划条件不一致", "页码不连续，存在缺页", "编制单位资质证明已过有效期"}
	refuseReasons = []string{
		"经核查，项目用地尚未取得合法权属证明，申请材料不符合法定形式且无法补正，不予受理。",
		"经核查，项目选址位于生态保护红线范围内，依法不予受理。",
		"经核查，申请人主体资格与投资项目备案信息不一致，不予受理。",
	}
	rejectReasons = []string{
		"经审查，项目总平面布局不符合规划条件中的建筑退让红线要求，经补正后仍未达标，不予许可。",
		"经审查，设计文件存在违反工程建设强制性标准的问题，申请人未在规定期限内修改，不予许可。",
		"经现场核查，项目实际建设内容与申报内容不一致，不符合许可条件，不予许可。",
		"经审查，项目主要污染物排放总量指标来源未落实，不符合审批条件，不予批准。",
	}
	specialReasons = []string{
		"项目涉及深基坑及高边坡，需组织专家评审，评审时间不计入办理时限。",
		"项目技术方案复杂，依法组织专家评审论证，特别程序期间暂停计时。",
		"需委托第三方机构进行技术检测鉴定，检测鉴定期间暂停计时。",
	}
	endSpecial = []string{
		"专家评审已结束，评审结论：原则通过，申请人已按专家意见修改完善。",
		"检测鉴定报告已出具，结论符合要求，恢复计时。",
	}
	withdrawReasons = []string{
		"因项目投资计划调整，申请撤回本阶段申报。",
		"因设计方案需重大调整，申请撤回本阶段申报，待修改后重新申报。",
		"因企业经营决策变化，申请撤回本阶段申报。",
	}
)

// correctionNote is a complete correction notice (一次性告知) naming every material.
func correctionNote(r *rand.Rand, names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = "《" + n + "》" + pick(r, defects)
	}
	return "请一次性补正以下材料：" + strings.Join(parts, "；") + "。"
}

// approveOpinion is an officer's opinion when passing a level; the last
// level decides and names the document issued.
func approveOpinion(r *rand.Rand, it catalog.Item, level approval.Level, last bool) string {
	result := it.ResultName
	if result == "" {
		result = it.Name
	}
	if last {
		if it.Result == catalog.ResultFiling {
			return fmt.Sprintf("材料齐全，予以备案，出具《%s》。", result)
		}
		return pick(r, []string{
			fmt.Sprintf("经审查，符合《%s》核发条件，同意。", result),
			fmt.Sprintf("经审查，申报材料齐全、符合法定形式，同意核发《%s》。", result),
			fmt.Sprintf("同意。请按规定领取《%s》。", result),
		})
	}
	if strings.Contains(level.Name, "审核") {
		return pick(r, []string{"同意审查意见，报签发。", "审核无误，同意报签发。"})
	}
	if it.Basis != "" {
		return fmt.Sprintf("经审查，项目符合%s的规定，建议同意，报审核。", it.Basis)
	}
	return "经审查，申报材料齐全，符合相关规定，建议同意。"
}

// cosignOpinion is a co-signing department's agreeing opinion.
func cosignOpinion(r *rand.Rand, deptName string) string {
	return pick(r, []string{
		fmt.Sprintf("会签意见：经核，该项目符合%s管理要求，同意。", deptName),
		fmt.Sprintf("%s会签：无意见，同意办理。", deptName),
	})
}

// --- material files --------------------------------------------------------

// materialFile returns a tiny valid file for a material in one of its
// formats: a PDF when allowed, else a PNG or a JPEG. The variant changes the
// content (and so its hash) a little; a handful of variants per material
// keeps the blob store small, since equal content is stored once.
func (s *sim) materialFile(m catalog.Material, uscc string, variant int, unsealed bool) (content []byte, ext string, ok bool) {
	formats := m.Formats
	switch {
	case len(formats) == 0 || slices.Contains(formats, "pdf"):
		if pdf, err := s.materialPDF(m, uscc, variant, unsealed); err == nil {
			return pdf, ".pdf", true
		}
		return SamplePDF("Tongban demo material", "Material code: "+m.Code, fmt.Sprintf("Version %d", variant),
			"This page stands in for the applicant's scanned document."), ".pdf", true
	case slices.Contains(formats, "png"):
		var b bytes.Buffer
		_ = png.Encode(&b, tinyImage(m.Code, variant)) // encoding to memory cannot fail
		return b.Bytes(), ".png", true
	case slices.Contains(formats, "jpg"):
		var b bytes.Buffer
		_ = jpeg.Encode(&b, tinyImage(m.Code, variant), nil)
		return b.Bytes(), ".jpg", true
	}
	return nil, "", false
}

// materialWriter renders the demo's materials as Chinese documents of the
// applicant's enterprise, stamped as the catalog asks (so that their
// pre-review passes); nil when the CJK fonts are missing (make run
// installs them), and the demo falls back to placeholder pages. Made once
// per process.
var materialWriter = sync.OnceValue(func() *corpus.MaterialWriter {
	var text strings.Builder
	for _, e := range Enterprises {
		text.WriteString(e.Name + legalRep(e))
	}
	text.WriteString(demoCity + demoDistrict)
	w, err := corpus.NewMaterialWriter(text.String())
	if err != nil {
		return nil
	}
	return w
})

// materialPDFs caches the rendered stand-ins, by materialKey: a few dozen
// documents serve every material of a seeding (rendering one takes 10–20
// ms, ten times that under the race detector, and the tests seed often).
var materialPDFs sync.Map

// The demo's enterprises are in Xiamen (思明区 for their addresses).
const demoCity, demoDistrict = "厦门", "思明"

type materialKey struct {
	uscc     string
	straddle bool
	unsealed bool   // the applicant forgot to stamp it
	kind     uint64 // the material and version, folded to one of a few documents
}

// legalRep is the demo enterprise's legal representative: its account's
// person.
func legalRep(e Enterprise) string {
	name, _, _ := strings.Cut(e.Display, "（")
	return name
}

// materialPDF draws material m of the enterprise with credit code uscc,
// without its seal if unsealed.
func (s *sim) materialPDF(m catalog.Material, uscc string, variant int, unsealed bool) ([]byte, error) {
	if s.docs == nil {
		return nil, errors.New("demo: no CJK fonts")
	}
	i := slices.IndexFunc(Enterprises, func(e Enterprise) bool { return e.USCC == uscc })
	if i < 0 {
		return nil, fmt.Errorf("demo: no enterprise %s", uscc)
	}
	e := Enterprises[i]
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", m.Code, variant)
	k := materialKey{uscc: uscc, straddle: m.StraddleSealRequired, unsealed: unsealed, kind: h.Sum64() % 6}
	if pdf, ok := materialPDFs.Load(k); ok {
		return pdf.([]byte), nil
	}
	pdf, err := s.docs.Render(corpus.MaterialSpec{EnterpriseName: e.Name, USCC: e.USCC, LegalRep: legalRep(e),
		City: demoCity, District: demoDistrict, Seal: !unsealed, Perforation: m.StraddleSealRequired, Seed: uint64(i)*6 + k.kind}) // seeds 0–17: the ones corpus.TestMaterialWriter checks
	if err != nil {
		return nil, err
	}
	materialPDFs.Store(k, pdf)
	return pdf, nil
}

// tinyImage is a small grey picture (a gradient whose shade depends on the
// material and variant), large enough to see in the preview.
func tinyImage(code string, variant int) image.Image {
	const w, h = 320, 200
	img := image.NewGray(image.Rect(0, 0, w, h))
	base := len(code)*31 + variant*17
	for y := range h {
		for x := range w {
			img.Pix[y*w+x] = byte(base + x/4 + y/4)
		}
	}
	return img
}
