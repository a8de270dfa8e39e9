package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

// server boots the real binary's serve command on 127.0.0.1:0 with a temp
// data dir and the demo accounts, and returns the base URL and passwords.
func server(t *testing.T, extra ...string) (string, map[string]string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	args := append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--demo", "--demo-projects", "0", "--log-level", "warn"}, extra...)
	go func() { done <- run(ctx, args, pw, io.Discard); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	})
	pass := map[string]string{}
	var shared, base string
	sc := bufio.NewScanner(pr)
	rowRe := regexp.MustCompile(`^\s+\S+ (applicant|clerk|reviewer|approver|lead|supervisor|sysadmin|secadmin|auditadmin)\s+(\S+)\s+(\S+)`)
	for sc.Scan() {
		line := sc.Text()
		if m := rowRe.FindStringSubmatch(line); m != nil {
			pass[m[2]] = m[3]
		}
		if i := strings.Index(line, "shared password: "); i >= 0 {
			shared = strings.TrimSpace(line[i+len("shared password: "):])
		}
		if i := strings.Index(line, "serving at "); i >= 0 {
			base = strings.TrimSuffix(strings.TrimSpace(line[i+len("serving at "):]), "/")
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatalf("server printed no URL; accounts %v", pass)
	}
	if len(pass) < 9 || pass["qiye"] == "" || pass["xitong"] == "" || shared == "" {
		t.Fatalf("want 9 role accounts and a shared officer password, got %v %q", pass, shared)
	}
	return base, pass, shared
}

func login(t *testing.T, base, user, pass string) *apitest.Client {
	t.Helper()
	c := apitest.New(base)
	if err := c.Login(context.Background(), user, pass); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

type task struct {
	ID       string `json:"id"`
	ItemCode string `json:"item_code"`
	DeptCode string `json:"dept_code"`
	State    int    `json:"state"`
	Level    int    `json:"level"`
	Levels   []struct {
		Name string `json:"name"`
		Role string `json:"role"`
	} `json:"levels"`
	Cosign *struct {
		Mode        string   `json:"mode"`
		Departments []string `json:"departments"`
	} `json:"cosign"`
	Version int64 `json:"version"`
}

type projectView struct {
	Project struct {
		ID           string `json:"id"`
		State        string `json:"state"`
		CurrentStage int    `json:"current_stage"`
	} `json:"project"`
	Stages []struct {
		Number int    `json:"number"`
		State  string `json:"state"`
	} `json:"stages"`
	Tasks        []task `json:"tasks"`
	Events       []any  `json:"events"`
	Requirements []struct {
		Code     string   `json:"code"`
		Required bool     `json:"required"`
		Formats  []string `json:"formats"`
		Uploaded any      `json:"uploaded"`
	} `json:"current_requirements"`
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadAll uploads a file for every required material of the current stage.
func uploadAll(t *testing.T, c *apitest.Client, id string, stage int) {
	t.Helper()
	ctx := context.Background()
	var v projectView
	if err := c.Do(ctx, http.MethodGet, "/api/v1/projects/"+id, nil, &v); err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Requirements {
		if !r.Required || r.Uploaded != nil {
			continue
		}
		content, name := apitest.PDF(r.Code), r.Code+".pdf"
		if !slices.Contains(r.Formats, "pdf") {
			content, name = pngBytes(t), r.Code+".png"
		}
		if err := c.Upload(ctx, id, stage, r.Code, name, content, nil); err != nil {
			t.Fatalf("upload %s: %v", r.Code, err)
		}
	}
}

// driveTask takes a task from acceptance to approval with the department's
// demo officers, giving co-signing opinions where the item needs them.
func driveTask(t *testing.T, base, shared string, tk task) {
	t.Helper()
	ctx := context.Background()
	dept := strings.ToLower(tk.DeptCode)
	act := func(user string, body map[string]any) {
		t.Helper()
		c := login(t, base, user, shared)
		var cur task
		if err := c.Do(ctx, http.MethodGet, "/api/v1/tasks/"+tk.ID, nil, &struct {
			Task *task `json:"task"`
		}{&cur}); err != nil {
			t.Fatalf("%s get task: %v", user, err)
		}
		body["version"] = cur.Version
		if err := c.Do(ctx, http.MethodPost, "/api/v1/tasks/"+tk.ID+"/actions", body, &tk); err != nil {
			t.Fatalf("%s %v on %s: %v", user, body["action"], tk.ItemCode, err)
		}
	}
	act(dept+"-clerk", map[string]any{"action": "accept", "opinion": "材料齐全，予以受理"})
	for tk.State != 11 && tk.State != 12 {
		last := tk.Level == len(tk.Levels)-1
		if last && tk.Cosign != nil {
			for _, d := range tk.Cosign.Departments {
				act(strings.ToLower(d)+"-reviewer", map[string]any{"action": "cosign", "agree": true, "opinion": "同意"})
			}
		}
		act(dept+"-"+tk.Levels[tk.Level].Role, map[string]any{"action": "approve", "opinion": "同意"})
	}
}

// TestServeDemoWholeStage runs the binary's serve command on each database
// (SQLite under --data, PostgreSQL and MariaDB by --db) and walks a stage
// through it over HTTP.
func TestServeDemoWholeStage(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			var extra []string
			if d != store.SQLite {
				dsn, _ := storetest.FreshDSN(t, d)
				extra = []string{"--db", dsn}
			}
			wholeStage(t, extra)
		})
	}
}

