package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

// Scenario names, as given to -scenarios.
const (
	ScenarioDecisions = "decisions"
	ScenarioProjects  = "projects"
	ScenarioTodo      = "todo"
)

// Dialect names, as given to -dialects.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// DefaultPostgres is the local PostgreSQL server the benchmark creates its
// throw-away databases on (the postgres role has trust auth on loopback).
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Config is everything tongbench can be told; defaults are the figures the
// performance issue asks for.
type Config struct {
	Bin         string   // -bin: a tongban binary; empty builds bin/tongban from ./cmd/tongban
	Catalog     string   // -catalog: the bench catalog directory
	Scenarios   []string // -scenarios
	Dialects    []string // -dialects
	Postgres    string   // -postgres: server URL for fresh databases
	Keep        bool     // -keep: keep temp directories and databases for inspection
	Verbose     bool     // -v: progress and query plans
	ServerStart time.Duration

	// Scenario A: decisions.
	Workers       int           // -workers: concurrent officers
	DecisionTasks int           // -decision-tasks: stage-1 tasks to decide (3 per project)
	CeilingFor    time.Duration // -ceiling-duration: how long the INSERT loop runs

	// Scenario B: whole projects.
	Projects int // -projects
	InFlight int // -inflight: projects driven at the same time

	// Scenario C: to-do list.
	TodoRows        int      // -todo-rows: open tasks in the database
	TodoRequests    int      // -todo-requests: measured list requests
	TodoConcurrency int      // -todo-concurrency
	TodoPages       int      // -todo-pages: pages an officer reads in one visit (first + after=…)
	TodoDialects    []string // -todo-dialects: the million-row scenario is slow to set up; pick where it runs
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Catalog: "catalogs/bench", Scenarios: []string{ScenarioDecisions, ScenarioProjects, ScenarioTodo},
		Dialects: []string{DialectSQLite, DialectPostgres}, Postgres: DefaultPostgres, ServerStart: 60 * time.Second,
		Workers: 50, DecisionTasks: 3000, CeilingFor: 10 * time.Second,
		Projects: 200, InFlight: 20,
		TodoRows: 1000000, TodoRequests: 4000, TodoConcurrency: 8, TodoPages: 4, TodoDialects: []string{DialectSQLite, DialectPostgres},
	}
}

// listFlag is a comma-separated flag value.
type listFlag struct{ dst *[]string }

func (l listFlag) String() string {
	if l.dst == nil {
		return ""
	}
	return strings.Join(*l.dst, ",")
}

func (l listFlag) Set(s string) error {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(strings.ToLower(p)); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	*l.dst = out
	return nil
}

