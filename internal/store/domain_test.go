package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

var at = time.Date(2025, 3, 3, 1, 0, 0, 0, time.UTC)

func seedProject(t *testing.T, db *store.DB, code string) (approval.Project, approval.Stage) {
	t.Helper()
	ctx := context.Background()
	p := approval.Project{ID: store.NewID(), Code: code, Name: "厦门测试项目", FlowID: "industrial", FlowVersion: 1, Type: "industrial", District: "350211",
		Investment: 8000.5, LandArea: 30000, FloorArea: 45000, EnterpriseUSCC: "91350200MA2Y0QXK9T", EnterpriseName: "厦门测试有限公司",
		Agents: []approval.Agent{{Name: "林晓燕", Phone: "13800000001"}}, Answers: map[string]any{"touches_river": true, "floors": 12.0},
		State: approval.ProjectActive, CurrentStage: 1, CreatedBy: "u1", CreatedAt: at, UpdatedAt: at}
	st := approval.Stage{ID: store.NewID(), ProjectID: p.ID, Number: 1, Name: "立项用地规划许可", LeadDept: "ZRGH", State: approval.StageOpen, LimitDays: 15, Reasons: []string{}}
	err := db.Write(ctx, func(tx *store.Tx) error {
		if err := store.InsertProject(ctx, tx, p); err != nil {
			return err
		}
		return store.InsertStage(ctx, tx, st)
	})
	if err != nil {
		t.Fatal(err)
	}
	p.Version, st.Version = 1, 1
	return p, st
}

func newTask(p approval.Project, st approval.Stage, dept string, i int) approval.Task {
	c := calendar.Start(calendar.Default(), at, 5, calendar.WorkingDays, calendar.DefaultWarnRule())
	return approval.Task{ID: store.NewID(), ProjectID: p.ID, StageID: st.ID, Stage: 1, ItemCode: fmt.Sprintf("XM-%s-%03d", dept, i), ItemVersion: 1,
		ItemName: "事项", DeptCode: dept, Enterprise: p.EnterpriseUSCC, State: approval.DeptAccepted, Level: 1,
		Levels: []approval.Level{{Name: "受理", Role: auth.Clerk}, {Name: "签发", Role: auth.Approver}}, Accepted: true, Limit: 5, Unit: calendar.WorkingDays,
		Clock: &c, CreatedAt: at, UpdatedAt: at}
}

func TestDomainRoundTrip(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p, st := seedProject(t, db, "2025-350211-47-03-000001")
		tk := newTask(p, st, "ZRGH", 1)
		tk.Cosign = &approval.Cosign{Mode: approval.CosignAll, Departments: []string{"QX"}}
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertTask(ctx, tx, tk, 1) }); err != nil {
			t.Fatal(err)
		}
		tk.Version = 1
		var gotP approval.Project
		var gotT store.TaskRow
		err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			if gotP, err = store.GetProject(ctx, tx, p.ID); err != nil {
				return err
			}
			gotT, err = store.GetTask(ctx, tx, tk.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, gotP); diff != "" {
			t.Errorf("project round trip (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(tk, gotT.Task); diff != "" {
			t.Errorf("task round trip (-want +got):\n%s", diff)
		}
		// Duplicate project code: a conflict with a clear key, nothing written.
		_, _ = seedProjectErr(db, "2025-350211-47-03-000001")
		var n int
		_ = db.Read(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, `SELECT COUNT(*) FROM projects`).Scan(&n) })
		if n != 1 {
			t.Errorf("%d projects after a duplicate insert, want 1", n)
		}
	})
}

func seedProjectErr(db *store.DB, code string) (approval.Project, error) {
	ctx := context.Background()
	p := approval.Project{ID: store.NewID(), Code: code, Name: "x", Agents: []approval.Agent{}, Answers: map[string]any{}, State: approval.ProjectActive, CreatedAt: at, UpdatedAt: at}
	err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertProject(ctx, tx, p) })
	if !apperr.Is(err, apperr.Conflict) || apperr.As(err).Key != "project.duplicate_code" {
		return p, fmt.Errorf("duplicate code: got %v", err)
	}
	return p, nil
}

// TestTaskOptimisticConcurrency: two officers save the same task version at
// the same moment; exactly one succeeds, the other gets a conflict, and the
// stored task is the winner's, whole.
func TestTaskOptimisticConcurrency(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p, st := seedProject(t, db, "2025-350211-47-03-000002")
		tk := newTask(p, st, "ZRGH", 1)
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertTask(ctx, tx, tk, 1) }); err != nil {
			t.Fatal(err)
		}
		tk.Version = 1
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mine := tk
				mine.Assignee = fmt.Sprintf("officer-%d", i)
				mine.Level = 2
				errs[i] = db.Write(ctx, func(tx *store.Tx) error {
					if err := store.UpdateTask(ctx, tx, &mine, ""); err != nil {
						return err
					}
					_, err := store.AppendEvent(ctx, tx, store.Event{ProjectID: p.ID, TaskID: tk.ID, Kind: "approve", ActorID: mine.Assignee, At: at}, nil)
					return err
				})
			}()
		}
		wg.Wait()
		ok, winner := 0, -1
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
				winner = i
			case !apperr.Is(err, apperr.Conflict):
				t.Errorf("loser %d: %v, want conflict", i, err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d writers succeeded, want exactly 1", ok)
		}
		var got store.TaskRow
		var events []store.Event
		_ = db.Read(ctx, func(tx *store.Tx) error {
			got, _ = store.GetTask(ctx, tx, tk.ID)
			events, _ = store.ListEvents(ctx, tx, p.ID, tk.ID)
			return nil
		})
		if got.Version != 2 || got.Assignee != fmt.Sprintf("officer-%d", winner) {
			t.Errorf("stored version %d assignee %s, want 2 and the winner's", got.Version, got.Assignee)
		}
		if len(events) != 1 || events[0].ActorID != got.Assignee {
			t.Errorf("events %+v: want exactly the winner's", events)
		}
	})
}

