package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/app"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/cert"
	"github.com/tongban/tongban/internal/demo"
	"github.com/tongban/tongban/internal/httpapi"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// scope says how a route's resource is owned.
type scope int

const (
	unscoped  scope = iota // lists filter by scope; catalog and calendar are shared
	byProject              // a project, its stages and materials
	byTask                 // one task
	byLead                 // a stage seen by its lead department
)

// scopes is the one table of data scope per operation; the role part comes
// from the route table itself (Route.Roles).
var scopes = map[string]scope{
	"get-project": byProject, "submit-stage": byProject, "withdraw-stage": byProject, "withdraw-project": byProject, "upload-material": byProject,
	"download-material": byProject, "get-task": byTask, "act-on-task": byTask, "get-stage-board": byLead, "chase-stage": byLead,
	"get-project-map": byProject, "get-duration-stats": unscoped, "get-project-record": byProject,
	"get-handwriting": byProject, "recheck-material": byProject, "get-material-page": byProject, "list-certificates": byProject, "download-certificate": byProject, "revoke-certificate": byProject,
}

// bodies are requests that pass validation but change nothing that later
// rows depend on (stale versions, stages not in review, invalid codes).
var bodies = map[string]any{
	"login":              map[string]any{"username": "nobody", "password": "wrong-password"},
	"create-user":        map[string]any{"username": "x", "display_name": "", "password": "weak", "roles": []string{"clerk"}},
	"put-calendar-year":  map[string]any{"year": 2030, "holidays": []any{}, "workdays": []any{}},
	"publish-catalog":    map[string]any{"files": map[string]string{"../x.yaml": "bad"}},
	"create-project":     map[string]any{"code": "bad", "name": "x", "flow_id": "x", "district": "1", "investment": 1.0, "land_area": 1.0, "floor_area": 1.0},
	"submit-stage":       map[string]any{},
	"withdraw-stage":     map[string]any{"reason": "test"},
	"withdraw-project":   map[string]any{"reason": "不再建设"}, // refused: stage 1 is in review
	"chase-stage":        map[string]any{"message": "请加快"},
	"act-on-task":        map[string]any{"action": "approve", "version": 999999},
	"revoke-key":         map[string]any{"reason": ""}, // refused: no reason
	"revoke-certificate": map[string]any{"reason": ""}, // refused after the scope check: no reason
}

type who struct {
	name string
	role auth.Role
	own  bool
	user string
}

