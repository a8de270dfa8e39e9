package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/tongban/tongban/internal/apperr"
)

// Bounds of a year file. A published schedule has about 30 holiday dates
// and at most 8 make-up days; the caps stop a typo (or a hostile upload)
// from turning a whole year into holidays.
const (
	MinYear      = 2000
	MaxYear      = 2100
	maxHolidays  = 60
	maxWorkdays  = 20
	maxNameRunes = 32
	maxFileBytes = 256 << 10
)

// YearFile is one year's schedule as published by the State Council
// General Office: the dates off and the weekend dates worked. It is the
// import format (YAML, see the package comment) and the JSON body of the
// admin API.
type YearFile struct {
	Year     int     `json:"year" yaml:"year"`
	Source   string  `json:"source,omitempty" yaml:"source,omitempty" doc:"The notice the dates come from"`
	Holidays []Entry `json:"holidays" yaml:"holidays" doc:"Dates off, weekends inside a festival run included"`
	Workdays []Entry `json:"workdays" yaml:"workdays" doc:"Make-up working days (调休上班): Saturdays or Sundays only"`
}

// Entry is one date of a YearFile with the festival it belongs to.
type Entry struct {
	Date Date   `json:"date" yaml:"date"`
	Name string `json:"name,omitempty" yaml:"name,omitempty" doc:"Festival in Chinese, e.g. 春节; required for holidays"`
}

// rawFile is the YAML shape with dates kept as text, so that a bad date is
// reported with its entry and line instead of failing the whole decode.
type rawFile struct {
	Year     int        `yaml:"year"`
	Source   string     `yaml:"source"`
	Holidays []rawEntry `yaml:"holidays"`
	Workdays []rawEntry `yaml:"workdays"`
}

type rawEntry struct {
	Date string `yaml:"date"`
	Name string `yaml:"name"`
}

// ParseYearFile reads one year file (YAML, or JSON, which is YAML) and
// validates it. name is the file name used in messages. Every problem is
// listed as a field error ("holidays[3].date"); the message names the first
// one, the file and, when known, the line.
func ParseYearFile(name string, r io.Reader) (YearFile, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return YearFile{}, apperr.Wrap(err, "read calendar file "+name)
	}
	if len(b) > maxFileBytes {
		return YearFile{}, apperr.Newf(apperr.TooLarge, "calendar.too_large",
			"文件 %s 超过 %d KB，不像一年的节假日安排", "file %s is larger than %d KB; that is not one year's schedule", name, maxFileBytes>>10)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return YearFile{}, emptyFile(name)
		}
		return YearFile{}, syntaxError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return YearFile{}, apperr.Newf(apperr.Invalid, "calendar.documents",
			"文件 %s 只能包含一个 YAML 文档（一年一个文件）", "file %s must hold a single YAML document (one year per file)", name)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null" {
		return YearFile{}, emptyFile(name)
	}
	if err := unknownKeys(name, doc.Content[0]); err != nil {
		return YearFile{}, err
	}
	var raw rawFile
	if err := doc.Decode(&raw); err != nil {
		return YearFile{}, syntaxError(name, err)
	}
	lines := entryLines(&doc)
	ps := &problems{zh: "文件 " + name, en: "file " + name, lines: lines}
	yf := YearFile{Year: raw.Year, Source: strings.TrimSpace(raw.Source)}
	convert := func(list string, in []rawEntry) []Entry {
		out := make([]Entry, len(in))
		for i, e := range in {
			out[i].Name = e.Name
			if strings.TrimSpace(e.Date) == "" {
				continue // reported as missing by check
			}
			d, err := ParseDate(strings.TrimSpace(e.Date))
			if err != nil {
				ps.add(list, i, "date", "calendar.date_invalid",
					fmt.Sprintf("日期 %q 无效（应为真实存在的日期，格式 YYYY-MM-DD）", e.Date),
					fmt.Sprintf("date %q is not a real date written YYYY-MM-DD", e.Date))
				continue
			}
			out[i].Date = d
		}
		return out
	}
	yf.Holidays = convert("holidays", raw.Holidays)
	yf.Workdays = convert("workdays", raw.Workdays)
	yf.check(ps)
	if err := ps.err(); err != nil {
		return YearFile{}, err
	}
	return yf.normalized(), nil
}

