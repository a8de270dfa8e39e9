package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/catalogs"
	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/demo"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// seedNow is the end of the simulated history: a Thursday afternoon in a
// year the bundled calendar covers.
var seedNow = time.Date(2025, 11, 20, 16, 0, 0, 0, calendar.Location())

// mustService returns a workflow service on a fresh SQLite database with
// the bundled Xiamen catalog, and with the demo accounts when load is set.
func mustService(t *testing.T, load bool) *workflow.Service {
	t.Helper()
	svc, _ := apitest.NewService(t, store.SQLite, catalogs.Xiamen, "xiamen", func() time.Time { return seedNow })
	if load {
		if _, err := demo.Load(context.Background(), svc, demo.Options{}); err != nil {
			t.Fatalf("load demo accounts: %v", err)
		}
	}
	return svc
}

// mustSeed seeds n projects and returns the result and the progress output.
func mustSeed(t *testing.T, svc *workflow.Service, n int, seed int64) (demo.SeedResult, string) {
	t.Helper()
	var out bytes.Buffer
	start := time.Now()
	res, err := demo.Seed(context.Background(), svc, demo.SeedOptions{Projects: n, Seed: seed, Progress: &out, Now: seedNow})
	if err != nil {
		t.Fatalf("seed: %v\nprogress:\n%s", err, out.String())
	}
	t.Logf("seeded %+v in %v", res, time.Since(start))
	return res, out.String()
}

// query runs a read-only query returning rows of strings.
func query(t *testing.T, svc *workflow.Service, q string, args ...any) [][]string {
	t.Helper()
	var out [][]string
	err := svc.DB().Read(context.Background(), func(tx *store.Tx) error {
		rows, err := tx.Query(context.Background(), q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		for rows.Next() {
			vals := make([]string, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			out = append(out, vals)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatalf("query %q: %v", q, err)
	}
	return out
}

func count(t *testing.T, svc *workflow.Service, q string, args ...any) int {
	t.Helper()
	var n int
	if err := svc.DB().Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), q, args...).Scan(&n)
	}); err != nil {
		t.Fatalf("count %q: %v", q, err)
	}
	return n
}

