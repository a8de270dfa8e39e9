package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/app"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/config"
	"github.com/tongban/tongban/internal/ident"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// FlowID is the benchmark flow of catalogs/bench.
const FlowID = "bench"

// benchDistrict is where benchmark projects are (集美区): any valid district.
const benchDistrict = "350211"

// bench is one run of tongbench.
type bench struct {
	cfg Config
	out io.Writer
	now func() time.Time
	bin string
	sum Summary
}

// runAll runs every chosen scenario on every chosen database, prints the
// summary and fails if any scenario could not run.
func (b *bench) runAll(ctx context.Context) error {
	// The catalog is checked first: a broken one would fail every scenario.
	if _, err := app.LoadCatalog(b.cfg.Catalog); err != nil {
		return err
	}
	b.bin = b.cfg.Bin
	if b.bin == "" {
		b.logf("building bin/tongban …")
		bin, err := buildServer(ctx)
		if err != nil {
			return err
		}
		b.bin = bin
	} else if _, err := os.Stat(b.bin); err != nil {
		return apperr.Newf(apperr.Invalid, "bench.bin", "找不到被测程序 %s", "the binary %s does not exist", b.bin).
			WithField("bin", "invalid", "找不到该文件", "no such file")
	}
	type job struct {
		scenario string
		fn       func(context.Context, *target) error
	}
	jobs := []job{{ScenarioDecisions, b.decisions}, {ScenarioProjects, b.projects}, {ScenarioTodo, b.todo}}
	for _, j := range jobs {
		if !b.cfg.wants(j.scenario) {
			continue
		}
		for _, d := range b.cfg.Dialects {
			if j.scenario == ScenarioTodo && !slices.Contains(b.cfg.TodoDialects, d) {
				b.logf("\n--- %s on %s: skipped (not in -todo-dialects)", j.scenario, d)
				continue
			}
			if err := ctx.Err(); err != nil {
				return apperr.Wrap(err, "interrupted")
			}
			b.logf("\n--- %s on %s", j.scenario, d)
			start := b.now()
			if err := b.runOne(ctx, j.scenario, d, j.fn); err != nil {
				b.logf("FAILED: %s", apperr.Describe(err))
				b.sum.Fail(j.scenario, d, err)
				continue
			}
			b.logf("(%s on %s took %s in all, setup included)", j.scenario, d, b.now().Sub(start).Round(time.Second))
		}
	}
	b.sum.Print(b.out)
	if b.sum.Failed() {
		return apperr.New(apperr.Internal, "bench.failed", "有场景未能运行（见上）", "some scenarios could not run (see above)")
	}
	return nil
}

// runOne gives a scenario a fresh target and releases it afterwards.
func (b *bench) runOne(ctx context.Context, scenario, dialect string, fn func(context.Context, *target) error) error {
	t, err := b.newTarget(ctx, scenario, dialect)
	if err != nil {
		return err
	}
	defer func() {
		if err := t.release(b.cfg.Keep); err != nil {
			b.logf("warning: cleanup: %s", apperr.Describe(err))
		}
		if b.cfg.Keep {
			b.logf("kept data directory %s, database %q", t.dataDir, t.dsn)
		}
	}()
	return fn(ctx, t)
}

// logf prints a progress line.
func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.out, format+"\n", args...)
}

// openApp opens the system on the target in this process, for setup: the
// same database, migrations and catalog the server will use.
func (b *bench) openApp(ctx context.Context, t *target) (*app.App, error) {
	cfg := config.Default()
	cfg.DataDir, cfg.DSN, cfg.CatalogDir, cfg.LogLevel = t.dataDir, t.dsn, b.cfg.Catalog, "warn"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return app.Open(ctx, cfg, app.Options{Now: b.now, Logger: log})
}