// unknownKeys rejects keys the format does not have: a misspelt
// "holiday:" must not silently import a year without holidays.
func unknownKeys(name string, root *yaml.Node) error {
	check := func(m *yaml.Node, allowed ...string) error {
		if m.Kind != yaml.MappingNode {
			return nil // the typed decode reports the wrong shape
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := m.Content[i]
			if !slices.Contains(allowed, k.Value) {
				return apperr.Newf(apperr.Invalid, "calendar.unknown_key",
					"文件 %s 第 %d 行：未知的项 %q（可用：%s）", "file %s line %d: unknown key %q (known: %s)",
					name, k.Line, k.Value, strings.Join(allowed, ", "))
			}
		}
		return nil
	}
	if err := check(root, "year", "source", "holidays", "workdays"); err != nil {
		return err
	}
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 1; i < len(root.Content); i += 2 {
		if v := root.Content[i]; v.Kind == yaml.SequenceNode {
			for _, item := range v.Content {
				if err := check(item, "date", "name"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// entryLines maps "holidays[3]" to the line the entry starts on.
func entryLines(doc *yaml.Node) map[string]int {
	lines := map[string]int{}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return lines
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := m.Content[i].Value, m.Content[i+1]
		if val.Kind != yaml.SequenceNode {
			continue
		}
		for j, item := range val.Content {
			lines[fmt.Sprintf("%s[%d]", key, j)] = item.Line
		}
	}
	return lines
}

func emptyFile(name string) error {
	return apperr.Newf(apperr.Invalid, "calendar.empty", "文件 %s 为空", "file %s is empty", name)
}

func syntaxError(name string, err error) error {
	msg := strings.Join(strings.Fields(strings.TrimPrefix(err.Error(), "yaml: ")), " ")
	msg = strings.ReplaceAll(msg, "unmarshal errors: ", "")
	msg = strings.ReplaceAll(msg, "calendar.rawEntry", "an entry {date, name}")
	msg = strings.ReplaceAll(msg, "calendar.rawFile", "a year file {year, holidays, workdays}")
	return apperr.Newf(apperr.Invalid, "calendar.syntax",
		"文件 %s 格式有误：%s（应包含 year、holidays、workdays 三项）", "file %s cannot be read: %s (want year, holidays and workdays)", name, msg)
}

// Validate checks y as WithYear would, naming y's year in messages. Use it
// to check a body before storing it.
func (y YearFile) Validate() error {
	ps := &problems{zh: fmt.Sprintf("%d 年节假日安排", y.Year), en: fmt.Sprintf("calendar year %d", y.Year)}
	y.check(ps)
	return ps.err()
}

// check adds every problem of y to ps.
func (y YearFile) check(ps *problems) {
	switch {
	case y.Year == 0:
		ps.addTop("year", "calendar.year_missing", "缺少年份（year）", "the year is missing")
	case y.Year < MinYear || y.Year > MaxYear:
		ps.addTop("year", "calendar.year_range", fmt.Sprintf("年份 %d 不在 %d–%d 之间", y.Year, MinYear, MaxYear),
			fmt.Sprintf("year %d is outside %d–%d", y.Year, MinYear, MaxYear))
	}
	if len(y.Holidays) == 0 {
		ps.addTop("holidays", "calendar.no_holidays", "未列出任何节假日：每年的安排都有节假日，请检查文件",
			"no holidays are listed: every published year has some; check the file")
	}
	if len(y.Holidays) > maxHolidays {
		ps.addTop("holidays", "calendar.too_many", fmt.Sprintf("节假日多达 %d 天，超过上限 %d", len(y.Holidays), maxHolidays),
			fmt.Sprintf("%d holidays listed; at most %d are allowed", len(y.Holidays), maxHolidays))
	}
	if len(y.Workdays) > maxWorkdays {
		ps.addTop("workdays", "calendar.too_many", fmt.Sprintf("调休上班日多达 %d 天，超过上限 %d", len(y.Workdays), maxWorkdays),
			fmt.Sprintf("%d make-up working days listed; at most %d are allowed", len(y.Workdays), maxWorkdays))
	}
	type seenAt struct {
		list string
		i    int
	}
	seen := map[Date]seenAt{}
	for _, l := range []struct {
		list    string
		entries []Entry
	}{{"holidays", y.Holidays}, {"workdays", y.Workdays}} {
		for i, e := range l.entries {
			name := strings.TrimSpace(e.Name)
			switch {
			case l.list == "holidays" && name == "":
				ps.add(l.list, i, "name", "calendar.name_missing", "节假日须写明节日名称（如 春节）", "a holiday needs its festival name (e.g. 春节)")
			case utf8.RuneCountInString(name) > maxNameRunes:
				ps.add(l.list, i, "name", "calendar.name_long", fmt.Sprintf("名称超过 %d 个字", maxNameRunes), fmt.Sprintf("the name is longer than %d characters", maxNameRunes))
			case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
				ps.add(l.list, i, "name", "calendar.name_invalid", "名称含有无效字符", "the name contains invalid characters")
			}
			d := e.Date
			if d.IsZero() {
				ps.add(l.list, i, "date", "calendar.date_missing", "缺少日期（date）", "the date is missing")
				continue
			}
			if y.Year >= MinYear && y.Year <= MaxYear && d.Y != y.Year {
				ps.add(l.list, i, "date", "calendar.date_year", fmt.Sprintf("日期 %s 不在 %d 年内", d, y.Year),
					fmt.Sprintf("date %s is not in %d", d, y.Year))
				continue
			}
			if prev, dup := seen[d]; dup {
				if prev.list == l.list {
					ps.add(l.list, i, "date", "calendar.duplicate", fmt.Sprintf("日期 %s 重复列出（与 %s 第 %d 项相同）", d, prev.list, prev.i+1),
						fmt.Sprintf("date %s is listed twice (also %s entry %d)", d, prev.list, prev.i+1))
				} else {
					ps.add(l.list, i, "date", "calendar.both", fmt.Sprintf("日期 %s 既是节假日又是调休上班日", d),
						fmt.Sprintf("date %s is both a holiday and a make-up working day", d))
				}
				continue
			}
			seen[d] = seenAt{l.list, i}
			if wd := d.Weekday(); l.list == "workdays" && wd != time.Saturday && wd != time.Sunday {
				ps.add(l.list, i, "date", "calendar.workday_weekday", fmt.Sprintf("调休上班日 %s 是%s，只有周六、周日才需要调休上班", d, weekdayZH[wd]),
					fmt.Sprintf("make-up working day %s is a %s; only a Saturday or Sunday can be one", d, wd))
			}
		}
	}
}

var weekdayZH = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// normalized returns a copy with names trimmed and entries in date order,
// the form Export returns.
func (y YearFile) normalized() YearFile {
	n := YearFile{Year: y.Year, Source: strings.TrimSpace(y.Source)}
	norm := func(in []Entry) []Entry {
		out := make([]Entry, len(in))
		for i, e := range in {
			out[i] = Entry{Date: e.Date, Name: strings.TrimSpace(e.Name)}
		}
		slices.SortFunc(out, func(a, b Entry) int { return a.Date.Compare(b.Date) })
		return out
	}
	n.Holidays, n.Workdays = norm(y.Holidays), norm(y.Workdays)
	return n
}

// problems collects validation problems; the first one per field wins, so
// a precise "not a real date" is not overwritten by a later "missing".
type problems struct {
	zh, en string // what is being read: "文件 2025.yaml" / "file 2025.yaml"
	lines  map[string]int
	list   []problem
	seen   map[string]bool
}

type problem struct {
	field, key, zh, en string
}

func (p *problems) addTop(field, key, zh, en string) {
	p.push(problem{field, key, zh, en})
}

// add records a problem of entry i (0-based) of list; messages count from 1
// and carry the line when the source had one.
func (p *problems) add(list string, i int, attr, key, zh, en string) {
	entry := fmt.Sprintf("%s[%d]", list, i)
	whereZH := fmt.Sprintf("%s 第 %d 项", list, i+1)
	whereEN := fmt.Sprintf("%s entry %d", list, i+1)
	if line := p.lines[entry]; line > 0 {
		whereZH += fmt.Sprintf("（第 %d 行）", line)
		whereEN += fmt.Sprintf(" (line %d)", line)
	}
	p.push(problem{entry + "." + attr, key, whereZH + "：" + zh, whereEN + ": " + en})
}

func (p *problems) push(pr problem) {
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if p.seen[pr.field] {
		return
	}
	p.seen[pr.field] = true
	p.list = append(p.list, pr)
}

// err returns nil or one Invalid error naming the file and the first
// problem, with every problem as a field error.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	first := p.list[0]
	zh, en := fmt.Sprintf("%s：%s", p.zh, first.zh), fmt.Sprintf("%s: %s", p.en, first.en)
	if n := len(p.list); n > 1 {
		zh += fmt.Sprintf("（共 %d 处问题）", n)
		en += fmt.Sprintf(" (%d problems in all)", n)
	}
	e := apperr.New(apperr.Invalid, first.key, zh, en)
	for _, pr := range p.list {
		e.WithField(pr.field, strings.TrimPrefix(pr.key, "calendar."), pr.zh, pr.en)
	}
	return e
}
