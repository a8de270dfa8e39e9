package catalog

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/apperr"
)

func codes(items []MatchedItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Item.Code)
	}
	return out
}

var plant = ProjectFacts{Type: "industrial_plant", District: "350211", Investment: 8000, LandArea: 20000, FloorArea: 15000}

func TestMatch(t *testing.T) {
	c := mustXiamen(t)
	road := ProjectFacts{Type: "municipal_road", District: "350213", Investment: 30000, LandArea: 60000, GovernmentInvested: true}
	small := ProjectFacts{Type: "small_industrial", District: "350205", Investment: 1500, LandArea: 3000, FloorArea: 2000}
	tests := []struct {
		name    string
		flow    string
		version int
		stage   int
		facts   ProjectFacts
		answers map[string]any
		want    []string
	}{
		{"plant touching a river gets flood assessment", "social_industrial_plant", 2, 1, plant,
			map[string]any{"touches_river": true, "land_source": "transfer", "env_category": "report_form"},
			[]string{"XM-FGW-001", "XM-FGW-005", "XM-ZRGH-002", "XM-STHJ-002", "XM-SL-001", "XM-SL-002"}},
		{"plant away from rivers does not", "social_industrial_plant", 2, 1, plant,
			map[string]any{"touches_river": false, "land_source": "transfer", "env_category": "report_form"},
			[]string{"XM-FGW-001", "XM-FGW-005", "XM-ZRGH-002", "XM-STHJ-002", "XM-SL-001"}},
		{"核准目录 replaces 备案, 报告书 review", "social_industrial_plant", 2, 1, plant,
			map[string]any{"in_approval_catalog": true, "land_source": "existing", "env_category": "report_book"},
			[]string{"XM-FGW-002", "XM-FGW-005", "XM-STHJ-001", "XM-SL-001"}},
		{"small low-risk excludes flood assessment and 节能", "small_lowrisk_industrial", 1, 1, small,
			map[string]any{"touches_river": true, "env_category": "registration", "annual_energy_tce": 2000.0},
			[]string{"XM-FGW-001", "XM-STHJ-003"}},
		{"small low-risk stage 3 skips drawing review", "small_lowrisk_industrial", 1, 3, small,
			map[string]any{"drains_to_sewer": true},
			[]string{"XM-ZJ-005", "XM-SZYL-003", "XM-GS-001", "XM-GD-001"}},
		{"government road stage 1", "gov_municipal_road", 1, 1, road,
			map[string]any{"land_source": "allocation", "env_category": "report_form", "earthwork_m3": 50000},
			[]string{"XM-FGW-003", "XM-FGW-004", "XM-FGW-005", "XM-ZRGH-001", "XM-ZRGH-002", "XM-STHJ-002", "XM-SL-001"}},
		{"road needs a construction permit without floor area", "gov_municipal_road", 1, 3, road,
			map[string]any{"cuts_trees": true},
			[]string{"XM-ZJ-002", "XM-ZJ-005", "XM-SZYL-004"}},
		{"large residential builds civil defence on site", "residential_real_estate", 1, 2,
			ProjectFacts{Type: "residential", Investment: 90000, LandArea: 30000, FloorArea: 120000},
			map[string]any{"occupies_road": true, "needs_lightning": true},
			[]string{"XM-ZRGH-003", "XM-ZRGH-004", "XM-RF-001", "XM-SZYL-001", "XM-SZYL-002", "XM-QX-001"}},
		{"off-site civil defence instead", "residential_real_estate", 1, 2,
			ProjectFacts{Type: "residential", Investment: 90000, LandArea: 30000, FloorArea: 120000},
			map[string]any{"civil_defense_offsite": true, "over_limit_high_rise": true},
			[]string{"XM-ZRGH-003", "XM-ZRGH-004", "XM-RF-002", "XM-ZJ-001", "XM-SZYL-001"}},
		{"underground space below 7000 m² still needs 人防", "social_industrial_plant", 2, 2,
			ProjectFacts{Type: "industrial_plant", Investment: 800, LandArea: 3000, FloorArea: 4000},
			map[string]any{"has_underground_space": true},
			[]string{"XM-ZRGH-003", "XM-ZRGH-004", "XM-RF-001", "XM-SZYL-001"}},
		{"special fire category at completion", "social_industrial_plant", 2, 4, plant,
			map[string]any{"fire_category": "special", "has_underground_space": true},
			[]string{"XM-ZJ-008", "XM-ZJ-006", "XM-RF-003", "XM-ZJ-009"}},
		{"empty answers use zero answers", "social_industrial_plant", 2, 4, plant, nil,
			[]string{"XM-ZJ-008", "XM-RF-003", "XM-ZJ-009"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Match(tt.flow, tt.version, tt.stage, tt.facts, tt.answers)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, codes(got)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchPinnedItemVersion(t *testing.T) {
	c := mustXiamen(t)
	for _, tt := range []struct{ flowVersion, wantItem int }{{1, 1}, {2, 2}} {
		got, err := c.Match("social_industrial_plant", tt.flowVersion, 3, plant, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range got {
			if it.Item.Code == "XM-ZJ-005" && it.Item.Version != tt.wantItem {
				t.Errorf("flow v%d matched XM-ZJ-005 v%d, want v%d", tt.flowVersion, it.Item.Version, tt.wantItem)
			}
		}
	}
}

func TestMatchReasonAndMaterials(t *testing.T) {
	c := mustXiamen(t)
	find := func(items []MatchedItem, code string) MatchedItem {
		t.Helper()
		for _, it := range items {
			if it.Item.Code == code {
				return it
			}
		}
		t.Fatalf("item %s not matched in %v", code, codes(items))
		return MatchedItem{}
	}
	material := func(it MatchedItem, code string) MatchedMaterial {
		t.Helper()
		for _, m := range it.Materials {
			if m.Code == code {
				return m
			}
		}
		t.Fatalf("material %s not in %s", code, it.Item.Code)
		return MatchedMaterial{}
	}
	got, err := c.Match("social_industrial_plant", 2, 1, plant, map[string]any{"land_source": "transfer"})
	if err != nil {
		t.Fatal(err)
	}
	jn := find(got, "XM-FGW-005")
	if want := "项目总投资 ≥ 5000 万元，或年综合能源消费量 ≥ 1000 吨标准煤"; jn.Reason.ZH != want || !strings.Contains(jn.Reason.Rule, "project.investment >= 5000") {
		t.Errorf("reason = %+v, want ZH %q and the rule", jn.Reason, want)
	}
	if jn.DepartmentName != "厦门市发展和改革委员会" || jn.Item.Department != "FGW" {
		t.Errorf("department = %s %s", jn.Item.Department, jn.DepartmentName)
	}
	ydgh := find(got, "XM-ZRGH-002")
	if m := material(ydgh, "M-CRHT"); !m.Required || !m.StraddleSealRequired || !m.SealRequired {
		t.Errorf("出让合同 under transfer = %+v, want required with straddle seal", m)
	}
	if m := material(ydgh, "M-WTS"); m.Required || !m.RongqueAllowed {
		t.Errorf("委托书 = %+v, want optional, 容缺 allowed", m)
	}
	got, err = c.Match("social_industrial_plant", 2, 1, plant, map[string]any{"land_source": "allocation"})
	if err != nil {
		t.Fatal(err)
	}
	if m := material(find(got, "XM-ZRGH-002"), "M-CRHT"); m.Required {
		t.Errorf("出让合同 under allocation is required, want not")
	}
	got, err = c.Match("social_industrial_plant", 2, 3, plant, nil)
	if err != nil {
		t.Fatal(err)
	}
	sg := find(got, "XM-ZJ-002")
	if sg.Reason.Rule != "" || !strings.Contains(sg.Reason.ZH, "必办事项") {
		t.Errorf("unconditional item reason = %+v", sg.Reason)
	}
	if len(sg.Item.Levels) != 3 || sg.Item.Levels[0].Role != RoleClerk || sg.Item.Levels[2].Role != RoleApprover {
		t.Errorf("levels = %+v", sg.Item.Levels)
	}
}

func TestMatchAll(t *testing.T) {
	c := mustXiamen(t)
	got, err := c.MatchAll("residential_real_estate", 1, plant, map[string]any{"land_source": "transfer"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != Stages {
		t.Fatalf("stages = %d, want 4", len(got))
	}
	for i, s := range got {
		if s.Stage.Number != i+1 || len(s.Items) == 0 || s.Stage.LeadDepartment == "" {
			t.Errorf("stage %d = %+v", i+1, s.Stage)
		}
	}
}

func TestMatchBadInput(t *testing.T) {
	c := mustXiamen(t)
	tests := []struct {
		name    string
		flow    string
		stage   int
		facts   ProjectFacts
		answers map[string]any
		code    apperr.Code
		field   string
	}{
		{"unknown flow", "nope", 1, plant, nil, apperr.NotFound, ""},
		{"stage 0", "social_industrial_plant", 0, plant, nil, apperr.Invalid, "stage"},
		{"stage 5", "social_industrial_plant", 5, plant, nil, apperr.Invalid, "stage"},
		{"unknown situation", "social_industrial_plant", 1, plant, map[string]any{"nope": true}, apperr.Invalid, "answers.nope"},
		{"bool as text", "social_industrial_plant", 1, plant, map[string]any{"touches_river": "yes"}, apperr.Invalid, "answers.touches_river"},
		{"number as text", "social_industrial_plant", 1, plant, map[string]any{"earthwork_m3": "1000"}, apperr.Invalid, "answers.earthwork_m3"},
		{"negative number", "social_industrial_plant", 1, plant, map[string]any{"earthwork_m3": -5}, apperr.Invalid, "answers.earthwork_m3"},
		{"NaN number", "social_industrial_plant", 1, plant, map[string]any{"earthwork_m3": math.NaN()}, apperr.Invalid, "answers.earthwork_m3"},
		{"option not listed", "social_industrial_plant", 1, plant, map[string]any{"env_category": "report_poem"}, apperr.Invalid, "answers.env_category"},
		{"choice as bool", "social_industrial_plant", 1, plant, map[string]any{"env_category": true}, apperr.Invalid, "answers.env_category"},
		{"negative investment", "social_industrial_plant", 1, ProjectFacts{Investment: -1}, nil, apperr.Invalid, "investment"},
		{"infinite floor area", "social_industrial_plant", 1, ProjectFacts{FloorArea: math.Inf(1)}, nil, apperr.Invalid, "floor_area"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Match(tt.flow, 2, tt.stage, tt.facts, tt.answers)
			if got := apperr.CodeOf(err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
			}
			ae := apperr.As(err)
			if ae.ZH == "" || ae.EN == "" {
				t.Errorf("message not bilingual: %+v", ae)
			}
			if tt.field == "" {
				return
			}
			f, ok := ae.Fields[tt.field]
			if !ok || f.ZH == "" || f.EN == "" {
				t.Errorf("fields = %+v, want a bilingual %q", ae.Fields, tt.field)
			}
		})
	}
}

// TestMatchConcurrent runs matches in parallel: compiled programs are
// shared, and -race must stay quiet.
func TestMatchConcurrent(t *testing.T) {
	c := mustXiamen(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if _, err := c.MatchAll("social_industrial_plant", 2, plant, map[string]any{"touches_river": i%2 == 0, "earthwork_m3": float64(j * 100)}); err != nil {
					t.Error(err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
}