func TestRoleMatrix(t *testing.T) {
	ctx := context.Background()
	sy := boot(t)
	a, base, pass := sy.a, sy.base, sy.pass

	// The applicant of enterprise 0 opens a project and submits stage 1.
	flows := a.Service.Catalog().Flows()
	applicant := auth.Principal{UserID: "fixture", Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: demo.Enterprises[0].USCC}
	applicant.UserID = mustUserID(t, a, demo.Enterprises[0].Username)
	fx := apitest.MustProjectWithStage1(t, a.Service, applicant, flows[0].ID, "2025-350211-47-03-000777")
	ownDept, leadDept, otherDept := fx.TaskDept, fx.LeadDept, fx.OtherDept
	if ownDept != leadDept {
		t.Fatalf("fixture: the lead department %s has no task in stage 1 (task dept %s); pick another flow", leadDept, ownDept)
	}
	users := []who{{"anonymous", "", true, ""}}
	for _, r := range auth.Roles() {
		switch r {
		case auth.Applicant:
			users = append(users, who{"applicant/own", r, true, demo.Enterprises[0].Username}, who{"applicant/other", r, false, demo.Enterprises[1].Username})
		case auth.LeadCoordinator:
			users = append(users, who{"lead/own", r, true, demo.OfficerUsername(leadDept, r)}, who{"lead/other", r, false, demo.OfficerUsername(otherDept, r)})
		case auth.Clerk, auth.Reviewer, auth.Approver:
			users = append(users, who{string(r) + "/own", r, true, demo.OfficerUsername(ownDept, r)}, who{string(r) + "/other", r, false, demo.OfficerUsername(otherDept, r)})
		default:
			users = append(users, who{string(r), r, true, ""})
		}
	}
	named := map[auth.Role]string{auth.Supervisor: "jiancha", auth.SystemAdmin: "xitong", auth.SecurityAdmin: "anquan", auth.AuditAdmin: "shenji"}
	clients := map[string]*apitest.Client{}
	for i, u := range users {
		if u.role == "" {
			clients[u.name] = apitest.New(base)
			continue
		}
		if u.user == "" {
			users[i].user = named[u.role]
			u = users[i]
		}
		p := pass[u.user]
		if p == "" {
			t.Fatalf("no demo password for %s", u.user)
		}
		clients[u.name] = login(t, base, u.user, p)
	}

	bodies["preview-items"] = map[string]any{"flow_id": flows[0].ID, "investment": 1.0, "land_area": 1.0, "floor_area": 1.0}
	flowID = flows[0].ID
	handwritingEvent, certNumber = signedWithHandwriting(t, a, applicant, flows[0].ID)
	routes := a.Server.Routes()
	if len(routes) < 25 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, rt := range routes {
		if rt.OpID == "logout" {
			continue // ends the session the other rows use; covered below
		}
		for _, u := range users {
			t.Run(rt.OpID+"/"+u.name, func(t *testing.T) {
				path := fill(rt.Path, fx, rt.OpID)
				var err error
				c := clients[u.name]
				switch {
				case rt.OpID == "upload-material":
					err = c.Upload(ctx, fx.ProjectID, 1, fx.MaterialCode, "x.pdf", apitest.PDF("matrix"), nil)
					if u.own && err == nil {
						break
					}
				default:
					err = c.Do(ctx, rt.Method, path, bodies[rt.OpID], nil)
				}
				got := classify(rt, err)
				want := expect(rt, u)
				if got != want {
					t.Errorf("%s %s as %s: got %s (%v), want %s", rt.Method, path, u.name, got, err, want)
				}
			})
		}
	}
	// Logout works for every role and then the session is gone.
	for _, u := range users[1:] {
		c := clients[u.name]
		if err := c.Do(ctx, http.MethodPost, "/api/v1/auth/logout", nil, nil); err != nil {
			t.Errorf("logout %s: %v", u.name, err)
		}
		if err := c.Do(ctx, http.MethodGet, "/api/v1/me", nil, nil); apitest.StatusOf(err) != 401 {
			t.Errorf("after logout %s: %v, want 401", u.name, err)
		}
	}
}

