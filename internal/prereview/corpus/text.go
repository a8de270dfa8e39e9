package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/ident"
)

// The vocabulary the documents are written in. Every character is in
// GB 2312, which the Song face (AR PL SungtiL GB) covers; a test checks it
// against the font's character map.

var cities = []string{"北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "苏州",
	"厦门", "青岛", "宁波", "合肥", "长沙", "郑州", "济南", "福州", "昆明", "南昌"}

// divisions are administrative division codes (positions 3–8 of a credit
// code), one per city above.
var divisions = []string{"110108", "310115", "440106", "440305", "330106", "320106", "510107", "420103", "610113", "320505",
	"350203", "370202", "330212", "340104", "430104", "410105", "370102", "350102", "530102", "360111"}

var districts = []string{"朝阳", "海淀", "东城", "西城", "天河", "南山", "福田", "西湖", "鼓楼", "武侯",
	"江汉", "雁塔", "高新", "滨江", "思明", "市南", "岳麓", "金水", "历下", "五华"}

var brands = []string{"华信", "恒达", "中建", "宏远", "鑫源", "天成", "博雅", "安泰", "瑞丰", "金石",
	"海川", "同创", "新世纪", "东方", "长城", "万通", "中泰", "盛世", "嘉和", "永利",
	"德润", "华宇", "正泰", "锦程", "汇通", "明光", "远景", "卓越", "恒信", "广厦"}

var trades = []string{"建设工程", "建筑设计", "房地产开发", "工程咨询", "市政工程", "园林绿化", "建材",
	"科技", "投资", "物业管理", "装饰工程", "环境工程", "勘察设计", "测绘", "电力工程"}

var forms = []string{"有限公司", "有限责任公司", "股份有限公司", "集团有限公司"}

var entityTypes = []string{"有限责任公司（自然人投资或控股）", "有限责任公司（法人独资）", "股份有限公司（非上市、自然人投资或控股）", "其他有限责任公司"}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤")

var givenNames = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
	"秀英", "霞", "平", "刚", "桂英", "建华", "建国", "志强", "海燕", "晓明", "文博", "子涵", "浩然", "思远", "立新",
	"国庆", "红梅", "永强", "春生", "玉兰", "德明", "学军", "振华"}

var roads = []string{"人民", "解放", "中山", "建设", "长江", "黄河", "和平", "光明", "新华", "学府", "科技", "文化", "东风", "友谊", "滨河", "青年"}

var scopes = []string{
	"房屋建筑工程施工总承包", "市政公用工程施工", "建筑装饰装修工程设计与施工", "工程勘察设计", "工程造价咨询",
	"园林绿化工程施工", "建筑材料销售", "技术开发、技术咨询、技术服务", "物业管理", "房地产开发经营",
	"机电设备安装工程", "土石方工程", "城市道路照明工程", "环境保护监测", "工程项目管理",
	"建设工程监理", "水利水电工程施工", "钢结构工程", "地基基础工程", "建筑劳务分包",
}

var projects = []string{"综合楼", "住宅小区", "科技园研发中心", "中学教学楼", "社区服务中心", "物流仓储中心",
	"商业综合体", "人民医院门诊楼", "文化活动中心", "产业园厂房", "地下停车场", "污水处理厂"}

