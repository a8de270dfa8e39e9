package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tongban/tongban/internal/apperr"
)

// maxProblems caps how many problems one load reports: past that the rest
// are usually echoes of one mistake (a wrong indent, a renamed department).
const maxProblems = 100

// Problem is one thing wrong in a catalog, located in its source file.
type Problem struct {
	File string `json:"file"`
	Line int    `json:"line"` // 0 when the problem concerns the whole file or catalog
	ZH   string `json:"message"`
	EN   string `json:"message_en"`
}

// Where returns "file:line" (or just the file when the line is unknown).
func (p Problem) Where() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// ProblemList is the cause carried by the error Load returns; Problems
// extracts it for the API.
type ProblemList struct {
	Problems []Problem
	Dropped  int // problems past the cap, not listed
}

// Error summarises the list; the full text is in the apperr messages.
func (l *ProblemList) Error() string {
	return fmt.Sprintf("%d catalog problem(s)", len(l.Problems)+l.Dropped)
}

// Problems returns the problems carried by an error from Load, Merge or
// Registry.Reload, or nil if err carries none.
func Problems(err error) []Problem {
	var l *ProblemList
	if errors.As(err, &l) {
		return append([]Problem(nil), l.Problems...)
	}
	return nil
}

// problems collects problems while loading.
type problems struct{ list ProblemList }

func (ps *problems) add(file string, line int, zh, en string) {
	if len(ps.list.Problems) >= maxProblems {
		ps.list.Dropped++
		return
	}
	ps.list.Problems = append(ps.list.Problems, Problem{File: file, Line: line, ZH: zh, EN: en})
}

func (ps *problems) empty() bool { return len(ps.list.Problems) == 0 }

// err returns one apperr.Invalid error listing every problem, one per line
// as "file:line: message"; the structured list rides along as the cause
// (see Problems). They are not also put in Fields: Error() would then print
// every problem twice in logs.
func (ps *problems) err() error {
	if ps.empty() {
		return nil
	}
	n := len(ps.list.Problems) + ps.list.Dropped
	var zh, en strings.Builder
	fmt.Fprintf(&zh, "审批目录有 %d 处错误：", n)
	fmt.Fprintf(&en, "the catalog has %d problem(s):", n)
	// Reading order mixes per-file checks with whole-catalog ones; sorted by
	// place, the list reads like a compiler's.
	sort.SliceStable(ps.list.Problems, func(i, j int) bool {
		a, b := ps.list.Problems[i], ps.list.Problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	e := apperr.New(apperr.Invalid, "catalog.invalid", "", "")
	for _, p := range ps.list.Problems {
		fmt.Fprintf(&zh, "\n%s: %s", p.Where(), p.ZH)
		fmt.Fprintf(&en, "\n%s: %s", p.Where(), p.EN)
	}
	if ps.list.Dropped > 0 {
		fmt.Fprintf(&zh, "\n……另有 %d 处错误未列出", ps.list.Dropped)
		fmt.Fprintf(&en, "\n… and %d more not listed", ps.list.Dropped)
	}
	e.ZH, e.EN = zh.String(), en.String()
	l := ps.list
	e.Err = &l
	return e
}
