package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/demo"
)

// The UI shows people, enterprises and projects by name: /me carries the
// applicant's enterprise name, and every task view names the officer who
// last acted and the project.
func TestNamesShown(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	app := login(t, s.base, "qiye", s.pass["qiye"])
	var loggedIn struct {
		EnterpriseName string `json:"enterprise_name"`
	}
	if err := apitest.New(s.base).Do(ctx, http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "qiye", "password": s.pass["qiye"]}, &loggedIn); err != nil {
		t.Fatal(err)
	}
	if loggedIn.EnterpriseName != demo.Enterprises[0].Name {
		t.Errorf("login answer's enterprise_name = %q, want %q", loggedIn.EnterpriseName, demo.Enterprises[0].Name)
	}
	var me struct {
		User           struct{ Username string } `json:"user"`
		EnterpriseName string                    `json:"enterprise_name"`
	}
	if err := app.Do(ctx, http.MethodGet, "/api/v1/me", nil, &me); err != nil {
		t.Fatal(err)
	}
	if me.EnterpriseName != demo.Enterprises[0].Name {
		t.Errorf("/me enterprise_name = %q, want %q", me.EnterpriseName, demo.Enterprises[0].Name)
	}

	fx := apitest.MustProjectWithStage1(t, s.a.Service, principalOf(t, s, "qiye"), s.a.Service.Catalog().Flows()[0].ID, "2025-350211-47-03-000932")
	tk := fx.Tasks[0]
	clerkName := demo.OfficerUsername(tk.DeptCode, auth.Clerk)
	clerk := login(t, s.base, clerkName, s.pass[clerkName])
	var clerkMe struct {
		User struct {
			DisplayName string `json:"display_name"`
		} `json:"user"`
		EnterpriseName string `json:"enterprise_name"`
	}
	if err := clerk.Do(ctx, http.MethodGet, "/api/v1/me", nil, &clerkMe); err != nil {
		t.Fatal(err)
	}
	if clerkMe.EnterpriseName != "" {
		t.Errorf("an officer has no enterprise: %q", clerkMe.EnterpriseName)
	}
	type named struct {
		ID           string `json:"id"`
		Assignee     string `json:"assignee"`
		AssigneeName string `json:"assignee_name"`
		ProjectCode  string `json:"project_code"`
		ProjectName  string `json:"project_name"`
	}
	var acted named
	if err := clerk.Do(ctx, http.MethodPost, "/api/v1/tasks/"+tk.ID+"/actions", map[string]any{"action": "accept", "version": tk.Version}, &acted); err != nil {
		t.Fatal(err)
	}
	want := clerkMe.User.DisplayName
	if acted.Assignee == "" || acted.AssigneeName != want {
		t.Errorf("after accept: assignee %q named %q, want %q", acted.Assignee, acted.AssigneeName, want)
	}
	var view struct {
		Task named `json:"task"`
	}
	if err := clerk.Do(ctx, http.MethodGet, "/api/v1/tasks/"+tk.ID, nil, &view); err != nil {
		t.Fatal(err)
	}
	if view.Task.AssigneeName != want {
		t.Errorf("task view: assignee_name %q, want %q", view.Task.AssigneeName, want)
	}
	var list struct {
		Items []named `json:"items"`
	}
	if err := clerk.Do(ctx, http.MethodGet, "/api/v1/tasks?project_id="+fx.ProjectID, nil, &list); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range list.Items {
		if it.ProjectCode != "2025-350211-47-03-000932" || it.ProjectName == "" {
			t.Errorf("to-do row %s: project %q %q, want its code and name", it.ID, it.ProjectCode, it.ProjectName)
		}
		if it.ID == tk.ID {
			found = it.AssigneeName == want
		} else if it.AssigneeName != "" {
			t.Errorf("untouched task %s named %q", it.ID, it.AssigneeName)
		}
	}
	if !found {
		t.Errorf("to-do list does not name the assignee of %s: %+v", tk.ID, list.Items)
	}
	var proj struct {
		Tasks []named `json:"tasks"`
	}
	if err := app.Do(ctx, http.MethodGet, "/api/v1/projects/"+fx.ProjectID, nil, &proj); err != nil {
		t.Fatal(err)
	}
	for _, it := range proj.Tasks {
		if it.ID == tk.ID && it.AssigneeName != want {
			t.Errorf("project view: assignee_name %q, want %q", it.AssigneeName, want)
		}
	}
}

// A submitted stage shows its overall clock, computed by the server's
// calendar and warn rule; a stage not yet submitted shows none.
func TestStageClock(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	fx := apitest.MustProjectWithStage1(t, s.a.Service, principalOf(t, s, "qiye"), s.a.Service.Catalog().Flows()[0].ID, "2025-350211-47-03-000934")
	app := login(t, s.base, "qiye", s.pass["qiye"])
	var v struct {
		Stages []struct {
			Number      int        `json:"number"`
			LimitDays   int        `json:"limit_days"`
			SubmittedAt *time.Time `json:"submitted_at"`
			Clock       *struct {
				Unit      string `json:"unit"`
				Limit     int    `json:"limit"`
				Due       string `json:"due"`
				State     string `json:"state"`
				Remaining int    `json:"remaining"`
			} `json:"clock"`
		} `json:"stages"`
	}
	if err := app.Do(ctx, http.MethodGet, "/api/v1/projects/"+fx.ProjectID, nil, &v); err != nil {
		t.Fatal(err)
	}
	st := v.Stages[0]
	if st.Clock == nil || st.SubmittedAt == nil {
		t.Fatalf("stage 1 in review without a clock: %+v", st)
	}
	cal := s.a.Service.Calendar()
	want := cal.AddWorkingDays(calendar.DateOf(*st.SubmittedAt), st.LimitDays).String()
	if st.Clock.Unit != "WD" || st.Clock.Limit != st.LimitDays || st.Clock.Due != want || st.Clock.State != "normal" || st.Clock.Remaining > st.LimitDays {
		t.Errorf("stage 1 clock %+v, want %d WD due %s", *st.Clock, st.LimitDays, want)
	}
	if v.Stages[1].Clock != nil {
		t.Errorf("stage 2, never submitted, has a clock: %+v", *v.Stages[1].Clock)
	}
}
