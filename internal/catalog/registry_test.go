package catalog

import (
	"os"
	"strings"
	"testing"

	"github.com/tongban/tongban/internal/apperr"
)

// flowV2 is a second version of the base catalog's flow, with a new version
// of one item; published as a whole catalog directory (base + this file).
const flowV2 = `
items:
  - {code: T-AA-002, version: 2, name: 乙事项（新版）, department: AA, stage: 2, legal_limit: 20, committed_limit: 3, unit: WD, result: licence, result_name: 许可证, levels: [{name: 受理, role: clerk}], materials: [{code: M-SQB, required: true}]}
flows:
  - id: demo
    version: 2
    name: 演示流程（新版）
    project_type: industrial_plant
    stages:
      - {number: 1, name: 立项用地规划许可, lead_department: AA, limit_days: 3, items: [T-AA-001]}
      - {number: 2, name: 工程建设许可, lead_department: AA, limit_days: 3, items: [T-AA-002]}
      - {number: 3, name: 施工许可, lead_department: AA, limit_days: 3, items: [T-AA-003]}
      - {number: 4, name: 竣工验收, lead_department: AA, limit_days: 3, items: [T-AA-004]}
`

func TestRegistryReloadBadKeepsOld(t *testing.T) {
	old := mustBase(t)
	r := NewRegistry(old)
	bad, err := os.ReadFile("testdata/broken/cel_nonbool.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Reload(baseFS(t, map[string]string{"bad.yaml": string(bad)}), "cat")
	if !apperr.Is(err, apperr.Invalid) || len(Problems(err)) == 0 {
		t.Fatalf("Reload err = %v, want invalid with problems", err)
	}
	if r.Current() != old {
		t.Error("a bad reload replaced the catalog in force")
	}
	if _, err := r.Reload(baseFS(t, nil), "missing"); err == nil || r.Current() != old {
		t.Errorf("reload of a missing directory: err %v, catalog replaced %v", err, r.Current() != old)
	}
}

func TestRegistryReloadKeepsOldVersions(t *testing.T) {
	r := NewRegistry(mustBase(t))
	// The new directory holds only version 2 of the flow (base.yaml is
	// there for the departments and items, but a publisher could drop the
	// old flow file): version 1 must stay available for running projects.
	next, err := r.Reload(baseFS(t, map[string]string{"v2.yaml": flowV2}), "cat")
	if err != nil {
		t.Fatal(err)
	}
	if r.Current() != next {
		t.Error("Current is not the reloaded catalog")
	}
	c := r.Current()
	f, err := c.LatestFlow("demo")
	if err != nil || f.Version != 2 {
		t.Fatalf("LatestFlow = v%d, %v; want v2", f.Version, err)
	}
	if _, err := c.Flow("demo", 1); err != nil {
		t.Errorf("flow demo v1 lost: %v", err)
	}
	items := func(version int) []string {
		got, err := c.Match("demo", version, 2, ProjectFacts{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range got {
			out = append(out, it.Item.Code+"@"+string(rune('0'+it.Item.Version)))
		}
		return out
	}
	if got := items(1); len(got) != 1 || got[0] != "T-AA-002@1" {
		t.Errorf("flow v1 stage 2 = %v, want T-AA-002@1", got)
	}
	if got := items(2); len(got) != 1 || got[0] != "T-AA-002@2" {
		t.Errorf("flow v2 stage 2 = %v, want T-AA-002@2", got)
	}
}

func TestMergeRefusesChangedVersion(t *testing.T) {
	old := mustBase(t)
	r := NewRegistry(old)
	base, err := os.ReadFile("testdata/base/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Same item code and version, a different committed limit.
	changed := strings.Replace(string(base), "stage: 2, legal_limit: 20, committed_limit: 5", "stage: 2, legal_limit: 20, committed_limit: 4", 1)
	if changed == string(base) {
		t.Fatal("test setup: replacement did not apply")
	}
	fsys := baseFS(t, nil)
	fsys["cat/base.yaml"].Data = []byte(changed)
	_, err = r.Reload(fsys, "cat")
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.As(err).EN, "item T-AA-002 version 1 differs from the version in force") {
		t.Fatalf("err = %v, want a refused change", err)
	}
	if r.Current() != old {
		t.Error("a refused merge replaced the catalog in force")
	}
	// Reloading the identical catalog is fine.
	if _, err := r.Reload(baseFS(t, nil), "cat"); err != nil {
		t.Errorf("reload of the same catalog: %v", err)
	}
}

func TestRegistryReplace(t *testing.T) {
	r := NewRegistry(mustBase(t))
	if err := r.Replace(nil); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("Replace(nil) err = %v, want invalid", err)
	}
	x := mustXiamen(t)
	if err := r.Replace(x); err != nil || r.Current() != x {
		t.Errorf("Replace: err %v, current replaced %v", err, r.Current() == x)
	}
	if _, err := Merge(nil, x); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("Merge(nil) err = %v, want invalid", err)
	}
}