func wholeStage(t *testing.T, extra []string) {
	base, pass, shared := server(t, extra...)
	ctx := context.Background()

	// A headless visitor at / sees a Chinese page, the API document is served.
	for _, p := range []string{"/", "/healthz", "/readyz", "/api/openapi.json", "/metrics"} {
		resp, err := http.Get(base + p)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", p, err, resp)
		}
		resp.Body.Close()
	}

	app := login(t, base, "qiye", pass["qiye"])
	var flows struct {
		Items []struct {
			ID          string `json:"id"`
			ProjectType string `json:"project_type"`
			Name        string `json:"name"`
		} `json:"items"`
	}
	if err := app.Do(ctx, http.MethodGet, "/api/v1/catalog/flows", nil, &flows); err != nil || len(flows.Items) < 4 {
		t.Fatalf("flows: %v %d", err, len(flows.Items))
	}
	flow := flows.Items[0].ID
	for _, f := range flows.Items {
		if strings.Contains(f.Name, "工业") && !strings.Contains(f.Name, "小型") {
			flow = f.ID
		}
	}
	var pr struct {
		ID string `json:"id"`
	}
	body := map[string]any{"code": "2025-350211-47-03-000123", "name": "鹭岛智造新材料生产基地", "flow_id": flow, "district": "350211",
		"address": "集美区杏林湾路 88 号", "investment": 8000.0, "land_area": 30000.0, "floor_area": 45000.0,
		"agents": []map[string]string{{"name": "林晓燕", "phone": "13800000001"}}}
	if err := app.Do(ctx, http.MethodPost, "/api/v1/projects", body, &pr); err != nil {
		t.Fatalf("create project: %v", err)
	}
	// The same project code again is a conflict; a bad credit code or project code is invalid.
	if err := app.Do(ctx, http.MethodPost, "/api/v1/projects", body, nil); apitest.StatusOf(err) != 409 {
		t.Errorf("duplicate project code: %v, want 409", err)
	}
	bad := map[string]any{}
	for k, v := range body {
		bad[k] = v
	}
	bad["code"] = "2025-35021-47-03-000124"
	if err := app.Do(ctx, http.MethodPost, "/api/v1/projects", bad, nil); apitest.StatusOf(err) != 400 {
		t.Errorf("bad project code: %v, want 400", err)
	} else if p := err.(*apitest.Problem); p.Fields["code"] == nil {
		t.Errorf("bad project code: no field error: %v", p)
	}

	// Submitting before uploading is refused with the missing materials named.
	err := app.Do(ctx, http.MethodPost, "/api/v1/projects/"+pr.ID+"/stages/1/submit", map[string]any{}, nil)
	if p, ok := err.(*apitest.Problem); !ok || p.Key != "stage.materials_missing" || len(p.Fields) == 0 {
		t.Fatalf("submit without materials: %v", err)
	}
	uploadAll(t, app, pr.ID, 1)
	var sub struct {
		Tasks []task `json:"tasks"`
	}
	if err := app.Do(ctx, http.MethodPost, "/api/v1/projects/"+pr.ID+"/stages/1/submit", map[string]any{}, &sub); err != nil {
		t.Fatalf("submit: %v", err)
	}
	if len(sub.Tasks) < 2 {
		t.Fatalf("stage 1 has %d tasks, want parallel tasks", len(sub.Tasks))
	}
	if err := app.Do(ctx, http.MethodPost, "/api/v1/projects/"+pr.ID+"/stages/1/submit", map[string]any{}, nil); apitest.StatusOf(err) != 409 {
		t.Errorf("double submission: %v, want 409", err)
	}

	// Another enterprise cannot see the project; another department cannot touch the task.
	other := login(t, base, "qiye2", shared)
	if err := other.Do(ctx, http.MethodGet, "/api/v1/projects/"+pr.ID, nil, nil); apitest.StatusOf(err) != 404 {
		t.Errorf("other enterprise reads project: %v, want 404", err)
	}
	tk := sub.Tasks[0]
	foreign := "zj"
	if strings.EqualFold(tk.DeptCode, "ZJ") {
		foreign = "zrgh"
	}
	fc := login(t, base, foreign+"-clerk", shared)
	if err := fc.Do(ctx, http.MethodPost, "/api/v1/tasks/"+tk.ID+"/actions", map[string]any{"action": "accept", "version": tk.Version}, nil); apitest.StatusOf(err) != 404 {
		t.Errorf("foreign clerk accepts: %v, want 404", err)
	}

	// Two clerks of the right department accept the same version at once: one wins.
	dept := strings.ToLower(tk.DeptCode)
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range 2 {
		c := login(t, base, dept+"-clerk", shared)
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = apitest.StatusOf(c.Do(ctx, http.MethodPost, "/api/v1/tasks/"+tk.ID+"/actions", map[string]any{"action": "accept", "version": tk.Version}, nil))
		}()
	}
	wg.Wait()
	slices.Sort(statuses)
	if statuses[0] != 200 || statuses[1] != 409 {
		t.Fatalf("concurrent accepts: %v, want one 200 and one 409", statuses)
	}
	// An illegal transition: accepting again is a conflict, in Chinese by default and English on request.
	c := login(t, base, dept+"-clerk", shared)
	var cur struct {
		Task task `json:"task"`
	}
	if err := c.Do(ctx, http.MethodGet, "/api/v1/tasks/"+tk.ID, nil, &cur); err != nil {
		t.Fatal(err)
	}
	err = c.Do(ctx, http.MethodPost, "/api/v1/tasks/"+tk.ID+"/actions", map[string]any{"action": "accept", "version": cur.Task.Version}, nil)
	if p, ok := err.(*apitest.Problem); !ok || p.Key != "task.illegal_transition" || !strings.Contains(p.Detail, "受理") {
		t.Errorf("accept twice: %v", err)
	}
	c.Lang = "en"
	err = c.Do(ctx, http.MethodPost, "/api/v1/tasks/"+tk.ID+"/actions", map[string]any{"action": "accept", "version": cur.Task.Version}, nil)
	if p, ok := err.(*apitest.Problem); !ok || !strings.Contains(p.Detail, "not allowed") {
		t.Errorf("English message: %v", err)
	}

	// Every department works its task in parallel through its levels.
	tk.Version = cur.Task.Version
	var wg2 sync.WaitGroup
	for _, x := range sub.Tasks {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			if x.ID == tk.ID {
				x = cur.Task
				// already accepted above: continue at its level
				driveFrom(t, base, shared, x)
				return
			}
			driveTask(t, base, shared, x)
		}()
	}
	wg2.Wait()
	var v projectView
	if err := app.Do(ctx, http.MethodGet, "/api/v1/projects/"+pr.ID, nil, &v); err != nil {
		t.Fatal(err)
	}
	if v.Stages[0].State != "completed" || v.Stages[1].State != "open" || v.Project.CurrentStage != 2 {
		t.Fatalf("after all approvals: stages %+v current %d", v.Stages, v.Project.CurrentStage)
	}
	if len(v.Events) < 3*len(sub.Tasks) {
		t.Errorf("only %d events recorded", len(v.Events))
	}
}