// benchUSCC returns the n-th benchmark enterprise's credit code, valid
// with its GB 32100 check character.
func benchUSCC(n int) (string, error) {
	first17 := fmt.Sprintf("91350200MA2B%05d", n)
	c, err := ident.USCCCheckChar(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(c), nil
}

// projectCode returns the n-th benchmark project code (a filing project, 备案).
func projectCode(n int) string { return fmt.Sprintf("2025-%s-47-03-%06d", benchDistrict, n) }

// officerName is the username of a department's officer of one role.
func officerName(dept string, r auth.Role) string {
	return fmt.Sprintf("%s-%s", lower(dept), r)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// deptCode returns the code of department n (1–100) of the bench catalog.
func deptCode(n int) string { return fmt.Sprintf("D%03d", n) }

// people are the accounts a scenario uses; all share one password.
type people struct {
	password   string
	officers   map[string]store.User // by username
	applicants []store.User
}

// createPeople creates a clerk and an approver for each department in
// depts and n applicant enterprises, directly through the Service.
func createPeople(ctx context.Context, svc *workflow.Service, depts []string, roles []auth.Role, n int) (*people, error) {
	p := &people{password: auth.GeneratePassword(), officers: map[string]store.User{}}
	for _, d := range depts {
		for _, r := range roles {
			u, err := svc.CreateUserAsSystem(ctx, workflow.UserInput{Username: officerName(d, r), DisplayName: d + " " + r.Label("zh"),
				Password: p.password, Roles: []auth.Role{r}, DeptCode: d})
			if err != nil {
				return nil, err
			}
			p.officers[u.Username] = u
		}
	}
	for i := range n {
		uscc, err := benchUSCC(i + 1)
		if err != nil {
			return nil, err
		}
		u, err := svc.CreateUserAsSystem(ctx, workflow.UserInput{Username: fmt.Sprintf("bench-applicant-%03d", i+1), DisplayName: fmt.Sprintf("基准测试企业%03d", i+1),
			Password: p.password, Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: uscc, EnterpriseName: fmt.Sprintf("厦门基准测试企业%03d有限公司", i+1)})
		if err != nil {
			return nil, err
		}
		p.applicants = append(p.applicants, u)
	}
	return p, nil
}

// sessions logs users in over HTTP once each (argon2id is deliberately
// slow, so this happens before any clock starts) and hands out clients
// that share a user's session but have their own connections, as separate
// browser tabs of one officer would.
type sessions struct {
	base   string
	mu     sync.Mutex
	byUser map[string]*apitest.Client
}

func newSessions(base string) *sessions {
	return &sessions{base: base, byUser: map[string]*apitest.Client{}}
}

// login logs username in, unless it already is.
func (s *sessions) login(ctx context.Context, username, password string) (*apitest.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.byUser[username]; ok {
		return c, nil
	}
	c := apitest.New(s.base)
	if err := c.Login(ctx, username, password); err != nil {
		e := apperr.Newf(apperr.Internal, "bench.login", "%s 登录失败", "login of %s failed", username)
		e.Err = err
		return nil, e
	}
	s.byUser[username] = c
	return c, nil
}

// clone returns a new client with its own connection pool on the session
// of a logged-in user.
func (s *sessions) clone(username string) (*apitest.Client, error) {
	s.mu.Lock()
	src, ok := s.byUser[username]
	s.mu.Unlock()
	if !ok {
		return nil, apperr.Newf(apperr.Internal, "bench.session", "%s 尚未登录", "%s is not logged in", username)
	}
	c := apitest.New(s.base)
	u, err := url.Parse(s.base)
	if err != nil {
		return nil, apperr.Wrap(err, "parse base URL")
	}
	c.HTTP.Jar.SetCookies(u, src.HTTP.Jar.Cookies(u))
	c.CSRF, c.User = src.CSRF, src.User
	c.HTTP.Transport = &http.Transport{MaxIdleConnsPerHost: 4, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute}
	return c, nil
}

// isConflict reports whether err is a 409 answer: a stale version or an
// illegal transition, which concurrent officers legitimately produce.
func isConflict(err error) bool { return apitest.StatusOf(err) == http.StatusConflict }

// failure is an internal error of the benchmark with its cause.
func failure(key, zh, en string, cause error) error {
	e := apperr.New(apperr.Internal, key, zh, en)
	e.Err = cause
	return e
}