// sentences are body text, with {city}, {project}, {company} and {person}
// filled in.
var sentences = []string{
	"根据《中华人民共和国城乡规划法》及有关规定，现就{project}建设项目有关事项报告如下。",
	"该项目位于{city}市{district}区，总用地面积约{area}平方米，总建筑面积约{area2}平方米。",
	"项目建设内容符合控制性详细规划要求，容积率、建筑密度、绿地率等指标均满足规划条件。",
	"我单位已按要求完成方案设计，并对周边环境、交通组织和市政配套进行了充分论证。",
	"本单位承诺所提交的申请材料真实、准确、完整，如有虚假，愿意承担相应的法律责任。",
	"请贵局按照有关程序予以审查，并在法定期限内作出决定。",
	"建设单位应当严格按照批准的设计方案组织施工，不得擅自变更建设内容和规模。",
	"施工过程中应当做好安全生产和文明施工，落实扬尘污染防治措施。",
	"工程竣工后，建设单位应当依法组织竣工验收，并将有关资料报送主管部门备案。",
	"本合同未尽事宜，由双方另行协商并签订补充协议，补充协议与本合同具有同等法律效力。",
	"因本合同引起的争议，双方应友好协商解决；协商不成的，向工程所在地人民法院提起诉讼。",
	"承包人应按照合同约定的工期完成全部工程，并对工程质量承担保修责任。",
	"发包人应按照合同约定及时支付工程款，逾期支付的，应按同期贷款利率支付利息。",
	"本合同一式六份，甲乙双方各执三份，自双方签字盖章之日起生效。",
	"经审查，{company}提交的申请材料齐全，符合法定形式，同意受理。",
	"请{company}于收到本文件之日起三十日内，到我局办理有关手续。",
	"特此通知，请各有关单位遵照执行。",
	"联系人：{person}，联系电话：{phone}。",
	"项目总投资约{money}万元，资金来源为企业自筹。",
	"我局将会同有关部门对项目实施情况进行监督检查，发现问题及时督促整改。",
}

// pick returns a random element of s.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// company is an enterprise the documents name.
type company struct {
	Name, USCC, Legal, Address, Type string
	City, District                   string
}

// newCompany makes an enterprise with a valid credit code.
func newCompany(r *rand.Rand) company {
	ci := r.IntN(len(cities))
	c := company{
		City:     cities[ci],
		District: pick(r, districts),
		Legal:    personName(r),
		Type:     pick(r, entityTypes),
	}
	c.Name = c.City + pick(r, brands) + pick(r, trades) + pick(r, forms)
	c.USCC = newUSCC(r, divisions[ci])
	c.Address = fmt.Sprintf("%s市%s区%s路%d号%s", c.City, c.District, pick(r, roads), 1+r.IntN(300), pick(r, []string{"", "1号楼", "A座", "2单元"}))
	return c
}

// usccBody is the alphabet of positions 9–17 of a credit code.
const usccBody = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// newUSCC makes a valid unified social credit code of an enterprise
// registered by a market regulator (91…) in the given division.
func newUSCC(r *rand.Rand, division string) string {
	var b strings.Builder
	b.WriteString("91")
	b.WriteString(division)
	for i := 0; i < 9; i++ {
		b.WriteByte(usccBody[r.IntN(len(usccBody))])
	}
	c, err := ident.USCCCheckChar(b.String())
	if err != nil {
		panic(err) // the body is built from the code's alphabet
	}
	b.WriteByte(c)
	return b.String()
}

// breakUSCC returns code with a wrong check character.
func breakUSCC(r *rand.Rand, code string) string {
	for {
		c := usccBody[r.IntN(len(usccBody))]
		if c != code[17] {
			return code[:17] + string(c)
		}
	}
}

func personName(r *rand.Rand) string {
	return string(surnames[r.IntN(len(surnames))]) + pick(r, givenNames)
}

func phone(r *rand.Rand) string {
	return fmt.Sprintf("1%d%d%04d%04d", 3+r.IntN(7), r.IntN(10), r.IntN(10000), r.IntN(10000))
}

// authority is a government body: its name and its document prefix.
func authority(r *rand.Rand, city string) (name, abbr string) {
	c := []rune(city)[:1]
	switch r.IntN(5) {
	case 0:
		return city + "市自然资源和规划局", string(c) + "自然资规"
	case 1:
		return city + "市住房和城乡建设局", string(c) + "建"
	case 2:
		return city + "市人民政府", string(c) + "政"
	case 3:
		return city + "市发展和改革委员会", string(c) + "发改"
	default:
		return city + "市市场监督管理局", string(c) + "市监"
	}
}

// sentence fills a template sentence.
func sentence(r *rand.Rand, c company, s string) string {
	rep := strings.NewReplacer(
		"{city}", c.City, "{district}", c.District, "{project}", c.City+pick(r, projects),
		"{company}", c.Name, "{person}", personName(r), "{phone}", phone(r),
		"{area}", fmt.Sprint(2000+r.IntN(60000)), "{area2}", fmt.Sprint(5000+r.IntN(150000)),
		"{money}", fmt.Sprint(500+r.IntN(90000)),
	)
	return rep.Replace(s)
}

