package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/prereview"
	"github.com/tongban/tongban/internal/workflow"
)

// The project view says, for each material the current stage needs and
// lacks, missing_material or rongque_allowed, with a message; an upload
// clears it; an optional material never has one.
func TestCompletenessFindings(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	p := principalOf(t, s, "qiye")
	pr, err := s.a.Service.CreateProject(ctx, p, workflow.ProjectInput{Code: "2025-350211-47-03-000931", Name: "材料齐全性测试", FlowID: s.a.Service.Catalog().Flows()[0].ID,
		District: "350211", Investment: 8000, LandArea: 30000, FloorArea: 45000, EnterpriseName: "测试企业"})
	if err != nil {
		t.Fatal(err)
	}
	app := login(t, s.base, "qiye", s.pass["qiye"])
	type req struct {
		Code           string             `json:"code"`
		Required       bool               `json:"required"`
		RongqueAllowed bool               `json:"rongque_allowed"`
		Formats        []string           `json:"formats"`
		Uploaded       *struct{}          `json:"uploaded"`
		Finding        *prereview.Finding `json:"finding"`
	}
	view := func() []req {
		var v struct {
			Reqs []req `json:"current_requirements"`
		}
		if err := app.Do(ctx, http.MethodGet, "/api/v1/projects/"+pr.ID, nil, &v); err != nil {
			t.Fatal(err)
		}
		return v.Reqs
	}
	reqs := view()
	seen := map[string]bool{}
	var upload req
	for _, r := range reqs {
		want := ""
		switch {
		case r.Required && r.RongqueAllowed:
			want = prereview.CodeRongqueAllowed
		case r.Required:
			want = prereview.CodeMissingMaterial
			if upload.Code == "" {
				upload = r
			}
		}
		got := ""
		if r.Finding != nil {
			got = r.Finding.Code
			if r.Finding.Message == "" || r.Finding.MessageE == "" {
				t.Errorf("%s: finding without its messages: %+v", r.Code, r.Finding)
			}
		}
		if got != want {
			t.Errorf("%s (required %v, 容缺 %v): finding %q, want %q", r.Code, r.Required, r.RongqueAllowed, got, want)
		}
		seen[got] = true
	}
	if !seen[prereview.CodeMissingMaterial] || !seen[""] {
		t.Fatalf("the flow's first stage should have a required and an optional or 容缺 material: %+v", reqs)
	}
	content := apitest.PDF(upload.Code)
	name := "材料.pdf"
	if len(upload.Formats) > 0 && !contains(upload.Formats, "pdf") {
		content, name = apitest.PNG(), "材料.png"
	}
	if err := app.Upload(ctx, pr.ID, 1, upload.Code, name, content, nil); err != nil {
		t.Fatal(err)
	}
	for _, r := range view() {
		if r.Code == upload.Code && (r.Uploaded == nil || r.Finding != nil) {
			t.Errorf("%s after its upload: uploaded %v, finding %+v; want on file and no finding", r.Code, r.Uploaded != nil, r.Finding)
		}
	}
}
