package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/app"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/config"
	"github.com/tongban/tongban/internal/demo"
)

type sys struct {
	a    *app.App
	base string
	pass map[string]string
}

func boot(t *testing.T) sys {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir, cfg.Addr = t.TempDir(), "127.0.0.1:0"
	a, err := app.Open(ctx, cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	a.Start(ctx)
	accounts, err := demo.Load(ctx, a.Service, demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pass := map[string]string{}
	for _, ac := range accounts {
		pass[ac.Username] = ac.Password
	}
	return sys{a: a, base: "http://" + a.Addr(), pass: pass}
}

func wantProblem(t *testing.T, err error, status int, key string) *apitest.Problem {
	t.Helper()
	p, ok := err.(*apitest.Problem)
	if !ok || p.Status != status || (key != "" && p.Key != key) {
		t.Fatalf("got %v, want %d %s", err, status, key)
	}
	if p.Detail == "" || p.DetailEN == "" {
		t.Errorf("problem lacks a message: %+v", p)
	}
	return p
}

func TestBadCalendarAndCatalogChangeNothing(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	admin := login(t, s.base, "xitong", s.pass["xitong"])
	before := s.a.Service.Calendar()

	// Impossible date, a date both holiday and workday, a year mismatch.
	for _, body := range []map[string]any{
		{"year": 2027, "holidays": []map[string]string{{"date": "2027-02-30", "name": "春节"}}, "workdays": []any{}},
		{"year": 2027, "holidays": []map[string]string{{"date": "2027-02-08", "name": "春节"}}, "workdays": []map[string]string{{"date": "2027-02-08", "name": "春节调休"}}},
		{"year": 2027, "holidays": []map[string]string{{"date": "2026-12-31", "name": "元旦"}}, "workdays": []any{}},
	} {
		err := admin.Do(ctx, http.MethodPut, "/api/v1/calendar/years/2027", body, nil)
		wantProblem(t, err, 400, "")
	}
	if s.a.Service.Calendar() != before {
		t.Error("a refused calendar file replaced the calendar in force")
	}
	var years struct {
		Years []int `json:"years"`
	}
	_ = admin.Do(ctx, http.MethodGet, "/api/v1/calendar/years", nil, &years)
	for _, y := range years.Years {
		if y == 2027 {
			t.Error("2027 appeared after refused imports")
		}
	}
	// A good 2027 file is accepted and used for due dates.
	good := map[string]any{"year": 2027, "holidays": []map[string]string{{"date": "2027-01-01", "name": "元旦"}}, "workdays": []any{}}
	if err := admin.Do(ctx, http.MethodPut, "/api/v1/calendar/years/2027", good, nil); err != nil {
		t.Fatalf("good calendar: %v", err)
	}
	var due struct {
		Due     string `json:"due"`
		Covered bool   `json:"covered"`
	}
	if err := admin.Do(ctx, http.MethodGet, "/api/v1/calendar/due?from=2026-12-31&days=1", nil, &due); err != nil || due.Due != "2027-01-04" || !due.Covered {
		t.Errorf("due after import: %+v %v, want 2027-01-04 covered", due, err)
	}

	// A catalog whose rule does not compile, or is not boolean, is refused with file and line; the catalog stays.
	cat := s.a.Service.Catalog()
	broken := map[string]string{
		"departments.yaml": "departments:\n  - code: ZRGH\n    name: 厦门市自然资源和规划局\n",
		"items.yaml":       "items:\n  - code: X-1\n    version: 1\n    name: 测试事项\n    department: ZRGH\n    stage: 1\n    legal_limit: 20\n    committed_limit: 5\n    unit: WD\n    result: opinion\n    result_name: 意见\n    levels: [{name: 受理, role: clerk}]\n    when: project.investment + 1\n    materials: []\n",
	}
	err := admin.Do(ctx, http.MethodPut, "/api/v1/catalog", map[string]any{"files": broken}, nil)
	p := wantProblem(t, err, 400, "")
	if !strings.Contains(p.Detail+p.DetailEN, "items.yaml:") {
		t.Errorf("catalog error does not name file and line: %s / %s", p.Detail, p.DetailEN)
	}
	if s.a.Service.Catalog() != cat {
		t.Error("a refused catalog replaced the catalog in force")
	}
	for _, name := range []string{"../x.yaml", "/etc/x.yaml", "a.txt"} {
		err := admin.Do(ctx, http.MethodPut, "/api/v1/catalog", map[string]any{"files": map[string]string{name: "x: 1"}}, nil)
		wantProblem(t, err, 400, "catalog.file_name")
	}
}

func TestBadRequestsOverHTTP(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	admin := login(t, s.base, "anquan", s.pass["anquan"])
	// Invalid credit code, weak password, 三员分立 violated: every field reported, nothing stored.
	err := admin.Do(ctx, http.MethodPost, "/api/v1/users", map[string]any{"username": "newuser", "display_name": "新用户", "password": "short",
		"roles": []string{"applicant"}, "enterprise_uscc": "91350200MA2Y0QXK9T"}, nil)
	p := wantProblem(t, err, 400, "user.invalid")
	if p.Fields["password"] == nil || p.Fields["enterprise_uscc"] == nil {
		t.Errorf("fields %v: want password and enterprise_uscc", p.Fields)
	}
	err = admin.Do(ctx, http.MethodPost, "/api/v1/users", map[string]any{"username": "twohats", "display_name": "x", "password": "Xm-Approval-2025!",
		"roles": []string{"sysadmin", "auditadmin"}}, nil)
	if p := wantProblem(t, err, 400, "user.invalid"); p.Fields["roles"] == nil {
		t.Errorf("三员分立 not enforced: %v", p.Fields)
	}
	var users struct {
		Items []map[string]any `json:"items"`
	}
	_ = admin.Do(ctx, http.MethodGet, "/api/v1/users", nil, &users)
	for _, u := range users.Items {
		if u["username"] == "newuser" || u["username"] == "twohats" {
			t.Errorf("refused account %v was stored", u["username"])
		}
	}

	// CSRF: a session without the token cannot change anything.
	app := login(t, s.base, "qiye", s.pass["qiye"])
	csrf := app.CSRF
	app.CSRF = ""
	err = app.Do(ctx, http.MethodPost, "/api/v1/projects", map[string]any{}, nil)
	wantProblem(t, err, 403, "auth.csrf")
	app.CSRF = csrf

	// Uploads: a project of the applicant; a file lying about its type, a path trick, an oversize body.
	fx := apitest.MustProjectWithStage1(t, s.a.Service, principalOf(t, s, "qiye"), s.a.Service.Catalog().Flows()[0].ID, "2025-350211-47-03-000901")
	var code string
	var maxMB int
	v, _ := s.a.Service.GetProject(ctx, principalOf(t, s, "qiye"), fx.ProjectID)
	for _, r := range v.Requirements {
		if len(r.Material.Formats) > 0 && !contains(r.Material.Formats, "png") && !contains(r.Material.Formats, "jpg") {
			code, maxMB = r.Material.Code, r.Material.MaxSizeMB
			break
		}
	}
	if code == "" {
		t.Fatal("no material refusing images")
	}
	err = app.Upload(ctx, fx.ProjectID, 1, code, "scan.pdf", apitest.PNG(), nil)
	wantProblem(t, err, 400, "")
	big := bytes.Repeat([]byte("%PDF-1.4\n"), (maxMB<<20)/9+100)
	err = app.Upload(ctx, fx.ProjectID, 1, code, "big.pdf", big, nil)
	wantProblem(t, err, 413, "")
	var m struct {
		FileName string `json:"file_name"`
		Version  int    `json:"version"`
	}
	if err := app.Upload(ctx, fx.ProjectID, 1, code, "../../etc/passwd.pdf", apitest.PDF("x"), &m); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.FileName, "/") || strings.Contains(m.FileName, "..") {
		t.Errorf("stored name %q keeps the path", m.FileName)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func principalOf(t *testing.T, s sys, username string) auth.Principal {
	t.Helper()
	return auth.Principal{UserID: mustUserID(t, s.a, username), Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: demo.Enterprises[0].USCC, Username: username}
}
