package workflow_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/jobs"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
	"github.com/tongban/tongban/internal/workflow"
)

func testNotary(t *testing.T) *ledger.Notary {
	t.Helper()
	sk, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ek, _ := ed25519.GenerateKey(rand.Reader)
	n, err := ledger.NewNotary("test.tongban/ledger", sk, ek)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Officers deciding concurrently, on every dialect, leave one gap-free
// tree with one leaf per event that VerifyStore accepts; the checkpoint
// job signs it and re-arms itself; a project's record verifies offline.
func TestConcurrentDecisionsLedger(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &clock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))}
			notary := testNotary(t)
			svc, db := apitest.NewService(t, d, os.DirFS("../../catalogs"), "bench", clk.Now, func(o *workflow.Options) {
				o.Ledger, o.CheckpointEvery = notary, 30*time.Second
			})
			u, err := svc.CreateUserAsSystem(ctx, workflow.UserInput{Username: "qiye", DisplayName: "账本", Password: "Xm-Approval-2025!", Roles: []auth.Role{auth.Applicant},
				EnterpriseUSCC: usccA, EnterpriseName: "厦门账本有限公司"})
			if err != nil {
				t.Fatal(err)
			}
			app := u.Principal()
			var tasks []store.TaskRow
			var projects []string
			for i := range 6 {
				pr, err := svc.CreateProject(ctx, app, workflow.ProjectInput{Code: fmt.Sprintf("2025-350211-47-03-%06d", i+1), Name: "账本测试项目", FlowID: "bench",
					District: "350211", Investment: 1000, LandArea: 10000, FloorArea: 8000})
				if err != nil {
					t.Fatal(err)
				}
				_, rows, err := svc.SubmitStage(ctx, app, pr.ID, 1, workflow.SubmitInput{})
				if err != nil {
					t.Fatal(err)
				}
				tasks, projects = append(tasks, rows...), append(projects, pr.ID)
			}
			var wg sync.WaitGroup
			work := make(chan store.TaskRow)
			for range 12 {
				wg.Go(func() {
					for tk := range work {
						r, err := svc.Act(ctx, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActAccept, Version: max(tk.Version, 1)})
						if err == nil {
							_, err = svc.Act(ctx, officer(tk.DeptCode, auth.Approver), tk.ID, workflow.ActInput{Action: approval.ActApprove, Opinion: "同意", Version: r.Version})
						}
						if err != nil {
							t.Errorf("decide %s: %v", tk.ID, err)
						}
					}
				})
			}
			for _, tk := range tasks {
				work <- tk
			}
			close(work)
			wg.Wait()

			// The checkpoint job signs the tree and arms the next run.
			r := jobs.NewRunner(db, jobs.Options{Owner: "test", Now: clk.Now})
			r.Handle(workflow.JobLedgerCheckpoint, svc.HandleCheckpoint)
			if err := svc.ArmCheckpoints(ctx); err != nil {
				t.Fatal(err)
			}
			r.Handle(workflow.JobCertRender, svc.HandleCertRender)
			if n, err := r.RunDue(ctx); err != nil || n != 1+len(tasks) {
				t.Fatalf("RunDue = %d, %v; want the checkpoint job and one certificate per approval (%d)", n, err, len(tasks))
			}
			var rep ledger.StoreReport
			var events, waiting int
			if err := db.Read(ctx, func(tx *store.Tx) error {
				var err error
				if rep, err = ledger.VerifyStore(ctx, tx, ledger.FixedVerifiers(notary.Verifiers()...)); err != nil {
					return err
				}
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM events WHERE seq > ?`, 0).Scan(&events); err != nil {
					return err
				}
				return tx.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind=? AND state=? AND run_at=?`,
					workflow.JobLedgerCheckpoint, string(jobs.Available), clk.Now().Add(30*time.Second).UTC().UnixMilli()).Scan(&waiting)
			}); err != nil {
				t.Fatal(err)
			}
			if rep.Head.Size != uint64(events) || rep.Events != events || events < 2*len(tasks) || rep.Latest == nil || rep.Latest.Size != rep.Head.Size {
				t.Errorf("tree %d, events matched %d, events %d, latest checkpoint %+v", rep.Head.Size, rep.Events, events, rep.Latest)
			}
			if waiting != 1 {
				t.Errorf("%d checkpoint jobs armed 30 s ahead, want 1", waiting)
			}
			// Nothing new: the next run signs nothing.
			clk.Add(31 * time.Second)
			if _, err := r.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			if _, fresh, err := svc.CheckpointNow(ctx); err != nil || fresh {
				t.Errorf("CheckpointNow on an unchanged tree: fresh %v, %v", fresh, err)
			}
			rec, err := svc.ProjectRecord(ctx, app, projects[2])
			if err != nil {
				t.Fatal(err)
			}
			rv := ledger.VerifyRecord(rec, nil, notary.Verifiers())
			if ok, pending, failed := rv.Counts(); !rv.OK() || ok != len(rec.Events) || pending+failed != 0 {
				t.Errorf("record: %d ok, %d pending, %d failed of %d; %v", ok, pending, failed, len(rec.Events), rv.Err)
			}
			if _, err := svc.ProjectRecord(ctx, officer("NOPE", auth.Clerk), projects[2]); err == nil {
				t.Error("an officer of another department got the record")
			}
		})
	}
}
