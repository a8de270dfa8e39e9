package apitest

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"slices"
	"testing"

	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// Fixture is a project whose stage 1 is submitted, for tests.
type Fixture struct {
	ProjectID    string
	TaskID       string // a task of LeadDept when the lead department has one
	TaskDept     string
	LeadDept     string
	OtherDept    string // a department with no part in the project
	MaterialID   string
	MaterialCode string
	Tasks        []store.TaskRow
}

// PNG returns a tiny valid PNG image.
func PNG() []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2)))
	return b.Bytes()
}

// MustProjectWithStage1 opens a project for the applicant p under the flow,
// uploads every required material of stage 1 and submits it.
func MustProjectWithStage1(t testing.TB, svc *workflow.Service, p auth.Principal, flowID, code string) Fixture {
	t.Helper()
	ctx := context.Background()
	pr, err := svc.CreateProject(ctx, p, workflow.ProjectInput{Code: code, Name: "测试项目" + code[len(code)-4:], FlowID: flowID, District: "350211",
		Investment: 8000, LandArea: 30000, FloorArea: 45000, EnterpriseName: "测试企业"})
	if err != nil {
		t.Fatalf("create project: %v", err)
	}
	v, err := svc.GetProject(ctx, p, pr.ID)
	if err != nil {
		t.Fatalf("get project: %v", err)
	}
	fx := Fixture{ProjectID: pr.ID}
	for _, r := range v.Requirements {
		if !r.Required {
			continue
		}
		content := PDF(r.Material.Code)
		if !slices.Contains(r.Material.Formats, "pdf") {
			content = PNG()
		}
		m, err := svc.UploadMaterial(ctx, p, pr.ID, 1, r.Material.Code, r.Material.Name+".pdf", bytes.NewReader(content))
		if err != nil {
			t.Fatalf("upload %s: %v", r.Material.Code, err)
		}
		if fx.MaterialID == "" {
			fx.MaterialID, fx.MaterialCode = m.ID, m.Code
		}
	}
	st, tasks, err := svc.SubmitStage(ctx, p, pr.ID, 1, workflow.SubmitInput{})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	fx.Tasks, fx.LeadDept = tasks, st.LeadDept
	fx.TaskID, fx.TaskDept = tasks[0].ID, tasks[0].DeptCode
	involved := map[string]bool{st.LeadDept: true}
	for _, tk := range tasks {
		involved[tk.DeptCode] = true
		if tk.Cosign != nil {
			for _, d := range tk.Cosign.Departments {
				involved[d] = true
			}
		}
		if tk.DeptCode == st.LeadDept {
			fx.TaskID, fx.TaskDept = tk.ID, tk.DeptCode
		}
	}
	for _, d := range svc.Catalog().Departments() {
		if !involved[d.Code] {
			fx.OtherDept = d.Code
			break
		}
	}
	return fx
}
