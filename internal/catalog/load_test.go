package catalog

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tongban/tongban/catalogs"
	"github.com/tongban/tongban/internal/apperr"
)

// mustXiamen loads the bundled catalog or fails the test.
func mustXiamen(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load(catalogs.XiamenFS(), ".")
	if err != nil {
		t.Fatalf("load bundled catalog: %v", err)
	}
	return c
}

// baseFS returns the small valid test catalog under "cat/", plus extra files.
func baseFS(t testing.TB, extra map[string]string) fstest.MapFS {
	t.Helper()
	base, err := os.ReadFile("testdata/base/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"cat/base.yaml": {Data: base}}
	for name, data := range extra {
		fsys["cat/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// mustBase loads the small valid test catalog.
func mustBase(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load(baseFS(t, nil), "cat")
	if err != nil {
		t.Fatalf("load base catalog: %v", err)
	}
	return c
}

func TestLoadBundled(t *testing.T) {
	c := mustXiamen(t)
	if got := len(c.Departments()); got < 10 {
		t.Errorf("departments = %d, want >= 10", got)
	}
	if got := len(c.Flows()); got < 4 {
		t.Errorf("flows = %d, want >= 4", got)
	}
	codes := map[string]bool{}
	modes := map[string]bool{}
	perStage := map[int]int{}
	for _, it := range c.Items() {
		codes[it.Code] = true
		perStage[it.Stage]++
		if it.When != "" && it.when == nil {
			t.Errorf("item %s: rule %q not compiled", it.Code, it.When)
		}
		if it.CommittedLimit > it.LegalLimit {
			t.Errorf("item %s: committed %d > legal %d", it.Code, it.CommittedLimit, it.LegalLimit)
		}
		if it.Cosign != nil {
			modes[it.Cosign.Mode] = true
		}
		for _, m := range it.Materials {
			if m.Condition != "" && m.cond == nil {
				t.Errorf("item %s material %s: condition not compiled", it.Code, m.Code)
			}
		}
	}
	if len(codes) < 28 {
		t.Errorf("distinct item codes = %d, want >= 28", len(codes))
	}
	for s := 1; s <= Stages; s++ {
		if perStage[s] == 0 {
			t.Errorf("no item in stage %d", s)
		}
	}
	if !modes[CosignAll] || !modes[CosignAny] {
		t.Errorf("cosign modes = %v, want both all and any", modes)
	}
	for _, want := range []string{"gov_municipal_road", "social_industrial_plant", "residential_real_estate", "small_lowrisk_industrial"} {
		f, err := c.LatestFlow(want)
		if err != nil {
			t.Errorf("LatestFlow(%s): %v", want, err)
			continue
		}
		if len(f.Stages) != Stages {
			t.Errorf("flow %s has %d stages", want, len(f.Stages))
		}
	}
	small, _ := c.LatestFlow("small_lowrisk_industrial")
	total := 0
	for _, s := range small.Stages {
		total += s.LimitDays
	}
	if total > 15 {
		t.Errorf("small low-risk flow takes %d working days, want <= 15", total)
	}
}

// TestLoadEmbeddedAndDir checks the embedded copy and the directory on disk
// are the same catalog, and that file names in messages follow the root.
func TestLoadEmbeddedAndDir(t *testing.T) {
	disk, err := Load(os.DirFS("../.."), "catalogs/xiamen")
	if err != nil {
		t.Fatalf("load from disk: %v", err)
	}
	emb := mustXiamen(t)
	if got, want := len(disk.Items()), len(emb.Items()); got != want {
		t.Errorf("items on disk = %d, embedded = %d", got, want)
	}
}

func TestLoadBroken(t *testing.T) {
	tests := []struct {
		file   string
		wantEN []string // each must appear in the English message
		wantZH string   // must appear in the Chinese message
		count  int      // problems expected
	}{
		{"syntax.yaml", []string{"cat/syntax.yaml:3: YAML syntax error"}, "cat/syntax.yaml:3: YAML 语法错误", 1},
		{"unknown_key.yaml", []string{`cat/unknown_key.yaml:7: item T-CC-001: unknown key "legal_limt"; did you mean "legal_limit"?`, `cat/unknown_key.yaml:2: item T-CC-001: missing field "legal_limit"`}, "未知的键", 2},
		{"unknown_top_key.yaml", []string{`cat/unknown_top_key.yaml:1: unknown key "departmnets"; did you mean "departments"?`}, "未知的键", 1},
		{"duplicate_code.yaml", []string{"cat/duplicate_code.yaml:3: item T-AA-001: duplicate item code and version (T-AA-001 version 1), already defined at cat/base.yaml:17"}, "重复", 1},
		{"missing_department.yaml", []string{`cat/missing_department.yaml:5: item T-ZZ-001: department "ZZ" is not defined`}, `部门 "ZZ" 未定义`, 1},
		{"committed_over_legal.yaml", []string{"cat/committed_over_legal.yaml:8: item XM-ZRGH-003: committed_limit 30 exceeds legal_limit 20"}, "cat/committed_over_legal.yaml:8: 事项 XM-ZRGH-003：承诺时限 committed_limit 30 超过法定时限 legal_limit 20", 1},
		{"cel_syntax.yaml", []string{"cat/cel_syntax.yaml:13: item T-CC-002: when rule: the rule does not compile: 1:27: Syntax error"}, "规则无法编译", 1},
		{"cel_nonbool.yaml", []string{"cat/cel_nonbool.yaml:13: item T-CC-003: when rule: the rule must yield a bool, not double"}, "必须是布尔值", 1},
		{"cel_int_plus.yaml", []string{"cat/cel_int_plus.yaml:3: item T-CC-004: when rule: the rule does not compile", "no matching overload for '_+_'"}, "规则无法编译", 1},
		{"unknown_situation.yaml", []string{`cat/unknown_situation.yaml:3: item T-CC-005: when rule: the rule refers to an unknown situation "nope"`}, "未定义的情形", 1},
		{"bad_format.yaml", []string{`cat/bad_format.yaml:4: material M-EXE: file format "exe" is not supported`}, "不受支持", 1},
		{"bad_flow.yaml", []string{
			"cat/bad_flow.yaml:3: flow broken_flow version 0: the flow version must be an integer of at least 1",
			"cat/bad_flow.yaml:7: flow broken_flow version 0: missing stage(s) 4",
			`cat/bad_flow.yaml:7: flow broken_flow version 0: lead department "QQ" is not defined`,
			"cat/bad_flow.yaml:8: flow broken_flow version 0: item T-AA-001 belongs to stage 1, not stage 2",
			"cat/bad_flow.yaml:8: flow broken_flow version 0: item T-NOPE-1 is not defined",
			"cat/bad_flow.yaml:9: flow broken_flow version 0: item T-AA-003 version 7 is not defined",
		}, "牵头部门", 6},
		{"bad_levels.yaml", []string{
			`cat/bad_levels.yaml:9: item T-CC-006: unit "HOURS" is not WD`,
			`cat/bad_levels.yaml:13: item T-CC-006: level role "janitor" is not clerk, reviewer or approver`,
			`cat/bad_levels.yaml:14: item T-CC-006: cosign mode "most" is not all or any`,
			"cat/bad_levels.yaml:14: item T-CC-006: the item's own department cannot cosign it",
			`cat/bad_levels.yaml:14: item T-CC-006: cosign department "ZZ" is not defined`,
		}, "会签", 5},
		{"empty_levels.yaml", []string{"stage 5 is not 1–4", "legal_limit 0 must be 1–365 days", "levels must not be empty"}, "levels 不能为空", 4},
		{"bad_material_condition.yaml", []string{
			"cat/bad_material_condition.yaml:14: item T-CC-008 material M-SQB: condition rule: the rule does not compile",
			"cat/bad_material_condition.yaml:15: item T-CC-008 material M-SQB2: the material is not in the material library",
		}, "材料未在材料库", 2},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/broken/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Load(baseFS(t, map[string]string{tt.file: string(data)}), "cat")
			if got := apperr.CodeOf(err); got != apperr.Invalid {
				t.Fatalf("code = %q (err %v), want invalid", got, err)
			}
			ae := apperr.As(err)
			for _, w := range tt.wantEN {
				if !strings.Contains(ae.EN, w) {
					t.Errorf("English message lacks %q:\n%s", w, ae.EN)
				}
			}
			if !strings.Contains(ae.ZH, tt.wantZH) {
				t.Errorf("Chinese message lacks %q:\n%s", tt.wantZH, ae.ZH)
			}
			ps := Problems(err)
			if len(ps) != tt.count {
				t.Errorf("got %d problems, want %d:\n%s", len(ps), tt.count, ae.EN)
			}
			for _, p := range ps {
				if p.File != "cat/"+tt.file || p.Line == 0 || p.ZH == "" || p.EN == "" {
					t.Errorf("problem not located in %s or not bilingual: %+v", tt.file, p)
				}
			}
		})
	}
}

func TestLoadDirectoryProblems(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		dir  string
		want string
	}{
		{"missing dir", fstest.MapFS{}, "nope", "nope: the directory does not exist"},
		{"no yaml", fstest.MapFS{"cat/readme.txt": {Data: []byte("hi")}}, "cat", "cat: the directory holds no .yaml file"},
		{"no flow", fstest.MapFS{"cat/d.yaml": {Data: []byte("departments:\n  - {code: AA, name: 甲局}\n")}}, "cat", "cat: the catalog defines no flow"},
		{"not a mapping", fstest.MapFS{"cat/d.yaml": {Data: []byte("- 1\n- 2\n")}}, "cat", "cat/d.yaml:1: expected a mapping"},
		{"list expected", fstest.MapFS{"cat/d.yaml": {Data: []byte("departments: AA\n")}}, "cat", "cat/d.yaml:1: departments must be a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.fsys, tt.dir)
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("err = %v, want invalid", err)
			}
			if got := apperr.As(err).EN; !strings.Contains(got, tt.want) {
				t.Errorf("message = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

// TestLoadProblemCap checks a catalog broken everywhere is reported up to
// the cap, with the remainder counted.
func TestLoadProblemCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("departments:\n")
	for i := 0; i < maxProblems+50; i++ {
		fmt.Fprintf(&b, "  - {code: lower%d, name: 局}\n", i)
	}
	_, err := Load(baseFS(t, map[string]string{"many.yaml": b.String()}), "cat")
	ps := Problems(err)
	if len(ps) != maxProblems {
		t.Errorf("problems listed = %d, want %d", len(ps), maxProblems)
	}
	if got := apperr.As(err).EN; !strings.Contains(got, "and 50 more not listed") {
		t.Errorf("message lacks the remainder count: %q", got[len(got)-80:])
	}
}

func TestLoadValueTypes(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"version text", "items:\n  - {code: T-X-1, version: one}\n", "version must be an integer"},
		{"rongque text", "items:\n  - {code: T-X-1, rongque: maybe}\n", "rongque must be true or false"},
		{"name list", "departments:\n  - {code: XX, name: [a]}\n", "name must be text"},
		{"dup key", "departments:\n  - {code: XX, code: YY, name: 局}\n", `duplicate key "code"`},
		{"dup dept", "departments:\n  - {code: AA, name: 局}\n", "duplicate department code, already defined at cat/base.yaml:3"},
		{"bad dept code", "departments:\n  - {code: aa, name: 局}\n", "a department code has 2–16 capital letters"},
		{"choice no options", "situations:\n  - {id: q1, text: 问, type: choice}\n", "a choice needs options"},
		{"bad question type", "situations:\n  - {id: q1, text: 问, type: text}\n", `type "text" is not bool, number or choice`},
		{"reserved id", "situations:\n  - {id: in, text: 问, type: bool}\n", "is not a rule-language keyword"},
		{"why without when", "items:\n  - {code: T-X-1, why: 说明}\n", "why explains the when rule"},
		{"bad ref", "flows:\n  - {id: f2, version: 1, name: 流程, project_type: x, stages: [{number: 1, name: a, lead_department: AA, limit_days: 1, items: [bad ref]}]}\n", `item reference "bad ref" is not CODE or CODE@VERSION`},
		{"unknown project field", "items:\n  - {code: T-X-1, when: project.height > 100}\n", "unknown project field project.height"},
		{"straddle without seal", "materials:\n  - {code: M-X, name: 合同, formats: [pdf], max_size_mb: 1, straddle_seal_required: true, seal_required: false}\n", "needs a seal"},
		{"size", "materials:\n  - {code: M-X, name: 合同, formats: [pdf], max_size_mb: 0}\n", "max_size_mb must be 1–500"},
		{"redefine library material", "items:\n  - {code: T-X-1, materials: [{code: M-SQB, name: 别名, required: true}]}\n", "the material is defined in the library"},
		{"condition on optional", "items:\n  - {code: T-X-1, materials: [{code: M-SQB, condition: answers.touches_river}]}\n", "condition says when a material is required and needs required: true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(baseFS(t, map[string]string{"x.yaml": tt.yaml}), "cat")
			if err == nil {
				t.Fatal("loaded, want an error")
			}
			if got := apperr.As(err).EN; !strings.Contains(got, tt.want) {
				t.Errorf("message = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestItemAndFlowVersions(t *testing.T) {
	c := mustXiamen(t)
	v1, err := c.Flow("social_industrial_plant", 1)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := c.LatestFlow("social_industrial_plant")
	if err != nil {
		t.Fatal(err)
	}
	if latest.Version != 2 {
		t.Errorf("latest version = %d, want 2", latest.Version)
	}
	pinned := func(f Flow, code string) int {
		st, _ := f.StageOf(3)
		for _, r := range st.Items {
			if r.Code == code {
				return r.Version
			}
		}
		return 0
	}
	if got := pinned(v1, "XM-ZJ-005"); got != 1 {
		t.Errorf("flow v1 pins XM-ZJ-005@%d, want 1", got)
	}
	if got := pinned(latest, "XM-ZJ-005"); got != 2 {
		t.Errorf("flow v2 pins XM-ZJ-005@%d, want 2 (latest at load)", got)
	}
	if _, err := c.Flow("social_industrial_plant", 9); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("Flow(v9) err = %v, want not found", err)
	}
	if _, err := c.LatestFlow("nope"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("LatestFlow(nope) err = %v, want not found", err)
	}
	if _, err := c.Item("XM-ZJ-005", 3); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("Item(v3) err = %v, want not found", err)
	}
	it, err := c.LatestItem("XM-ZJ-005")
	if err != nil || it.Version != 2 {
		t.Errorf("LatestItem = v%d, %v; want v2", it.Version, err)
	}
	if _, err := latest.StageOf(5); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("StageOf(5) err = %v, want not found", err)
	}
	if _, ok := c.Department("ZRGH"); !ok {
		t.Error("Department(ZRGH) not found")
	}
	if _, ok := c.Department("NOPE"); ok {
		t.Error("Department(NOPE) found")
	}
}
