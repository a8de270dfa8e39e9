// Command tongbench measures Tongban's performance the way an operator would
// see it: a real tongban server in a separate process on loopback, driven
// over its HTTP API, on SQLite and PostgreSQL. It is what `make bench` runs;
// docs/benchmarks.md explains the scenarios and holds the figures.
//
// Scenarios:
//
//	decisions  50 officers decide stage-1 tasks concurrently (accept, then
//	           approve); compared with the ceiling of the same database: a
//	           one-row INSERT transaction loop with the server's settings.
//	projects   whole projects, 3 stages × 3 parallel tasks × 2 levels
//	           (18 decisions each), from submission to stage-3 completion.
//	todo       an officer's to-do list with a million open tasks across
//	           100 departments, paged by keyset; the server's RSS.
//
// Setup data is written straight into the database (the workflow Service,
// or bulk SQL for the million tasks) before the server starts; only the
// measured part goes over HTTP. The program exits non-zero when a scenario
// cannot run, not when a goal is missed: each goal prints GOAL MET or GOAL
// MISSED in the summary.
//
// This file is wiring only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "tongbench:", apperr.Describe(err))
		}
		os.Exit(1)
	}
}

// run parses the flags, runs the chosen scenarios on the chosen dialects
// and prints the summary. time.Now is injected here and nowhere deeper.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	b := &bench{cfg: cfg, out: stdout, now: time.Now}
	return b.runAll(ctx)
}
