package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/demo"
)

// The UI shows people and enterprises by name: /me carries the applicant's
// enterprise name, and every task view names the officer who last acted.
func TestNamesShown(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	app := login(t, s.base, "qiye", s.pass["qiye"])
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