func mustUserID(t *testing.T, a *app.App, username string) string {
	t.Helper()
	var id string
	err := a.DB.Read(context.Background(), func(tx *store.Tx) error {
		u, err := store.GetUserByName(context.Background(), tx, username)
		id = u.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func login(t *testing.T, base, user, pass string) *apitest.Client {
	t.Helper()
	c := apitest.New(base)
	if err := c.Login(context.Background(), user, pass); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

var flowID, handwritingEvent, certNumber string

// signedWithHandwriting opens a second project of the same enterprise and
// flow and has its task's department take the task through every level,
// the clerk accepting with a handwritten signature. It returns that
// event's id and the number of the certificate the approval issued.
func signedWithHandwriting(t *testing.T, a *app.App, applicant auth.Principal, flow string) (string, string) {
	t.Helper()
	ctx := context.Background()
	fx := apitest.MustProjectWithStage1(t, a.Service, applicant, flow, "2025-350211-47-03-000778")
	officer := func(r auth.Role) auth.Principal {
		var u store.User
		if err := a.DB.Read(ctx, func(tx *store.Tx) (err error) {
			u, err = store.GetUserByName(ctx, tx, demo.OfficerUsername(fx.TaskDept, r))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return u.Principal()
	}
	// A task of the same department whose item issues a certificate.
	var tk store.TaskRow
	for _, tr := range fx.Tasks {
		if it, err := a.Service.Catalog().Item(tr.ItemCode, tr.ItemVersion); err == nil && tr.DeptCode == fx.TaskDept && cert.Issues(it.Result) {
			tk = tr
		}
	}
	if tk.ID == "" {
		t.Fatalf("no task of %s in stage 1 issues a certificate", fx.TaskDept)
	}
	fx.TaskID = tk.ID
	row, err := a.Service.Act(ctx, officer(auth.Clerk), fx.TaskID, workflow.ActInput{Action: approval.ActAccept, Version: tk.Version, Handwriting: apitest.PNG()})
	if err != nil {
		t.Fatalf("accept with handwriting: %v", err)
	}
	for !row.State.Concluded() {
		if row, err = a.Service.Act(ctx, officer(auth.Role(row.Levels[row.Level].Role)), fx.TaskID, workflow.ActInput{Action: approval.ActApprove, Opinion: "同意", Version: row.Version}); err != nil {
			t.Fatalf("approve: %v", err)
		}
	}
	v, err := a.Service.GetTask(ctx, officer(auth.Clerk), fx.TaskID)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := a.Service.ListCertificates(ctx, applicant, fx.ProjectID)
	if err != nil || len(certs) != 1 || certs[0].DeptCode != fx.TaskDept {
		t.Fatalf("the approval of %s issued %+v (%v); pick a task whose item issues a certificate", row.ItemCode, certs, err)
	}
	for _, e := range v.Events {
		if e.Data["handwriting"] != nil {
			if v.Signatures[e.ID].Status != "valid" {
				t.Fatalf("the decision's signature: %+v", v.Signatures[e.ID])
			}
			return e.ID, certs[0].Number
		}
	}
	t.Fatal("no event with a handwritten signature")
	return "", ""
}

func fill(p string, fx apitest.Fixture, op string) string {
	id := fx.ProjectID
	switch {
	case strings.HasPrefix(p, "/api/v1/tasks/"):
		id = fx.TaskID
	case strings.HasPrefix(p, "/api/v1/materials/"):
		id = fx.MaterialID
	case strings.HasPrefix(p, "/api/v1/events/"):
		id = handwritingEvent
	}
	p = strings.ReplaceAll(p, "{number}", certNumber)
	if strings.HasPrefix(p, "/api/v1/catalog/flows/") {
		id = flowID
	}
	stage := "1"
	if op == "withdraw-stage" {
		stage = "2" // not in review: refused after the scope check, nothing changes
	}
	r := strings.NewReplacer("{id}", id, "{stage}", stage, "{code}", fx.MaterialCode, "{year}", "2025", "{page}", "1")
	if op == "get-ledger-consistency" {
		p += "?from=0&to=1"
	}
	return r.Replace(p)
}

const (
	allowed = "allowed"
	unauth  = "unauthenticated"
	denied  = "denied"
	hidden  = "hidden"
)

func classify(rt httpapi.Route, err error) string {
	st := apitest.StatusOf(err)
	p, _ := err.(*apitest.Problem)
	switch {
	case rt.OpID == "login" && st == 401 && p.Key == "auth.bad_credentials":
		return allowed // the public route ran and judged the credentials
	case st == 401:
		return unauth
	case st == 403 && p.Key == "auth.role":
		return denied
	case st == 404 || st == 403:
		return hidden
	case st == 0:
		return fmt.Sprintf("transport error %v", err)
	}
	return allowed
}

func expect(rt httpapi.Route, u who) string {
	if rt.Roles == nil {
		return allowed
	}
	if u.role == "" {
		return unauth
	}
	in := false
	for _, r := range rt.Roles {
		in = in || r == u.role
	}
	if !in {
		return denied
	}
	if u.own {
		return allowed
	}
	switch scopes[rt.OpID] {
	case byProject, byTask, byLead:
		return hidden
	}
	return allowed
}
