package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/tongban/tongban/internal/apperr"
)

// Size limits of catalog sources. A real catalog is a few hundred kilobytes.
const (
	maxFileSize = 4 << 20
	maxFiles    = 500
	maxLimit    = 365 // days; a longer time limit is a typo
	maxLevels   = 8
	maxSizeMB   = 500
)

var (
	deptCodeRe     = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,15}$`)
	itemCodeRe     = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{2,31}$`)
	materialCodeRe = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,31}$`)
	identRe        = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)
	itemRefRe      = regexp.MustCompile(`^([A-Z0-9][A-Z0-9-]{2,31})(?:@([1-9][0-9]{0,4}))?$`)
)

// celReserved are CEL's reserved words, unusable as situation ids.
var celReserved = []string{"as", "break", "const", "continue", "else", "false", "for", "function", "if", "import",
	"in", "let", "loop", "package", "namespace", "null", "return", "true", "var", "void", "while"}

// pos is a place in a source file.
type pos struct {
	file string
	line int
}

// ctx prefixes messages with what is being read, e.g. "item XM-ZRGH-003".
type ctx struct{ zh, en string }

// loader reads the files of one catalog and validates them as a whole.
// Checks that need the whole catalog (references, rules that need the
// questionnaire) are queued in later and run once every file is read.
type loader struct {
	ps        problems
	dir       string
	file      string
	depts     []Department
	deptPos   map[string]pos
	questions []Question
	qPos      map[string]pos
	library   map[string]libMaterial
	items     []*parsedItem
	itemPos   map[itemKey]pos
	flows     []*parsedFlow
	flowPos   map[itemKey]pos
}

type libMaterial struct {
	m   Material
	pos pos
}

type parsedItem struct {
	it        Item
	pos       pos
	deptPos   pos
	whenPos   pos
	cosignPos []pos
	materials []materialUse
}

type materialUse struct {
	f   fields
	pos pos
}

type parsedFlow struct {
	f      Flow
	pos    pos
	stages []parsedStage
}

type parsedStage struct {
	pos     pos
	leadPos pos
	refs    []string
	refPos  []pos
}

// Load reads every .yaml/.yml file under dir in fsys (os.DirFS or an
// embedded FS) and returns the validated catalog. Files may split the
// catalog any way: each holds top-level lists named departments,
// situations, materials, items and flows. On any problem Load returns
// every problem found (up to a cap) as one apperr.Invalid error; use
// Problems to get them as a list.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	l := &loader{dir: dir, deptPos: map[string]pos{}, qPos: map[string]pos{}, library: map[string]libMaterial{},
		itemPos: map[itemKey]pos{}, flowPos: map[itemKey]pos{}}
	var files []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		l.ps.add(dir, 0, "目录不存在", "the directory does not exist")
		return nil, l.ps.err()
	}
	if err != nil {
		return nil, apperr.Wrap(err, "catalog: walk "+dir)
	}
	switch {
	case len(files) == 0:
		l.ps.add(dir, 0, "目录中没有 .yaml 文件", "the directory holds no .yaml file")
		return nil, l.ps.err()
	case len(files) > maxFiles:
		l.ps.add(dir, 0, fmt.Sprintf("文件过多（%d 个，最多 %d 个）", len(files), maxFiles), fmt.Sprintf("too many files (%d, at most %d)", len(files), maxFiles))
		return nil, l.ps.err()
	}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, apperr.Wrap(err, "catalog: read "+f)
		}
		l.readFile(f, data)
	}
	return l.finish()
}

// readFile parses one file; a YAML syntax error ends that file only, so the
// other files are still checked.
func (l *loader) readFile(name string, data []byte) {
	l.file = name
	if len(data) > maxFileSize {
		l.add(0, ctx{}, fmt.Sprintf("文件过大（%d 字节，最多 %d）", len(data), maxFileSize), fmt.Sprintf("the file is too large (%d bytes, at most %d)", len(data), maxFileSize))
		return
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return
		}
		if err != nil {
			line, msg := yamlErrorLine(err)
			l.add(line, ctx{}, "YAML 语法错误："+msg, "YAML syntax error: "+msg)
			return
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		m, ok := l.mapping(root, ctx{"文件", "file"})
		if !ok {
			continue
		}
		l.only(m, ctx{"文件", "file"}, "departments", "situations", "materials", "items", "flows")
		for _, n := range l.list(m, "departments", ctx{"文件", "file"}) {
			l.department(n)
		}
		for _, n := range l.list(m, "situations", ctx{"文件", "file"}) {
			l.question(n)
		}
		for _, n := range l.list(m, "materials", ctx{"文件", "file"}) {
			l.libraryMaterial(n)
		}
		for _, n := range l.list(m, "items", ctx{"文件", "file"}) {
			l.item(n)
		}
		for _, n := range l.list(m, "flows", ctx{"文件", "file"}) {
			l.flow(n)
		}
	}
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlErrorLine(err error) (int, string) {
	msg := err.Error()
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, m[2]
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// ---- entities ----

func (l *loader) department(n *yaml.Node) {
	c := ctx{"部门", "department"}
	m, ok := l.mapping(n, c)
	if !ok {
		return
	}
	d := Department{Code: l.str(m, "code", c, true)}
	if d.Code != "" {
		c = ctx{"部门 " + d.Code, "department " + d.Code}
	}
	l.only(m, c, "code", "name", "short")
	d.Name = l.str(m, "name", c, true)
	d.Short = l.str(m, "short", c, false)
	if d.Code == "" {
		return
	}
	if !deptCodeRe.MatchString(d.Code) {
		l.addAt(m.val("code"), c, "部门代码须为大写字母开头的 2–16 位大写字母、数字或下划线", "a department code has 2–16 capital letters, digits or underscores, starting with a letter")
		return
	}
	if p, dup := l.deptPos[d.Code]; dup {
		l.addAt(m.val("code"), c, "部门代码重复，已在 "+p.String()+" 定义", "duplicate department code, already defined at "+p.String())
		return
	}
	l.deptPos[d.Code] = l.here(m.node)
	l.depts = append(l.depts, d)
}

func (l *loader) question(n *yaml.Node) {
	c := ctx{"情形", "situation"}
	m, ok := l.mapping(n, c)
	if !ok {
		return
	}
	q := Question{ID: l.str(m, "id", c, true)}
	if q.ID != "" {
		c = ctx{"情形 " + q.ID, "situation " + q.ID}
	}
	l.only(m, c, "id", "text", "type", "unit", "help", "options")
	q.Text = l.str(m, "text", c, true)
	q.Type = l.str(m, "type", c, true)
	q.Unit = l.str(m, "unit", c, false)
	q.Help = l.str(m, "help", c, false)
	switch q.Type {
	case "", QuestionBool, QuestionNumber, QuestionChoice:
	default:
		l.addAt(m.val("type"), c, fmt.Sprintf("类型 %q 无效，应为 bool、number 或 choice", q.Type), fmt.Sprintf("type %q is not bool, number or choice", q.Type))
	}
	opts := l.list(m, "options", c)
	if q.Type == QuestionChoice && len(opts) == 0 {
		l.addAt(m.node, c, "choice 类型须列出 options", "a choice needs options")
	}
	if q.Type != QuestionChoice && m.has("options") {
		l.addAt(m.val("options"), c, "只有 choice 类型可以有 options", "only a choice has options")
	}
	if q.Unit != "" && q.Type != QuestionNumber {
		l.addAt(m.val("unit"), c, "只有 number 类型可以有 unit", "only a number has a unit")
	}
	seen := map[string]bool{}
	for _, on := range opts {
		om, ok := l.mapping(on, c)
		if !ok {
			continue
		}
		l.only(om, c, "value", "label")
		o := Option{Value: l.str(om, "value", c, true), Label: l.str(om, "label", c, true)}
		if o.Value == "" {
			continue
		}
		if seen[o.Value] {
			l.addAt(om.val("value"), c, fmt.Sprintf("选项 %q 重复", o.Value), fmt.Sprintf("duplicate option %q", o.Value))
		}
		seen[o.Value] = true
		q.Options = append(q.Options, o)
	}
	if q.ID == "" {
		return
	}
	if !identRe.MatchString(q.ID) || slices.Contains(celReserved, q.ID) {
		l.addAt(m.val("id"), c, "情形标识须为小写字母开头的小写字母、数字或下划线，且不能是规则语言的保留字", "a situation id has lower-case letters, digits and underscores, starts with a letter and is not a rule-language keyword")
		return
	}
	if p, dup := l.qPos[q.ID]; dup {
		l.addAt(m.val("id"), c, "情形标识重复，已在 "+p.String()+" 定义", "duplicate situation id, already defined at "+p.String())
		return
	}
	l.qPos[q.ID] = l.here(m.node)
	l.questions = append(l.questions, q)
}

// materialShared are the keys describing a material itself, as opposed to
// how one item uses it.
var materialShared = []string{"name", "seal_required", "straddle_seal_required", "formats", "max_size_mb", "note"}

func (l *loader) libraryMaterial(n *yaml.Node) {
	c := ctx{"材料", "material"}
	m, ok := l.mapping(n, c)
	if !ok {
		return
	}
	code := l.str(m, "code", c, true)
	if code != "" {
		c = ctx{"材料 " + code, "material " + code}
	}
	l.only(m, c, append([]string{"code", "rongque_allowed"}, materialShared...)...)
	mat := l.materialBody(m, c)
	mat.Code = code
	mat.RongqueAllowed = l.boolean(m, "rongque_allowed", c)
	if code == "" {
		return
	}
	if !materialCodeRe.MatchString(code) {
		l.addAt(m.val("code"), c, "材料代码须为大写字母、数字或连字符（2–32 位）", "a material code has 2–32 capital letters, digits or hyphens")
		return
	}
	if prev, dup := l.library[code]; dup {
		l.addAt(m.val("code"), c, "材料代码重复，已在 "+prev.pos.String()+" 定义", "duplicate material code, already defined at "+prev.pos.String())
		return
	}
	l.library[code] = libMaterial{m: mat, pos: l.here(m.node)}
}

// materialBody reads the keys shared by library and inline materials.
func (l *loader) materialBody(m fields, c ctx) Material {
	mat := Material{
		Name:                 l.str(m, "name", c, true),
		SealRequired:         l.boolean(m, "seal_required", c),
		StraddleSealRequired: l.boolean(m, "straddle_seal_required", c),
		Note:                 l.str(m, "note", c, false),
	}
	for _, fn := range l.strList(m, "formats", c, true) {
		f := strings.ToLower(fn.value)
		if !slices.Contains(Formats, f) {
			l.addAt(fn.node, c, fmt.Sprintf("文件格式 %q 不受支持，可选：%s", fn.value, strings.Join(Formats, "、")), fmt.Sprintf("file format %q is not supported; use %s", fn.value, strings.Join(Formats, ", ")))
			continue
		}
		if slices.Contains(mat.Formats, f) {
			l.addAt(fn.node, c, fmt.Sprintf("文件格式 %q 重复", f), fmt.Sprintf("duplicate file format %q", f))
			continue
		}
		mat.Formats = append(mat.Formats, f)
	}
	if mat.StraddleSealRequired && m.has("seal_required") && !mat.SealRequired {
		l.addAt(m.val("seal_required"), c, "要求骑缝章的材料必须盖章（seal_required 应为 true）", "a material that needs a straddle seal needs a seal (seal_required must be true)")
	}
	mat.SealRequired = mat.SealRequired || mat.StraddleSealRequired
	if size, ok := l.integer(m, "max_size_mb", c, true); ok {
		if size < 1 || size > maxSizeMB {
			l.addAt(m.val("max_size_mb"), c, fmt.Sprintf("max_size_mb 须在 1–%d 之间", maxSizeMB), fmt.Sprintf("max_size_mb must be 1–%d", maxSizeMB))
		}
		mat.MaxSizeMB = size
	}
	return mat
}

var itemKeys = []string{"code", "version", "name", "department", "stage", "legal_limit", "committed_limit", "unit", "result",
	"result_name", "basis", "levels", "rongque", "commitment", "cosign", "when", "why", "materials"}

func (l *loader) item(n *yaml.Node) {
	c := ctx{"事项", "item"}
	m, ok := l.mapping(n, c)
	if !ok {
		return
	}
	p := &parsedItem{pos: l.here(m.node)}
	it := &p.it
	it.Code = l.str(m, "code", c, true)
	if it.Code != "" {
		c = ctx{"事项 " + it.Code, "item " + it.Code}
	}
	l.only(m, c, itemKeys...)
	it.Version, _ = l.integer(m, "version", c, true)
	it.Name = l.str(m, "name", c, true)
	it.Department = l.str(m, "department", c, true)
	p.deptPos = l.here(m.val("department"))
	it.Stage, _ = l.integer(m, "stage", c, true)
	it.LegalLimit, _ = l.integer(m, "legal_limit", c, true)
	it.CommittedLimit, _ = l.integer(m, "committed_limit", c, true)
	it.Unit = Unit(l.str(m, "unit", c, true))
	it.Result = ResultKind(l.str(m, "result", c, true))
	it.ResultName = l.str(m, "result_name", c, true)
	it.Basis = l.str(m, "basis", c, false)
	it.Rongque = l.boolean(m, "rongque", c)
	it.Commitment = l.boolean(m, "commitment", c)
	it.When = l.str(m, "when", c, false)
	p.whenPos = l.here(m.val("when"))
	it.Why = l.str(m, "why", c, false)
	if it.Why != "" && it.When == "" {
		l.addAt(m.val("why"), c, "why 说明的是 when 规则，没有 when 时不能单独填写", "why explains the when rule and needs one")
	}

	if m.has("code") && it.Code != "" && !itemCodeRe.MatchString(it.Code) {
		l.addAt(m.val("code"), c, "事项编码须为 3–32 位大写字母、数字或连字符", "an item code has 3–32 capital letters, digits or hyphens")
	}
	if m.has("version") && it.Version < 1 {
		l.addAt(m.val("version"), c, "版本号须为不小于 1 的整数", "the version must be an integer of at least 1")
	}
	if m.has("stage") && (it.Stage < 1 || it.Stage > Stages) {
		l.addAt(m.val("stage"), c, fmt.Sprintf("阶段 %d 无效，应为 1–4", it.Stage), fmt.Sprintf("stage %d is not 1–4", it.Stage))
	}
	for _, k := range []string{"legal_limit", "committed_limit"} {
		v := it.LegalLimit
		if k == "committed_limit" {
			v = it.CommittedLimit
		}
		if m.has(k) && (v < 1 || v > maxLimit) {
			l.addAt(m.val(k), c, fmt.Sprintf("%s %d 无效，须为 1–%d 天", k, v, maxLimit), fmt.Sprintf("%s %d must be 1–%d days", k, v, maxLimit))
		}
	}
	if it.CommittedLimit > it.LegalLimit && it.LegalLimit >= 1 {
		l.addAt(m.val("committed_limit"), c, fmt.Sprintf("承诺时限 committed_limit %d 超过法定时限 legal_limit %d", it.CommittedLimit, it.LegalLimit),
			fmt.Sprintf("committed_limit %d exceeds legal_limit %d", it.CommittedLimit, it.LegalLimit))
	}
	if m.has("unit") && it.Unit != WorkingDays && it.Unit != NaturalDays {
		l.addAt(m.val("unit"), c, fmt.Sprintf("时限单位 %q 无效，应为 WD（工作日）或 ND（自然日）", it.Unit), fmt.Sprintf("unit %q is not WD (working days) or ND (natural days)", it.Unit))
	}
	switch it.Result {
	case "", ResultLicence, ResultApproval, ResultOpinion, ResultFiling:
	default:
		l.addAt(m.val("result"), c, fmt.Sprintf("结果类型 %q 无效，应为 licence、approval、opinion 或 filing", it.Result), fmt.Sprintf("result %q is not licence, approval, opinion or filing", it.Result))
	}

	levels := l.list(m, "levels", c)
	if m.has("levels") && len(levels) == 0 {
		l.addAt(m.val("levels"), c, "levels 不能为空", "levels must not be empty")
	} else if !m.has("levels") {
		l.addAt(m.node, c, "缺少字段 \"levels\"", "missing field \"levels\"")
	}
	if len(levels) > maxLevels {
		l.addAt(m.val("levels"), c, fmt.Sprintf("层级过多（最多 %d 级）", maxLevels), fmt.Sprintf("too many levels (at most %d)", maxLevels))
	}
	for _, ln := range levels {
		lm, ok := l.mapping(ln, c)
		if !ok {
			continue
		}
		l.only(lm, c, "name", "role")
		lv := Level{Name: l.str(lm, "name", c, true), Role: l.str(lm, "role", c, true)}
		if lv.Role != "" && lv.Role != RoleClerk && lv.Role != RoleReviewer && lv.Role != RoleApprover {
			l.addAt(lm.val("role"), c, fmt.Sprintf("层级角色 %q 无效，应为 clerk、reviewer 或 approver", lv.Role), fmt.Sprintf("level role %q is not clerk, reviewer or approver", lv.Role))
		}
		it.Levels = append(it.Levels, lv)
	}

	if m.has("cosign") {
		cm, ok := l.mapping(m.val("cosign"), c)
		if ok {
			l.only(cm, c, "mode", "departments")
			cs := &Cosign{Mode: l.str(cm, "mode", c, true)}
			if cs.Mode != "" && cs.Mode != CosignAll && cs.Mode != CosignAny {
				l.addAt(cm.val("mode"), c, fmt.Sprintf("会签方式 %q 无效，应为 all（会签）或 any（或签）", cs.Mode), fmt.Sprintf("cosign mode %q is not all or any", cs.Mode))
			}
			for _, d := range l.strList(cm, "departments", c, true) {
				if slices.Contains(cs.Departments, d.value) {
					l.addAt(d.node, c, fmt.Sprintf("会签部门 %s 重复", d.value), fmt.Sprintf("duplicate cosign department %s", d.value))
					continue
				}
				cs.Departments = append(cs.Departments, d.value)
				p.cosignPos = append(p.cosignPos, l.here(d.node))
			}
			it.Cosign = cs
		}
	}

	mats := l.list(m, "materials", c)
	if len(mats) == 0 {
		l.addAt(m.node, c, "事项至少要有一项申请材料（materials）", "an item needs at least one material")
	}
	for _, mn := range mats {
		mm, ok := l.mapping(mn, c)
		if ok {
			p.materials = append(p.materials, materialUse{f: mm, pos: l.here(mm.node)})
		}
	}

	// An item with a bad key is still checked further (department, rules)
	// so one load reports as much as it can; it just is not registered.
	k := itemKey{it.Code, it.Version}
	if prev, dup := l.itemPos[k]; dup {
		l.addAt(m.val("code"), c, fmt.Sprintf("事项编码与版本（%s 第%d版）重复，已在 %s 定义", it.Code, it.Version, prev), fmt.Sprintf("duplicate item code and version (%s version %d), already defined at %s", it.Code, it.Version, prev))
		return
	}
	if it.Code != "" && it.Version >= 1 {
		l.itemPos[k] = p.pos
	}
	l.items = append(l.items, p)
}

func (l *loader) flow(n *yaml.Node) {
	c := ctx{"流程", "flow"}
	m, ok := l.mapping(n, c)
	if !ok {
		return
	}
	p := &parsedFlow{pos: l.here(m.node)}
	f := &p.f
	f.ID = l.str(m, "id", c, true)
	f.Version, _ = l.integer(m, "version", c, true)
	if f.ID != "" {
		c = ctx{fmt.Sprintf("流程 %s 第%d版", f.ID, f.Version), fmt.Sprintf("flow %s version %d", f.ID, f.Version)}
	}
	l.only(m, c, "id", "version", "name", "project_type", "government_invested", "description", "stages")
	f.Name = l.str(m, "name", c, true)
	f.ProjectType = l.str(m, "project_type", c, true)
	f.GovernmentInvested = l.boolean(m, "government_invested", c)
	f.Description = l.str(m, "description", c, false)
	if f.ID != "" && !identRe.MatchString(f.ID) {
		l.addAt(m.val("id"), c, "流程标识须为小写字母开头的小写字母、数字或下划线", "a flow id has lower-case letters, digits and underscores and starts with a letter")
	}
	if m.has("version") && f.Version < 1 {
		l.addAt(m.val("version"), c, "流程版本号须为不小于 1 的整数", "the flow version must be an integer of at least 1")
	}
	if f.ProjectType != "" && !identRe.MatchString(f.ProjectType) {
		l.addAt(m.val("project_type"), c, "项目类型须为小写字母开头的小写字母、数字或下划线", "a project type has lower-case letters, digits and underscores and starts with a letter")
	}
	stages := l.list(m, "stages", c)
	seen := map[int]bool{}
	for _, sn := range stages {
		sm, ok := l.mapping(sn, c)
		if !ok {
			continue
		}
		l.only(sm, c, "number", "name", "lead_department", "limit_days", "items")
		st := FlowStage{Name: l.str(sm, "name", c, true), LeadDepartment: l.str(sm, "lead_department", c, true)}
		st.Number, _ = l.integer(sm, "number", c, true)
		st.LimitDays, _ = l.integer(sm, "limit_days", c, true)
		if sm.has("number") && (st.Number < 1 || st.Number > Stages) {
			l.addAt(sm.val("number"), c, fmt.Sprintf("阶段 %d 无效，应为 1–4", st.Number), fmt.Sprintf("stage %d is not 1–4", st.Number))
			continue
		}
		if seen[st.Number] && st.Number != 0 {
			l.addAt(sm.val("number"), c, fmt.Sprintf("第%d阶段重复", st.Number), fmt.Sprintf("stage %d appears twice", st.Number))
			continue
		}
		seen[st.Number] = true
		if sm.has("limit_days") && (st.LimitDays < 1 || st.LimitDays > maxLimit) {
			l.addAt(sm.val("limit_days"), c, fmt.Sprintf("阶段时限 limit_days %d 无效，须为 1–%d 个工作日", st.LimitDays, maxLimit), fmt.Sprintf("limit_days %d must be 1–%d working days", st.LimitDays, maxLimit))
		}
		ps := parsedStage{pos: l.here(sm.node), leadPos: l.here(sm.val("lead_department"))}
		for _, r := range l.strList(sm, "items", c, true) {
			ps.refs = append(ps.refs, r.value)
			ps.refPos = append(ps.refPos, l.here(r.node))
		}
		f.Stages = append(f.Stages, st)
		p.stages = append(p.stages, ps)
	}
	if m.has("stages") {
		var missing []string
		for n := 1; n <= Stages; n++ {
			if !seen[n] {
				missing = append(missing, strconv.Itoa(n))
			}
		}
		if len(missing) > 0 {
			l.addAt(m.val("stages"), c, "缺少第 "+strings.Join(missing, "、")+" 阶段（四个阶段都要列出）", "missing stage(s) "+strings.Join(missing, ", ")+" (list all four)")
		}
	} else {
		l.addAt(m.node, c, "缺少字段 \"stages\"", "missing field \"stages\"")
	}
	k := itemKey{f.ID, f.Version}
	if prev, dup := l.flowPos[k]; dup {
		l.addAt(m.val("id"), c, "流程标识与版本重复，已在 "+prev.String()+" 定义", "duplicate flow id and version, already defined at "+prev.String())
		return
	}
	if f.ID != "" && f.Version >= 1 {
		l.flowPos[k] = p.pos
	}
	l.flows = append(l.flows, p)
}

// ---- whole-catalog checks ----

// finish resolves references, compiles the rules and builds the catalog.
func (l *loader) finish() (*Catalog, error) {
	c := &Catalog{departments: l.depts, deptIdx: map[string]int{}, questions: l.questions, questionIdx: map[string]int{},
		items: map[itemKey]*Item{}, flows: map[itemKey]*Flow{}}
	for i, d := range l.depts {
		c.deptIdx[d.Code] = i
	}
	for i, q := range l.questions {
		c.questionIdx[q.ID] = i
	}
	env, err := newRuleEnv(l.questions)
	if err != nil {
		return nil, apperr.Wrap(err, "catalog: rule environment")
	}
	inline := map[string]libMaterial{} // materials defined inside items, to keep one meaning per code
	for _, p := range l.items {
		it := &p.it
		c1 := ctx{"事项 " + it.Code, "item " + it.Code}
		if it.Department != "" {
			if _, ok := c.deptIdx[it.Department]; !ok {
				l.addPos(p.deptPos, c1, fmt.Sprintf("部门 %q 未定义", it.Department), fmt.Sprintf("department %q is not defined", it.Department))
			}
		}
		if it.Cosign != nil {
			for i, d := range it.Cosign.Departments {
				switch _, ok := c.deptIdx[d]; {
				case !ok:
					l.addPos(p.cosignPos[i], c1, fmt.Sprintf("会签部门 %q 未定义", d), fmt.Sprintf("cosign department %q is not defined", d))
				case d == it.Department:
					l.addPos(p.cosignPos[i], c1, "会签部门不能是事项的主办部门", "the item's own department cannot cosign it")
				}
			}
		}
		if it.When != "" {
			r, rerr := env.compile(it.When)
			if rerr != nil {
				l.addPos(p.whenPos, c1, "when 规则："+rerr.zh, "when rule: "+rerr.en)
			}
			it.when = r
		}
		seen := map[string]bool{}
		for _, u := range p.materials {
			mat, ok := l.resolveMaterial(u, c1, env, inline)
			if !ok {
				continue
			}
			if seen[mat.Code] {
				l.addPos(u.pos, c1, fmt.Sprintf("材料 %s 重复列出", mat.Code), fmt.Sprintf("material %s is listed twice", mat.Code))
				continue
			}
			seen[mat.Code] = true
			it.Materials = append(it.Materials, mat)
		}
		c.items[itemKey{it.Code, it.Version}] = it
	}
	for _, p := range l.flows {
		f := &p.f
		fc := ctx{fmt.Sprintf("流程 %s 第%d版", f.ID, f.Version), fmt.Sprintf("flow %s version %d", f.ID, f.Version)}
		inFlow := map[string]pos{}
		for si := range f.Stages {
			st := &f.Stages[si]
			ps := p.stages[si]
			if st.LeadDepartment != "" {
				if _, ok := c.deptIdx[st.LeadDepartment]; !ok {
					l.addPos(ps.leadPos, fc, fmt.Sprintf("牵头部门 %q 未定义", st.LeadDepartment), fmt.Sprintf("lead department %q is not defined", st.LeadDepartment))
				}
			}
			for ri, ref := range ps.refs {
				rp := ps.refPos[ri]
				mm := itemRefRe.FindStringSubmatch(ref)
				if mm == nil {
					l.addPos(rp, fc, fmt.Sprintf("事项引用 %q 格式错误，应为“编码”或“编码@版本”", ref), fmt.Sprintf("item reference %q is not CODE or CODE@VERSION", ref))
					continue
				}
				code, v := mm[1], 0
				if mm[2] != "" {
					v, _ = strconv.Atoi(mm[2])
				} else {
					v = latest(c.items, code) // unpinned: the newest version in this catalog, pinned from now on
				}
				it, ok := c.items[itemKey{code, v}]
				switch {
				case !ok && mm[2] != "":
					l.addPos(rp, fc, fmt.Sprintf("事项 %s 第%d版未定义", code, v), fmt.Sprintf("item %s version %d is not defined", code, v))
					continue
				case !ok:
					l.addPos(rp, fc, fmt.Sprintf("事项 %s 未定义", code), fmt.Sprintf("item %s is not defined", code))
					continue
				case it.Stage != st.Number:
					l.addPos(rp, fc, fmt.Sprintf("事项 %s 属于第%d阶段，不能列在第%d阶段", code, it.Stage, st.Number), fmt.Sprintf("item %s belongs to stage %d, not stage %d", code, it.Stage, st.Number))
					continue
				}
				if prev, dup := inFlow[code]; dup {
					l.addPos(rp, fc, "事项 "+code+" 在流程中重复列出（见 "+prev.String()+"）", "item "+code+" is listed twice in the flow (see "+prev.String()+")")
					continue
				}
				inFlow[code] = rp
				st.Items = append(st.Items, ItemRef{Code: code, Version: v})
			}
		}
		f.source = flowSource(p) // before sorting: p.stages follows file order
		slices.SortFunc(f.Stages, func(a, b FlowStage) int { return a.Number - b.Number })
		c.flows[itemKey{f.ID, f.Version}] = f
	}
	if len(l.depts) == 0 && l.ps.empty() {
		l.ps.add(l.dir, 0, "目录中没有定义任何部门（departments）", "the catalog defines no department")
	}
	if len(l.flows) == 0 && l.ps.empty() {
		l.ps.add(l.dir, 0, "目录中没有定义任何流程（flows）", "the catalog defines no flow")
	}
	if err := l.ps.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// resolveMaterial turns one item's material entry into a Material: either a
// reference to the material library plus this item's usage, or a complete
// inline definition.
func (l *loader) resolveMaterial(u materialUse, c ctx, env *ruleEnv, inline map[string]libMaterial) (Material, bool) {
	m := u.f
	l.file = u.pos.file
	code := l.str(m, "code", c, true)
	if code == "" {
		l.addPos(u.pos, c, "材料缺少字段 \"code\"", "a material is missing field \"code\"")
		return Material{}, false
	}
	mc := ctx{c.zh + " 材料 " + code, c.en + " material " + code}
	usage := []string{"code", "required", "condition", "why", "rongque_allowed"}
	var mat Material
	if lib, ok := l.library[code]; ok {
		l.only(m, mc, usage...)
		for _, k := range materialShared {
			if m.has(k) {
				l.addAt(m.val(k), mc, fmt.Sprintf("该材料已在材料库（%s）定义，%s 只能在材料库中修改", lib.pos, k), fmt.Sprintf("the material is defined in the library (%s); change %s there", lib.pos, k))
			}
		}
		mat = lib.m
		if m.has("rongque_allowed") {
			mat.RongqueAllowed = l.boolean(m, "rongque_allowed", mc)
		}
	} else {
		l.only(m, mc, append(usage, materialShared...)...)
		if !m.has("name") && !m.has("formats") {
			l.addPos(u.pos, mc, "材料未在材料库（materials）中定义，也没有在此处给出 name、formats 等定义", "the material is not in the material library and is not defined here (name, formats, …)")
			return Material{}, false
		}
		mat = l.materialBody(m, mc)
		mat.Code = code
		mat.RongqueAllowed = l.boolean(m, "rongque_allowed", mc)
		if !materialCodeRe.MatchString(code) {
			l.addAt(m.val("code"), mc, "材料代码须为大写字母、数字或连字符（2–32 位）", "a material code has 2–32 capital letters, digits or hyphens")
		}
		if prev, ok := inline[code]; ok && !sameMaterial(prev.m, mat) {
			l.addPos(u.pos, mc, "同一材料代码在 "+prev.pos.String()+" 的定义不同；共用的材料请放入材料库", "the same material code is defined differently at "+prev.pos.String()+"; put shared materials in the library")
		} else if !ok {
			inline[code] = libMaterial{m: mat, pos: u.pos}
		}
	}
	mat.Required = l.boolean(m, "required", mc)
	mat.Condition = l.str(m, "condition", mc, false)
	mat.Why = l.str(m, "why", mc, false)
	if mat.Condition != "" {
		if !mat.Required {
			l.addAt(m.val("condition"), mc, "condition 决定材料何时必须提交，只能用于 required: true 的材料", "condition says when a material is required and needs required: true")
		}
		r, rerr := env.compile(mat.Condition)
		if rerr != nil {
			l.addAt(m.val("condition"), mc, "condition 规则："+rerr.zh, "condition rule: "+rerr.en)
		}
		mat.cond = r
	} else if mat.Why != "" {
		l.addAt(m.val("why"), mc, "why 说明的是 condition 规则，没有 condition 时不能单独填写", "why explains the condition and needs one")
	}
	return mat, true
}

// flowSource renders a flow with its item references as written.
func flowSource(p *parsedFlow) string {
	type stage struct {
		FlowStage
		Refs []string `json:"refs"`
	}
	src := struct {
		Flow
		Stages []stage `json:"stages"` // shadows Flow.Stages
	}{Flow: p.f}
	for i, st := range p.f.Stages {
		st.Items = nil
		src.Stages = append(src.Stages, stage{FlowStage: st, Refs: p.stages[i].refs})
	}
	b, _ := json.Marshal(src)
	return string(b)
}

func sameMaterial(a, b Material) bool {
	return a.Name == b.Name && a.SealRequired == b.SealRequired && a.StraddleSealRequired == b.StraddleSealRequired &&
		slices.Equal(a.Formats, b.Formats) && a.MaxSizeMB == b.MaxSizeMB && a.Note == b.Note
}

// ---- YAML node helpers ----

// fields is a YAML mapping read into key → value nodes.
type fields struct {
	node *yaml.Node
	keys map[string]*yaml.Node
	vals map[string]*yaml.Node
}

func (m fields) has(k string) bool       { _, ok := m.vals[k]; return ok }
func (m fields) val(k string) *yaml.Node { return m.vals[k] }

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func (l *loader) here(n *yaml.Node) pos {
	if n == nil {
		return pos{l.file, 0}
	}
	return pos{l.file, n.Line}
}

func (p pos) String() string { return fmt.Sprintf("%s:%d", p.file, p.line) }

func (l *loader) add(line int, c ctx, zh, en string) {
	if c.en != "" && c.en != "file" {
		zh, en = c.zh+"："+zh, c.en+": "+en
	}
	l.ps.add(l.file, line, zh, en)
}

func (l *loader) addAt(n *yaml.Node, c ctx, zh, en string) {
	line := 0
	if n != nil {
		line = n.Line
	}
	l.add(line, c, zh, en)
}

func (l *loader) addPos(p pos, c ctx, zh, en string) {
	saved := l.file
	l.file = p.file
	l.add(p.line, c, zh, en)
	l.file = saved
}

// mapping reads a mapping node; duplicate keys are errors (yaml.v3 reports
// them too, but only for the decoding API we do not use).
func (l *loader) mapping(n *yaml.Node, c ctx) (fields, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		l.addAt(n, c, "此处应为键值映射（key: value）", "expected a mapping (key: value)")
		return fields{}, false
	}
	m := fields{node: n, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if _, dup := m.keys[k.Value]; dup {
			l.addAt(k, c, fmt.Sprintf("键 %q 重复", k.Value), fmt.Sprintf("duplicate key %q", k.Value))
			continue
		}
		m.keys[k.Value] = k
		m.vals[k.Value] = v
	}
	return m, true
}

// only reports every key of m that is not allowed: a typo must not pass
// silently as an absent optional field.
func (l *loader) only(m fields, c ctx, allowed ...string) {
	var bad []string
	for k := range m.vals {
		if !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	for _, k := range bad {
		kn := m.keys[k]
		if kn == nil { // fields rebuilt without key nodes
			kn = m.vals[k]
		}
		if near := nearest(k, allowed); near != "" {
			l.addAt(kn, c, fmt.Sprintf("未知的键 %q，是否应为 %q？", k, near), fmt.Sprintf("unknown key %q; did you mean %q?", k, near))
			continue
		}
		l.addAt(kn, c, fmt.Sprintf("未知的键 %q（允许：%s）", k, strings.Join(allowed, ", ")), fmt.Sprintf("unknown key %q (allowed: %s)", k, strings.Join(allowed, ", ")))
	}
}

// nearest returns the allowed key within two edits of k, if any: most
// unknown keys are typos of a real one.
func nearest(k string, allowed []string) string {
	best, bestD := "", 3
	for _, a := range allowed {
		if d := editDistance(k, a); d < bestD {
			best, bestD = a, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 99
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func (l *loader) missing(m fields, k string, c ctx) {
	l.addAt(m.node, c, fmt.Sprintf("缺少字段 %q", k), fmt.Sprintf("missing field %q", k))
}

// str reads a scalar as text. Numbers are accepted as text (a district code
// written unquoted), null and nested structures are not.
func (l *loader) str(m fields, k string, c ctx, required bool) string {
	n, ok := m.vals[k]
	if !ok {
		if required {
			l.missing(m, k, c)
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		l.addAt(n, c, fmt.Sprintf("%s 应为文本", k), fmt.Sprintf("%s must be text", k))
		return ""
	}
	v := strings.TrimSpace(n.Value)
	if v == "" && required {
		l.addAt(n, c, fmt.Sprintf("%s 不能为空", k), fmt.Sprintf("%s must not be empty", k))
	}
	return v
}

func (l *loader) integer(m fields, k string, c ctx, required bool) (int, bool) {
	n, ok := m.vals[k]
	if !ok {
		if required {
			l.missing(m, k, c)
		}
		return 0, false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		l.addAt(n, c, fmt.Sprintf("%s 应为整数", k), fmt.Sprintf("%s must be an integer", k))
		return 0, false
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		l.addAt(n, c, fmt.Sprintf("%s 应为整数", k), fmt.Sprintf("%s must be an integer", k))
		return 0, false
	}
	return v, true
}

// boolean reads an optional flag, false when absent.
func (l *loader) boolean(m fields, k string, c ctx) bool {
	n, ok := m.vals[k]
	if !ok {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		l.addAt(n, c, fmt.Sprintf("%s 应为 true 或 false", k), fmt.Sprintf("%s must be true or false", k))
		return false
	}
	return n.Value == "true"
}

type strAt struct {
	value string
	node  *yaml.Node
}

func (l *loader) strList(m fields, k string, c ctx, required bool) []strAt {
	n, ok := m.vals[k]
	if !ok {
		if required {
			l.missing(m, k, c)
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.addAt(n, c, fmt.Sprintf("%s 应为列表", k), fmt.Sprintf("%s must be a list", k))
		return nil
	}
	if required && len(n.Content) == 0 {
		l.addAt(n, c, fmt.Sprintf("%s 不能为空", k), fmt.Sprintf("%s must not be empty", k))
	}
	var out []strAt
	for _, e := range n.Content {
		e = deref(e)
		if e.Kind != yaml.ScalarNode || e.Tag == "!!null" || strings.TrimSpace(e.Value) == "" {
			l.addAt(e, c, fmt.Sprintf("%s 的每一项应为非空文本", k), fmt.Sprintf("every entry of %s must be non-empty text", k))
			continue
		}
		out = append(out, strAt{strings.TrimSpace(e.Value), e})
	}
	return out
}

// list reads an optional sequence of nodes.
func (l *loader) list(m fields, k string, c ctx) []*yaml.Node {
	n, ok := m.vals[k]
	if !ok {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.addAt(n, c, fmt.Sprintf("%s 应为列表", k), fmt.Sprintf("%s must be a list", k))
		return nil
	}
	return n.Content
}
