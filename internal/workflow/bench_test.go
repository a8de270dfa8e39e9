package workflow_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
	"github.com/tongban/tongban/internal/workflow"
)

// BenchmarkDecision measures one officer decision (accept or approve) in
// the workflow service, without HTTP, with concurrent officers on the
// bench catalog (catalogs/bench: 3 departments per stage, 2 levels, no
// materials). It is the in-process part of tongbench's decisions
// scenario, for profiling: go test -run '^$' -bench Decision -cpuprofile.
//
// Three variants show what the record's guarantees cost per decision:
// "core" (no ledger, no signatures), "ledger" (every event into the SM3
// Merkle ledger) and "ledger+sign" (as the server runs: also every
// decision SM2-signed by the officer's key, and each approval's
// certificate signed by the department's key).
func BenchmarkDecision(b *testing.B) {
	variants := []struct {
		name string
		opt  func(*workflow.Options)
	}{
		{"core", func(o *workflow.Options) { o.Hook, o.Keys = nil, nil }},
		{"ledger", func(o *workflow.Options) { o.Keys = nil }},
		{"ledger+sign", func(*workflow.Options) {}},
	}
	for _, d := range storetest.Dialects() {
		for _, v := range variants {
			b.Run(string(d)+"/"+v.name, func(b *testing.B) { benchDecision(b, d, v.opt) })
		}
	}
}

func benchDecision(b *testing.B, d store.Dialect, opt func(*workflow.Options)) {
	ctx := context.Background()
	svc, _ := apitest.NewService(b, d, os.DirFS("../../catalogs"), "bench", func() time.Time { return time.Date(2025, 3, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)) }, opt)
	u, err := svc.CreateUserAsSystem(ctx, workflow.UserInput{Username: "qiye", DisplayName: "基准", Password: "Xm-Approval-2025!", Roles: []auth.Role{auth.Applicant},
		EnterpriseUSCC: usccA, EnterpriseName: "厦门基准有限公司"})
	if err != nil {
		b.Fatal(err)
	}
	app := u.Principal()
	// Each iteration is one task taken through its two decisions (accept
	// by the clerk, approve by the approver), as an officer pair would.
	var tasks []store.TaskRow
	for i := 0; len(tasks) < b.N; i++ {
		pr, err := svc.CreateProject(ctx, app, workflow.ProjectInput{Code: fmt.Sprintf("2025-350211-47-03-%06d", i+1), Name: "基准测试项目", FlowID: "bench",
			District: "350211", Investment: 1000, LandArea: 10000, FloorArea: 8000})
		if err != nil {
			b.Fatal(err)
		}
		_, rows, err := svc.SubmitStage(ctx, app, pr.ID, 1, workflow.SubmitInput{})
		if err != nil {
			b.Fatal(err)
		}
		tasks = append(tasks, rows...)
	}
	var next atomic.Int64
	var mu sync.Mutex
	var failed error
	start := time.Now()
	b.ResetTimer()
	b.SetParallelism(25) // 50 officers on 2 cores, as in tongbench
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			tk := tasks[next.Add(1)-1]
			r, err := svc.Act(ctx, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActAccept, Version: max(tk.Version, 1)})
			if err == nil {
				_, err = svc.Act(ctx, officer(tk.DeptCode, auth.Approver), tk.ID, workflow.ActInput{Action: approval.ActApprove, Opinion: "同意", Version: r.Version})
			}
			if err != nil {
				mu.Lock()
				failed = err
				mu.Unlock()
			}
		}
	})
	b.ReportMetric(float64(2*b.N)/time.Since(start).Seconds(), "decisions/s")
	b.StopTimer()
	if failed != nil {
		b.Fatal(failed)
	}
}
