package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/app"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/config"
	"github.com/tongban/tongban/internal/demo"
)

type mapBody struct {
	Project struct {
		ID string `json:"id"`
	} `json:"project"`
	Stages []struct {
		Number      int    `json:"number"`
		WorkingDays *int   `json:"working_days"`
		Running     bool   `json:"running"`
		Due         string `json:"due"`
		Tasks       []struct {
			ID       string `json:"id"`
			Due      string `json:"due"`
			DeptName string `json:"dept_name"`
			Unit     string `json:"unit"`
			Used     int    `json:"used"`
			Segments []struct {
				Kind      string     `json:"kind"`
				Level     *int       `json:"level"`
				LevelName string     `json:"level_name"`
				Reason    string     `json:"reason"`
				To        *time.Time `json:"to"`
				EndedBy   string     `json:"ended_by"`
			} `json:"segments"`
		} `json:"tasks"`
	} `json:"stages"`
	Departments []struct {
		DeptCode string `json:"dept_code"`
		Tasks    int    `json:"tasks"`
	} `json:"departments"`
}

func TestApprovalMapOverHTTP(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	fx := apitest.MustProjectWithStage1(t, s.a.Service, principalOf(t, s, "qiye"), s.a.Service.Catalog().Flows()[0].ID, "2025-350211-47-03-000931")
	app := login(t, s.base, "qiye", s.pass["qiye"])
	tk := fx.Tasks[0]
	officer := func(r auth.Role) *apitest.Client {
		u := demo.OfficerUsername(tk.DeptCode, r)
		return login(t, s.base, u, s.pass[u])
	}
	act := func(c *apitest.Client, action string, version int64) int64 {
		t.Helper()
		var out struct {
			Version int64 `json:"version"`
		}
		if err := c.Do(ctx, http.MethodPost, "/api/v1/tasks/"+tk.ID+"/actions", map[string]any{"action": action, "opinion": "请补充用地红线图", "version": version}, &out); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		return out.Version
	}
	v := act(officer(auth.Clerk), "accept", tk.Version)
	v = act(officer(auth.Reviewer), "request_correction", v)
	act(app, "resubmit", v)

	var m mapBody
	if err := app.Do(ctx, http.MethodGet, "/api/v1/projects/"+fx.ProjectID+"/map", nil, &m); err != nil {
		t.Fatal(err)
	}
	if m.Project.ID != fx.ProjectID || len(m.Stages) != 4 || len(m.Stages[0].Tasks) != len(fx.Tasks) || !m.Stages[0].Running || m.Stages[0].WorkingDays == nil {
		t.Fatalf("map: %+v", m)
	}
	if m.Stages[0].Due == "" || m.Stages[1].Due != "" {
		t.Errorf("stage limit dates: stage 1 %q (submitted), stage 2 %q (not)", m.Stages[0].Due, m.Stages[1].Due)
	}
	if m.Stages[1].WorkingDays != nil || len(m.Stages[1].Tasks) != 0 {
		t.Errorf("stage 2 was never submitted: %+v", m.Stages[1])
	}
	var got []string
	for _, mt := range m.Stages[0].Tasks {
		if mt.ID != tk.ID {
			if len(mt.Segments) != 1 || mt.Segments[0].Kind != "waiting" || mt.Segments[0].To != nil {
				t.Errorf("untouched task %s: %+v", mt.ID, mt.Segments)
			}
			continue
		}
		for _, sg := range mt.Segments {
			d := sg.Kind + ":" + sg.Reason + ":" + sg.LevelName + ">" + sg.EndedBy
			if (sg.Level != nil) != (sg.Kind == "working") || (sg.To == nil) != (sg.EndedBy == "") {
				t.Errorf("segment %s: level %v, to %v", d, sg.Level, sg.To)
			}
			got = append(got, d)
		}
		if mt.Due == "" {
			t.Errorf("accepted task %s without its limit date", mt.ID)
		}
		if mt.DeptName == "" || mt.Unit == "" {
			t.Errorf("task without department name or unit: %+v", mt)
		}
	}
	if want := "waiting::>accept working::审查>request_correction paused:correction:>resubmit working::审查>"; strings.Join(got, " ") != want {
		t.Errorf("segments:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if len(m.Departments) == 0 || m.Departments[0].Tasks == 0 {
		t.Errorf("departments: %+v", m.Departments)
	}

	// Same scope as the project: another enterprise or an uninvolved department gets 404.
	path := "/api/v1/projects/" + fx.ProjectID + "/map"
	for _, u := range []string{demo.Enterprises[1].Username, demo.OfficerUsername(fx.OtherDept, auth.Approver)} {
		err := login(t, s.base, u, s.pass[u]).Do(ctx, http.MethodGet, path, nil, nil)
		wantProblem(t, err, 404, "project.not_found")
	}
	for _, u := range []string{"jiancha", "shenji", demo.OfficerUsername(fx.LeadDept, auth.LeadCoordinator)} {
		if err := login(t, s.base, u, s.pass[u]).Do(ctx, http.MethodGet, path, nil, nil); err != nil {
			t.Errorf("map as %s: %v", u, err)
		}
	}
	err := login(t, s.base, "xitong", s.pass["xitong"]).Do(ctx, http.MethodGet, path, nil, nil)
	wantProblem(t, err, 403, "auth.role")
	err = app.Do(ctx, http.MethodGet, "/api/v1/projects/01JZZZZZZZZZZZZZZZZZZZZZZZ/map", nil, nil)
	wantProblem(t, err, 404, "project.not_found")
}

// bootSeeded is boot with a demo history of n projects, written before the
// server and its job runner start, as tongban serve --demo does (timers
// firing during the simulation would race its decisions).
func bootSeeded(t *testing.T, n int) sys {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir, cfg.Addr = t.TempDir(), "127.0.0.1:0"
	a, err := app.Open(ctx, cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	accounts, err := demo.Load(ctx, a.Service, demo.Options{Projects: n, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	a.Start(ctx)
	pass := map[string]string{}
	for _, ac := range accounts {
		pass[ac.Username] = ac.Password
	}
	return sys{a: a, base: "http://" + a.Addr(), pass: pass}
}

type statsBody struct {
	From    string `json:"from"`
	To      string `json:"to"`
	By      string `json:"by"`
	Overall struct {
		Count int `json:"count"`
	} `json:"overall"`
	Groups []struct {
		Key       string  `json:"key"`
		Name      string  `json:"name"`
		Count     int     `json:"count"`
		Mean      float64 `json:"mean"`
		P90       int     `json:"p90"`
		Limit     *int    `json:"limit"`
		OverShare float64 `json:"over_share"`
		Slowest   bool    `json:"slowest"`
	} `json:"groups"`
}

func TestDurationStatsOverHTTP(t *testing.T) {
	s := bootSeeded(t, 12)
	ctx := context.Background()
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	sup := login(t, s.base, "jiancha", s.pass["jiancha"])
	for _, by := range []string{"stage", "item", "dept"} {
		var st statsBody
		if err := sup.Do(ctx, http.MethodGet, "/api/v1/stats/durations?by="+by, nil, &st); err != nil {
			t.Fatalf("by %s: %v", by, err)
		}
		if st.By != by || st.To != today || st.Overall.Count == 0 || len(st.Groups) == 0 || !st.Groups[0].Slowest {
			t.Errorf("by %s: %+v", by, st)
			continue
		}
		n := 0
		for i, g := range st.Groups {
			n += g.Count
			if g.Name == "" || (i > 0 && (g.Slowest || g.Mean > st.Groups[i-1].Mean)) {
				t.Errorf("by %s: group %d %+v", by, i, g)
			}
			if by == "dept" && g.Limit != nil {
				t.Errorf("a department has no single limit: %+v", g)
			}
		}
		if n != st.Overall.Count {
			t.Errorf("by %s: %d in groups, %d overall", by, n, st.Overall.Count)
		}
		t.Logf("by %s: %d groups, slowest %s %s mean %.1f p90 %d", by, len(st.Groups), st.Groups[0].Key, st.Groups[0].Name, st.Groups[0].Mean, st.Groups[0].P90)
	}

	// Roles: read-only aggregates for supervisors, leads, approvers and the system administrator.
	for _, u := range []string{"xitong", demo.OfficerUsername("ZJ", auth.Approver), demo.OfficerUsername("ZJ", auth.LeadCoordinator)} {
		if err := login(t, s.base, u, s.pass[u]).Do(ctx, http.MethodGet, "/api/v1/stats/durations?by=dept", nil, nil); err != nil {
			t.Errorf("stats as %s: %v", u, err)
		}
	}
	for _, u := range []string{"qiye", demo.OfficerUsername("ZJ", auth.Clerk), "shenji", "anquan"} {
		err := login(t, s.base, u, s.pass[u]).Do(ctx, http.MethodGet, "/api/v1/stats/durations", nil, nil)
		wantProblem(t, err, 403, "auth.role")
	}

	// Each wrong input: 400, its key, the field and a message in both languages.
	tests := []struct {
		query, key, field, zh, en string
	}{
		{"from=2025-02-30", "stats.date", "from", `开始日期 "2025-02-30" 无效，应为真实存在的日期，格式 YYYY-MM-DD`, `the from date "2025-02-30" is invalid: want a real date written YYYY-MM-DD`},
		{"from=2025-01-01&to=20250301", "stats.date", "to", `结束日期 "20250301" 无效，应为真实存在的日期，格式 YYYY-MM-DD`, `the to date "20250301" is invalid: want a real date written YYYY-MM-DD`},
		{"from=2025-06-01&to=2025-05-31", "stats.range_order", "from", "开始日期 2025-06-01 晚于结束日期 2025-05-31", "the from date 2025-06-01 is after the to date 2025-05-31"},
		{"from=2021-01-01&to=2024-01-01", "stats.range_too_long", "to", "统计区间最长 3 年，2021-01-01 至 2024-01-01 超出了", "the period may span at most 3 years; 2021-01-01 to 2024-01-01 is longer"},
		{"by=month", "stats.by", "by", `分组方式 "month" 无效，应为 stage（按阶段）、item（按事项）或 dept（按部门）`, `grouping "month" is unknown: want stage, item or dept`},
		{"by=x&from=2025-13-01", "stats.invalid", "by", "统计条件有误，请检查标注的字段", "the statistics request has errors in the marked fields"},
	}
	en := login(t, s.base, "jiancha", s.pass["jiancha"])
	en.Lang = "en"
	for _, tt := range tests {
		err := sup.Do(ctx, http.MethodGet, "/api/v1/stats/durations?"+tt.query, nil, nil)
		p := wantProblem(t, err, 400, tt.key)
		if p.Detail != tt.zh || p.DetailEN != tt.en {
			t.Errorf("%s: %q / %q, want %q / %q", tt.query, p.Detail, p.DetailEN, tt.zh, tt.en)
		}
		if p.Fields[tt.field] == nil {
			t.Errorf("%s: fields %v, want %s", tt.query, p.Fields, tt.field)
		}
		err = en.Do(ctx, http.MethodGet, "/api/v1/stats/durations?"+tt.query, nil, nil)
		if p := wantProblem(t, err, 400, tt.key); p.Detail != tt.en {
			t.Errorf("%s in English: %q", tt.query, p.Detail)
		}
	}
	err := sup.Do(ctx, http.MethodGet, "/api/v1/stats/durations?from="+url.QueryEscape(strings.Repeat("9", 40)), nil, nil)
	wantProblem(t, err, 400, "")
}