func TestTodoKeysetPagination(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p, st := seedProject(t, db, "2025-350211-47-03-000003")
		err := db.Write(ctx, func(tx *store.Tx) error {
			for i := range 25 {
				dept := "ZRGH"
				if i%5 == 0 {
					dept = "ZJ"
				}
				tk := newTask(p, st, dept, i)
				c := calendar.Start(calendar.Default(), at.Add(time.Duration(i%7)*24*time.Hour), 5, calendar.WorkingDays, calendar.DefaultWarnRule())
				tk.Clock = &c
				if i == 3 {
					tk.State = approval.Approved
				}
				if err := store.InsertTask(ctx, tx, tk, 1); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		open := true
		var all []store.TaskRow
		after := ""
		for {
			var page []store.TaskRow
			err := db.Read(ctx, func(tx *store.Tx) error {
				var err error
				page, err = store.ListTasks(ctx, tx, store.TaskFilter{Dept: "ZRGH", Open: &open, Limit: 7, After: after})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if len(page) < 7 {
				break
			}
			after = store.Cursor(page[len(page)-1])
		}
		if len(all) != 19 { // 20 ZRGH tasks, one approved
			t.Fatalf("got %d open ZRGH tasks, want 19", len(all))
		}
		seen := map[string]bool{}
		for i, r := range all {
			if seen[r.ID] {
				t.Errorf("task %s twice", r.ID)
			}
			seen[r.ID] = true
			if r.DeptCode != "ZRGH" {
				t.Errorf("another department's task %s", r.DeptCode)
			}
			if i > 0 && store.Cursor(all[i-1]) > store.Cursor(r) {
				t.Errorf("not ordered by deadline at %d", i)
			}
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			_, err := store.ListTasks(ctx, tx, store.TaskFilter{Dept: "ZRGH", Limit: 5, After: "garbage"})
			return err
		})
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("bad cursor: %v, want invalid", err)
		}
	})
}

func TestMaterialsSessionsEvents(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p, _ := seedProject(t, db, "2025-350211-47-03-000004")
		err := db.Write(ctx, func(tx *store.Tx) error {
			for i := range 3 {
				m := store.Material{ID: store.NewID(), ProjectID: p.ID, Stage: 1, Code: "tdz", BlobKey: fmt.Sprintf("%064d", i), FileName: "土地证.pdf", Size: 10, Format: "pdf", UploadedBy: "u1", UploadedAt: at}
				if err := store.InsertMaterial(ctx, tx, &m); err != nil {
					return err
				}
				if m.Version != i+1 {
					return fmt.Errorf("version %d, want %d", m.Version, i+1)
				}
			}
			for i := range 5 {
				if _, err := store.AppendEvent(ctx, tx, store.Event{ProjectID: p.ID, Kind: "k", Opinion: fmt.Sprint(i), Data: map[string]any{"i": i}, At: at}, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		u := store.User{ID: store.NewID(), Username: "zrgh-clerk", DisplayName: "张敏", PasswordHash: "x", Roles: []auth.Role{auth.Clerk}, DeptCode: "ZRGH", CreatedAt: at, UpdatedAt: at}
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertUser(ctx, tx, u) }); err != nil {
			t.Fatal(err)
		}
		// A duplicate fails its whole transaction (PostgreSQL aborts it) with a clear conflict.
		u.ID = store.NewID()
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertUser(ctx, tx, u) }); !apperr.Is(err, apperr.Conflict) || apperr.As(err).Key != "user.duplicate" {
			t.Errorf("duplicate user: %v", err)
		}
		var evs []store.Event
		var ms []store.Material
		_ = db.Read(ctx, func(tx *store.Tx) error {
			evs, _ = store.ListEvents(ctx, tx, p.ID, "")
			ms, _ = store.ListMaterials(ctx, tx, p.ID, 1)
			return nil
		})
		if len(ms) != 3 {
			t.Errorf("%d material versions, want 3 (every version kept)", len(ms))
		}
		for i, e := range evs {
			if e.Opinion != fmt.Sprint(i) || (i > 0 && e.Seq <= evs[i-1].Seq) {
				t.Errorf("event %d out of order: %+v", i, e)
			}
		}
	})
}
