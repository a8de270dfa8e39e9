package main

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"empty", nil, .5, 0},
		{"one", ms(7), .99, 7 * time.Millisecond},
		{"median of odd", ms(1, 2, 3), .5, 2 * time.Millisecond},
		{"median of even is the lower", ms(1, 2, 3, 4), .5, 2 * time.Millisecond},
		{"p99 of 100", ms(hundred...), .99, 99 * time.Millisecond},
		{"p100", ms(hundred...), 1, 100 * time.Millisecond},
		{"tiny q is the minimum", ms(5, 6), 0.0001, 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.q); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.q, got, tt.want)
			}
		})
	}
}

func TestLatenciesSnapshotSorted(t *testing.T) {
	var l latencies
	for _, d := range []time.Duration{3, 1, 2} {
		l.add(d)
	}
	got := l.snapshot()
	if len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Errorf("snapshot = %v, want [1 2 3]", got)
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		n    int
		d    time.Duration
		want float64
	}{{100, time.Second, 100}, {50, 500 * time.Millisecond, 100}, {10, 0, 0}}
	for _, tt := range tests {
		if got := rate(tt.n, tt.d); got != tt.want {
			t.Errorf("rate(%d, %v) = %v, want %v", tt.n, tt.d, got, tt.want)
		}
	}
}

func TestSummaryPrint(t *testing.T) {
	var s Summary
	s.Add(Row{Scenario: "todo", Dialect: "sqlite", Metric: "to-do p99", Value: "3.00 ms", Goal: &Goal{Target: "< 20 ms", Met: true}})
	s.Add(Row{Scenario: "decisions", Dialect: "sqlite", Metric: "decisions ÷ ceiling", Value: "10.0%", Goal: &Goal{Target: "≥ 25%", Met: false}})
	s.Add(Row{Scenario: "decisions", Dialect: "sqlite", Metric: "p50", Value: "1.00 ms"})
	var b strings.Builder
	s.Print(&b)
	got := b.String()
	for _, want := range []string{"GOAL MET", "GOAL MISSED", "to-do p99", "decisions ÷ ceiling"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if s.Failed() {
		t.Error("Failed() with no failure")
	}
	s.Fail("todo", "postgres", errors.New("server down"))
	b.Reset()
	s.Print(&b)
	if !s.Failed() || !strings.Contains(b.String(), "todo on postgres: server down") {
		t.Errorf("failure not reported:\n%s", b.String())
	}
}

func TestProcStatus(t *testing.T) {
	pid := os.Getpid()
	if kb, err := procStatus(pid, "VmRSS"); err != nil || kb <= 0 {
		t.Errorf("own VmRSS = %d, %v; want a positive size", kb, err)
	}
	if _, err := procStatus(pid, "VmNoSuchField"); err == nil {
		t.Error("an unknown field was found")
	}
	if _, err := procStatus(-5, "VmRSS"); err == nil {
		t.Error("a process that cannot exist was read")
	}
}