// driveFrom continues a task already accepted.
func driveFrom(t *testing.T, base, shared string, tk task) {
	t.Helper()
	ctx := context.Background()
	dept := strings.ToLower(tk.DeptCode)
	for tk.State != 11 && tk.State != 12 {
		if tk.Level == len(tk.Levels)-1 && tk.Cosign != nil {
			for _, d := range tk.Cosign.Departments {
				c := login(t, base, strings.ToLower(d)+"-reviewer", shared)
				if err := c.Do(ctx, http.MethodPost, "/api/v1/tasks/"+tk.ID+"/actions", map[string]any{"action": "cosign", "agree": true, "version": tk.Version}, &tk); err != nil {
					t.Fatalf("cosign: %v", err)
				}
			}
		}
		c := login(t, base, dept+"-"+tk.Levels[tk.Level].Role, shared)
		if err := c.Do(ctx, http.MethodPost, "/api/v1/tasks/"+tk.ID+"/actions", map[string]any{"action": "approve", "opinion": "同意", "version": tk.Version}, &tk); err != nil {
			t.Fatalf("approve %s: %v", tk.ItemCode, err)
		}
	}
}

func TestCalendarDueCommand(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--from", "2025-09-30", "--days", "5"}, "2025-10-14"},
		{[]string{"--from", "2024-02-09", "--days", "1", "--unit", "WD"}, "2024-02-18"},
		{[]string{"--from", "2025-09-30", "--days", "5", "--unit", "ND"}, "2025-10-05"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"calendar", "due"}, tt.args...), &out, io.Discard); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if got := lines[len(lines)-1]; got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.args, got, tt.want)
		}
	}
	for _, bad := range [][]string{{"--from", "2025-02-30", "--days", "1"}, {"--from", "2025-01-01", "--days", "1", "--unit", "XX"}, {"--from", "x"}} {
		err := run(context.Background(), append([]string{"calendar", "due"}, bad...), io.Discard, io.Discard)
		if err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

var _ = fmt.Sprint
var _ = time.Second