// parseFlags reads the command line into a Config and validates it,
// reporting every wrong flag at once.
func parseFlags(args []string, stderr io.Writer) (Config, error) {
	c := DefaultConfig()
	fs := flag.NewFlagSet("tongbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Bin, "bin", c.Bin, "tongban binary to benchmark (default: build bin/tongban from ./cmd/tongban)")
	fs.StringVar(&c.Catalog, "catalog", c.Catalog, "benchmark catalog directory")
	fs.Var(listFlag{&c.Scenarios}, "scenarios", "comma list of scenarios: decisions, projects, todo")
	fs.Var(listFlag{&c.Dialects}, "dialects", "comma list of databases: sqlite, postgres")
	fs.StringVar(&c.Postgres, "postgres", c.Postgres, "PostgreSQL server URL; each scenario creates a fresh database on it and drops it after")
	fs.BoolVar(&c.Keep, "keep", c.Keep, "keep the temporary data directories and PostgreSQL databases")
	fs.BoolVar(&c.Verbose, "v", c.Verbose, "print progress and the to-do query plans")
	fs.DurationVar(&c.ServerStart, "server-start", c.ServerStart, "how long to wait for the server to answer /healthz")
	fs.IntVar(&c.Workers, "workers", c.Workers, "decisions: concurrent officers")
	fs.IntVar(&c.DecisionTasks, "decision-tasks", c.DecisionTasks, "decisions: stage-1 tasks to decide, 3 per project (2 decisions each)")
	fs.DurationVar(&c.CeilingFor, "ceiling-duration", c.CeilingFor, "decisions: how long the one-row INSERT ceiling loop runs")
	fs.IntVar(&c.Projects, "projects", c.Projects, "projects: whole projects to drive through stages 1–3")
	fs.IntVar(&c.InFlight, "inflight", c.InFlight, "projects: projects in flight at once")
	fs.IntVar(&c.TodoRows, "todo-rows", c.TodoRows, "todo: open tasks in the database, across 100 departments")
	fs.IntVar(&c.TodoRequests, "todo-requests", c.TodoRequests, "todo: measured list requests")
	fs.IntVar(&c.TodoConcurrency, "todo-concurrency", c.TodoConcurrency, "todo: concurrent officers paging")
	fs.IntVar(&c.TodoPages, "todo-pages", c.TodoPages, "todo: pages per visit (the first, then after= cursors)")
	fs.Var(listFlag{&c.TodoDialects}, "todo-dialects", "todo: databases the to-do scenario runs on (within -dialects)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return c, err
		}
		return c, apperr.Newf(apperr.Invalid, "cli.flags", "参数有误：%v", "bad arguments: %v", err)
	}
	if fs.NArg() > 0 {
		return c, apperr.Newf(apperr.Invalid, "cli.args", "多余的参数：%s", "unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return c, c.Validate()
}

// Validate checks every field and reports all that are wrong.
func (c Config) Validate() error {
	e := apperr.New(apperr.Invalid, "bench.config", "基准测试参数有误", "invalid benchmark settings")
	if len(c.Scenarios) == 0 {
		e.WithField("scenarios", "required", "至少选择一个场景：decisions、projects、todo", "choose at least one scenario: decisions, projects, todo")
	}
	for _, s := range c.Scenarios {
		if !slices.Contains([]string{ScenarioDecisions, ScenarioProjects, ScenarioTodo}, s) {
			e.WithField("scenarios", "invalid", fmt.Sprintf("未知场景 %q，应为 decisions、projects 或 todo", s), fmt.Sprintf("unknown scenario %q: want decisions, projects or todo", s))
		}
	}
	checkDialects := func(field string, ds []string, required bool) {
		if required && len(ds) == 0 {
			e.WithField(field, "required", "至少选择一种数据库：sqlite、postgres", "choose at least one database: sqlite, postgres")
		}
		for _, d := range ds {
			if d != DialectSQLite && d != DialectPostgres {
				e.WithField(field, "invalid", fmt.Sprintf("未知数据库 %q，应为 sqlite 或 postgres", d), fmt.Sprintf("unknown database %q: want sqlite or postgres", d))
			}
		}
	}
	checkDialects("dialects", c.Dialects, true)
	checkDialects("todo-dialects", c.TodoDialects, false)
	if strings.TrimSpace(c.Catalog) == "" {
		e.WithField("catalog", "required", "请指定基准测试目录（catalogs/bench）", "the benchmark catalog directory is required (catalogs/bench)")
	}
	if slices.Contains(c.Dialects, DialectPostgres) {
		if u, err := url.Parse(c.Postgres); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			e.WithField("postgres", "invalid", "PostgreSQL 地址应形如 postgres://user@host:5432/db?sslmode=disable", "the PostgreSQL URL must look like postgres://user@host:5432/db?sslmode=disable")
		}
	}
	between := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			e.WithField(field, "invalid", fmt.Sprintf("%s 须在 %d 到 %d 之间（当前 %d）", field, lo, hi, v), fmt.Sprintf("%s must be between %d and %d (got %d)", field, lo, hi, v))
		}
	}
	between("workers", c.Workers, 1, 1000)
	between("decision-tasks", c.DecisionTasks, 3, 3000000)
	if c.DecisionTasks%3 != 0 {
		e.WithField("decision-tasks", "invalid", "decision-tasks 须为 3 的倍数（每个项目第1阶段有 3 个办件）", "decision-tasks must be a multiple of 3 (each project's stage 1 has 3 tasks)")
	}
	between("projects", c.Projects, 1, 1000000)
	between("inflight", c.InFlight, 1, 1000)
	between("todo-rows", c.TodoRows, 100, 100000000)
	if c.TodoRows%100 != 0 {
		e.WithField("todo-rows", "invalid", "todo-rows 须为 100 的倍数（每个项目 100 个办件，每个部门一个）", "todo-rows must be a multiple of 100 (100 tasks per project, one per department)")
	}
	between("todo-requests", c.TodoRequests, 1, 10000000)
	between("todo-concurrency", c.TodoConcurrency, 1, 1000)
	between("todo-pages", c.TodoPages, 1, 1000)
	if c.CeilingFor < 100*time.Millisecond || c.CeilingFor > time.Hour {
		e.WithField("ceiling-duration", "invalid", "ceiling-duration 须在 100ms 到 1h 之间", "ceiling-duration must be between 100ms and 1h")
	}
	if c.ServerStart < time.Second || c.ServerStart > 10*time.Minute {
		e.WithField("server-start", "invalid", "server-start 须在 1s 到 10m 之间", "server-start must be between 1s and 10m")
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

// wants reports whether scenario s is selected.
func (c Config) wants(s string) bool { return slices.Contains(c.Scenarios, s) }
