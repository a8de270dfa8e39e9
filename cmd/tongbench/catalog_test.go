package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/app"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/catalog"
)

// benchCatalog is the catalog as the program finds it from the repository
// root; tests run in cmd/tongbench.
const benchCatalog = "../../catalogs/bench"

// TestBenchCatalogShape checks the catalog loads with the catalog's own
// validation and has exactly the shape the whole-project figure claims:
// stages 1–3 with 3 items each in 3 different departments, 2 levels each
// (受理 clerk → 签发 approver), and nothing required to upload.
func TestBenchCatalogShape(t *testing.T) {
	cat, err := app.LoadCatalog(benchCatalog)
	if err != nil {
		t.Fatalf("load %s: %v", benchCatalog, err)
	}
	if got, want := len(cat.Departments()), todoDepts; got != want {
		t.Errorf("departments = %d, want %d", got, want)
	}
	for i := 1; i <= todoDepts; i++ {
		if _, ok := cat.Department(deptCode(i)); !ok {
			t.Errorf("department %s missing", deptCode(i))
		}
	}
	flow, err := cat.LatestFlow(FlowID)
	if err != nil {
		t.Fatalf("flow %s: %v", FlowID, err)
	}
	facts := catalog.ProjectFacts{Type: flow.ProjectType, District: benchDistrict, Investment: 1000, LandArea: 10000, FloorArea: 8000}
	seen := map[string]bool{}
	for stage := 1; stage <= 4; stage++ {
		items, err := cat.Match(flow.ID, flow.Version, stage, facts, map[string]any{})
		if err != nil {
			t.Fatalf("match stage %d: %v", stage, err)
		}
		want := tasksPerStage
		if stage == 4 {
			want = 1
		}
		if len(items) != want {
			t.Errorf("stage %d: %d items, want %d", stage, len(items), want)
		}
		for _, it := range items {
			if seen[it.Item.Department] {
				t.Errorf("stage %d: department %s has two items of the flow", stage, it.Item.Department)
			}
			seen[it.Item.Department] = true
			var levels [][2]string
			for _, l := range it.Item.Levels {
				levels = append(levels, [2]string{l.Name, l.Role})
			}
			if diff := cmp.Diff([][2]string{{"受理", "clerk"}, {"签发", "approver"}}, levels); diff != "" {
				t.Errorf("item %s levels (-want +got):\n%s", it.Item.Code, diff)
			}
			if len(levels) != levelsPerTask {
				t.Errorf("item %s has %d levels, want %d", it.Item.Code, len(levels), levelsPerTask)
			}
			for _, m := range it.Materials {
				if m.Required {
					t.Errorf("item %s requires material %s: bench projects upload nothing", it.Item.Code, m.Code)
				}
			}
			if it.Item.Cosign != nil || it.Item.Rongque || it.Item.Commitment {
				t.Errorf("item %s has co-signing, 容缺 or 告知承诺: the decisions would not be two", it.Item.Code)
			}
		}
	}
}

// TestBenchCatalogMissing checks a wrong -catalog is reported clearly.
func TestBenchCatalogMissing(t *testing.T) {
	_, err := app.LoadCatalog(t.TempDir() + "/nope")
	if err == nil {
		t.Fatal("loading a missing catalog directory succeeded")
	}
	if got := apperr.Describe(err); !containsAll(got, "目录不存在", "does not exist") {
		t.Errorf("missing catalog: got %q, want both languages saying it does not exist", got)
	}
}