func TestSeedHistory(t *testing.T) {
	svc := mustService(t, true)
	res, progress := mustSeed(t, svc, 40, 7)

	if got, want := res.Projects, 40; got != want {
		t.Errorf("projects = %d, want %d", got, want)
	}
	if got, want := res.Tasks, count(t, svc, `SELECT COUNT(*) FROM tasks`); got != want {
		t.Errorf("result tasks = %d, want the %d in the database", got, want)
	}
	if got, want := res.Events, count(t, svc, `SELECT COUNT(*) FROM events`); got != want {
		t.Errorf("result events = %d, want the %d in the database", got, want)
	}

	states := map[string]bool{}
	byState := query(t, svc, `SELECT state, COUNT(*) FROM projects GROUP BY state ORDER BY state`)
	for _, r := range byState {
		states[r[0]] = true
	}
	t.Logf("project states: %v", byState)
	for _, want := range []string{"active", "completed", "stopped", "withdrawn"} {
		if !states[want] {
			t.Errorf("no project in state %q", want)
		}
	}

	taskStates := query(t, svc, `SELECT state, COUNT(*) FROM tasks GROUP BY state ORDER BY state`)
	t.Logf("task states: %v", taskStates)
	if got := len(taskStates); got < 6 {
		t.Errorf("tasks in %d distinct national states, want at least 6", got)
	}

	nowMS := seedNow.UnixMilli()
	if got := count(t, svc, `SELECT COUNT(*) FROM events WHERE at > ?`, nowMS); got != 0 {
		t.Errorf("%d events after Now, want none", got)
	}
	monthAgo := seedNow.AddDate(0, -1, 0).UnixMilli()
	old := count(t, svc, `SELECT COUNT(*) FROM events WHERE at < ?`, monthAgo)
	if total := count(t, svc, `SELECT COUNT(*) FROM events`); old*2 < total {
		t.Errorf("%d of %d events are older than a month, want most", old, total)
	}
	yearAgo := seedNow.AddDate(-1, 0, -10).UnixMilli()
	if got := count(t, svc, `SELECT COUNT(*) FROM events WHERE at < ?`, yearAgo); got != 0 {
		t.Errorf("%d events more than a year before Now, want none", got)
	}

	// Events name the real demo accounts (or the system) as actors.
	if got := count(t, svc, `SELECT COUNT(*) FROM events WHERE actor_id <> 'system' AND actor_id NOT IN (SELECT id FROM users)`); got != 0 {
		t.Errorf("%d events by unknown actors, want none", got)
	}
	// Officers work in office hours: no decision at night.
	for _, r := range query(t, svc, `SELECT at FROM events WHERE actor_id <> 'system'`) {
		var ms int64
		for _, c := range r[0] {
			ms = ms*10 + int64(c-'0')
		}
		at := time.UnixMilli(ms).In(calendar.Location())
		if m := at.Hour()*60 + at.Minute(); m < 8*60+30 || m > 17*60+31 {
			t.Errorf("event at %v is outside working hours", at)
			break
		}
		if !calendar.Default().IsWorkingDay(calendar.DateOf(at)) {
			t.Errorf("event at %v is on a day off", at)
			break
		}
	}

	// The history has the kinds of action the dashboards and the demo show.
	kinds := map[string]bool{}
	for _, r := range query(t, svc, `SELECT DISTINCT kind FROM events`) {
		kinds[r[0]] = true
	}
	for _, want := range []string{"project_created", "material_uploaded", "stage_submitted", "accept", "approve", "cosign",
		"request_correction", "resubmit", "stage_completed", "project_completed"} {
		if !kinds[want] {
			t.Errorf("no %q event in the history", want)
		}
	}

	// Every officer's decision carries a signature that verifies; the
	// approvals of licence, approval and filing items issued certificates.
	if err := svc.DB().Read(context.Background(), func(tx *store.Tx) error {
		rep, err := sign.CheckStore(context.Background(), tx)
		officerActs := count(t, svc, `SELECT COUNT(*) FROM events WHERE actor_role IN ('clerk','reviewer','approver') AND task_id <> '' AND kind NOT LIKE 'cert.%'`)
		if err == nil && rep.Signed != officerActs {
			t.Errorf("%d signed events, want the %d officers' decisions", rep.Signed, officerActs)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := count(t, svc, `SELECT COUNT(*) FROM certificates`); got < 10 {
		t.Errorf("%d certificates in the demo, want the approvals' (at least 10)", got)
	}

	if lines := strings.Count(progress, "\n"); lines < 5 || !strings.Contains(progress, "100%") {
		t.Errorf("progress has %d lines, want about ten ending at 100%%:\n%s", lines, progress)
	}
}

func TestSeedDeterministic(t *testing.T) {
	summary := func(svc *workflow.Service) [][]string {
		return query(t, svc, `SELECT code, name, state, current_stage FROM projects ORDER BY code`)
	}
	a := mustService(t, true)
	resA, _ := mustSeed(t, a, 8, 42)
	b := mustService(t, true)
	resB, _ := mustSeed(t, b, 8, 42)
	if diff := cmp.Diff(resA, resB); diff != "" {
		t.Errorf("two runs with one seed differ (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(summary(a), summary(b)); diff != "" {
		t.Errorf("projects of two runs with one seed differ (-first +second):\n%s", diff)
	}

	// A second run into the same database adds projects with fresh codes.
	res2, _ := mustSeed(t, a, 8, 42)
	if got, want := res2.Projects, 8; got != want {
		t.Errorf("second run into one database: %d projects, want %d", got, want)
	}
	if got, want := count(t, a, `SELECT COUNT(*) FROM projects`), 16; got != want {
		t.Errorf("projects after two runs = %d, want %d", got, want)
	}
}

func TestSeedBadInput(t *testing.T) {
	tests := []struct {
		name     string
		projects int
		wantKey  string
		wantZH   string
	}{
		{"negative count", -1, "demo.projects", "演示项目数量须在 0 到"},
		{"absurd count", 2000000, "demo.projects", "演示项目数量须在 0 到"},
		{"no demo accounts", 5, "demo.accounts_missing", "请先创建演示账号"},
	}
	// The count is checked before the accounts are looked up, so no case
	// needs Load (whose password hashing is slow under -race).
	svc := mustService(t, false)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := demo.Seed(context.Background(), svc, demo.SeedOptions{Projects: tc.projects, Now: seedNow})
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("err = %v, want %s", err, apperr.Invalid)
			}
			ae := apperr.As(err)
			if ae.Key != tc.wantKey || !strings.Contains(ae.ZH, tc.wantZH) || ae.EN == "" {
				t.Errorf("err = %q / %q (key %s), want key %s and a message containing %q in both languages", ae.ZH, ae.EN, ae.Key, tc.wantKey, tc.wantZH)
			}
		})
	}
}

func TestSeedZeroProjects(t *testing.T) {
	svc := mustService(t, false) // nothing to do: the accounts are not even needed
	res, err := demo.Seed(context.Background(), svc, demo.SeedOptions{Projects: 0, Now: seedNow})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(demo.SeedResult{}, res); diff != "" {
		t.Errorf("zero projects (-want +got):\n%s", diff)
	}
}