// paragraph is 2–5 sentences.
func paragraph(r *rand.Rand, c company) string {
	n := 2 + r.IntN(4)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(sentence(r, c, pick(r, sentences)))
	}
	return b.String()
}

// ---- dates ----

// cnDate writes a date as Chinese documents do: 2015年03月12日 (zero
// padded, as on licences) or 2015年3月12日.
func cnDate(t time.Time, pad bool) string {
	if pad {
		return fmt.Sprintf("%d年%02d月%02d日", t.Year(), int(t.Month()), t.Day())
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

func isoDate(t time.Time) string { return t.Format("2006-01-02") }

// dateIn returns a random day in [from, to).
func dateIn(r *rand.Rand, fromYear, toYear int) time.Time {
	from := time.Date(fromYear, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(toYear, 1, 1, 0, 0, 0, 0, time.UTC).Sub(from).Hours() / 24)
	return from.AddDate(0, 0, r.IntN(days))
}

// ---- amounts in capital numerals (大写金额) ----

var capDigits = []rune("零壹贰叁肆伍陆柒捌玖")

// capitalAmount writes an amount of fen (hundredths of a yuan) the way
// Chinese financial documents do: 1200500_00 → 壹佰贰拾万零伍佰元整,
// 1000_50 → 壹仟元零伍角, 10_05 → 壹拾元零伍分.
func capitalAmount(fen int64) string {
	if fen <= 0 {
		return "零元整"
	}
	yuan, jiao, f := fen/100, (fen/10)%10, fen%10
	var b strings.Builder
	if yuan > 0 {
		b.WriteString(capitalInteger(yuan))
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && f == 0:
		b.WriteString("整")
	case jiao == 0:
		if yuan > 0 {
			b.WriteRune('零')
		}
		b.WriteRune(capDigits[f])
		b.WriteString("分")
	default:
		if yuan > 0 && yuan%10 == 0 {
			b.WriteRune('零')
		}
		b.WriteRune(capDigits[jiao])
		b.WriteString("角")
		if f > 0 {
			b.WriteRune(capDigits[f])
			b.WriteString("分")
		}
	}
	return b.String()
}

// capitalInteger writes n > 0 in capital numerals with the units 拾佰仟,
// 万 and 亿, a single 零 for any run of zeros inside, and 壹拾 written out
// (financial style).
func capitalInteger(n int64) string {
	units := []string{"", "拾", "佰", "仟"}
	groups := []string{"", "万", "亿", "万亿"}
	var parts []int64
	for m := n; m > 0; m /= 10000 {
		parts = append(parts, m%10000)
	}
	var b strings.Builder
	zero := false // a zero is pending
	for gi := len(parts) - 1; gi >= 0; gi-- {
		g := parts[gi]
		if g == 0 {
			zero = b.Len() > 0
			continue
		}
		digits := [4]int64{g / 1000, g / 100 % 10, g / 10 % 10, g % 10}
		for di, d := range digits {
			pos := 3 - di
			if d == 0 {
				if b.Len() > 0 {
					zero = true
				}
				continue
			}
			if zero {
				b.WriteRune('零')
				zero = false
			}
			b.WriteRune(capDigits[d])
			b.WriteString(units[pos])
		}
		b.WriteString(groups[gi])
		// zeros at the end of a group carry into the next one.
	}
	return b.String()
}

// decimalAmount writes fen as the amount field ExtractFields returns:
// 120050000 → "1200500", 100050 → "1000.5", 1005 → "10.05".
func decimalAmount(fen int64) string {
	yuan, rest := fen/100, fen%100
	switch {
	case rest == 0:
		return fmt.Sprint(yuan)
	case rest%10 == 0:
		return fmt.Sprintf("%d.%d", yuan, rest/10)
	default:
		return fmt.Sprintf("%d.%02d", yuan, rest)
	}
}

// smallAmount writes fen with thousands separators: 1,200,500.00.
func smallAmount(fen int64) string {
	s := fmt.Sprint(fen / 100)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s.%02d", b.String(), fen%100)
}
