package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

// latencies collects request durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// snapshot returns the durations sorted ascending.
func (l *latencies) snapshot() []time.Duration {
	l.mu.Lock()
	out := slices.Clone(l.d)
	l.mu.Unlock()
	slices.Sort(out)
	return out
}

// percentile returns the q-quantile (0 < q ≤ 1) of sorted durations by the
// nearest-rank method: the smallest value with at least q of the sample at
// or below it. An empty sample gives 0.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(q * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// rate returns n per second over d (0 for an empty interval).
func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// ms formats a duration in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// mib formats kibibytes as mebibytes.
func mib(kb int64) string { return fmt.Sprintf("%.1f MiB", float64(kb)/1024) }

// Goal is one target of the performance issue with the figure measured.
type Goal struct {
	Name   string
	Target string
	Met    bool
}

// Verdict prints GOAL MET or GOAL MISSED.
func (g Goal) Verdict() string {
	if g.Met {
		return "GOAL MET"
	}
	return "GOAL MISSED"
}

// Row is one line of the summary: a figure of one scenario on one database.
type Row struct {
	Scenario string
	Dialect  string
	Metric   string
	Value    string
	Goal     *Goal
}

// Summary collects the rows of a run, in the order they were measured.
type Summary struct {
	mu   sync.Mutex
	rows []Row
	fail []string
}

// Add appends a figure.
func (s *Summary) Add(r Row) {
	s.mu.Lock()
	s.rows = append(s.rows, r)
	s.mu.Unlock()
}

// Fail records a scenario that could not run.
func (s *Summary) Fail(scenario, dialect string, err error) {
	s.mu.Lock()
	s.fail = append(s.fail, fmt.Sprintf("%s on %s: %s", scenario, dialect, apperr.Describe(err)))
	s.mu.Unlock()
}

// Failed reports whether any scenario could not run.
func (s *Summary) Failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.fail) > 0
}

// Print writes the summary table and the failures.
func (s *Summary) Print(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(w, "\n=== tongbench summary ===")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tdb\tmetric\tvalue\tgoal\tverdict")
	for _, r := range s.rows {
		target, verdict := "", ""
		if r.Goal != nil {
			target, verdict = r.Goal.Target, r.Goal.Verdict()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Scenario, r.Dialect, r.Metric, r.Value, target, verdict)
	}
	tw.Flush()
	if len(s.fail) > 0 {
		fmt.Fprintln(w, "\nscenarios that could not run:")
		for _, f := range s.fail {
			fmt.Fprintln(w, "  - "+strings.ReplaceAll(f, "\n", "\n    "))
		}
	}
}
