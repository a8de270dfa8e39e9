package approval

import (
	"time"

	"github.com/tongban/tongban/internal/calendar"
)

// SegmentKind says what a task was doing during one stretch of its time.
type SegmentKind string

// Segment kinds. The strings are sent to clients; never rename them.
const (
	SegmentWaiting SegmentKind = "waiting" // with the department, not accepted yet: no clock
	SegmentWorking SegmentKind = "working" // accepted, the clock running, at one level
	SegmentPaused  SegmentKind = "paused"  // the clock stopped: 补正 or 特别程序
)

// Why a segment is paused.
const (
	PauseCorrection = "correction" // 补正: with the applicant, from the correction request to the resubmission
	PauseSpecial    = "special"    // 特别程序: hearing, test, appraisal or expert review
)

// CreatedKind is the event kind that opens a task's record (the stage
// submission created it); every later task event is named by its Action.
const CreatedKind = "task_created"

// Record is one entry of a task's event record, as the timeline needs it:
// the action (or CreatedKind), the state and level after it, and when.
// Entries of other kinds (timers, chasing) may be passed and are skipped.
type Record struct {
	Kind    string
	To      State // the state after the entry
	ToLevel int   // the level after the entry
	At      time.Time
}

// Segment is one stretch of a task's time in one kind (and, working, at
// one level). Days are counted like the clock counts them: the days in
// (From, To], so the day a segment starts belongs to the one before it,
// consecutive segments add up, and the acceptance day is not counted.
type Segment struct {
	Kind    SegmentKind
	Level   int    // index into the task's levels; meaningful when working
	Reason  string // PauseCorrection or PauseSpecial when paused
	From    time.Time
	To      *time.Time // nil while the segment is still running
	Days    int        // in the task's unit: working days, or natural days for an ND item; up to now while running
	WD      int        // working days by the calendar whatever the unit, for totals across items
	EndedBy Action     // the action that ended the segment; empty while running
}

// Timeline is a task's time reconstructed from its record.
type Timeline struct {
	Segments []Segment
	// Totals by kind in the task's unit, and in working days.
	Waiting, Working, Paused       int
	WaitingWD, WorkingWD, PausedWD int
	Accepted                       bool       // the clock was started
	ConcludedAt                    *time.Time // the first conclusion; what follows (a revocation) is not time spent
}

// Used is the time the task used against its limit: working time only.
// The clock starts at acceptance and stops during pauses, so neither
// waiting nor paused time counts.
func (tl Timeline) Used() int { return tl.Working }

// phase is what a task is doing between two records.
type phase struct {
	kind   SegmentKind
	level  int
	reason string
}

// BuildTimeline reconstructs a task's segments from its records, in the
// order they happened: waiting from creation until acceptance, working
// per level between level changes, paused from a correction request to
// the resubmission and from the start of a special procedure to its end.
// A withdrawal request changes nothing (the clock keeps its state until
// the department confirms). The last segment of an open task runs up to
// now. Days are in unit (ND: natural days; anything else working days).
func BuildTimeline(recs []Record, unit calendar.Unit, cal *calendar.Calendar, now time.Time) Timeline {
	var tl Timeline
	var cur *Segment
	finish := func(at time.Time, by Action) {
		if cur == nil {
			return
		}
		at = later(at, cur.From)
		end := at
		cur.To, cur.EndedBy = &end, by
		tl.Segments = append(tl.Segments, *cur)
		cur = nil
	}
	open := func(ph phase, at time.Time) {
		cur = &Segment{Kind: ph.kind, Level: ph.level, Reason: ph.reason, From: at}
		if ph.kind != SegmentWorking {
			cur.Level = 0
		}
	}
	for _, r := range recs {
		a := Action(r.Kind)
		if r.Kind != CreatedKind && !isAction(a) {
			continue // timers, chasing: nothing about the task's state
		}
		switch a {
		case ActAccept, ActAcceptRongque, ActApproveCommitment:
			tl.Accepted = true
		}
		if r.To.Concluded() {
			finish(r.At, a)
			at := r.At
			tl.ConcludedAt = &at
			break
		}
		ph, ok := phaseOf(r, tl.Accepted, cur)
		if !ok {
			continue
		}
		if cur != nil && cur.Kind == ph.kind && cur.Reason == ph.reason && (ph.kind != SegmentWorking || cur.Level == ph.level) {
			continue // same phase: an opinion, a co-signature, a supplied material
		}
		var by Action
		if r.Kind != CreatedKind {
			by = a
		}
		finish(r.At, by)
		open(ph, r.At)
	}
	if cur != nil {
		tl.Segments = append(tl.Segments, *cur) // still running: counted up to now
	}
	for i := range tl.Segments {
		sg := &tl.Segments[i]
		end := now
		if sg.To != nil {
			end = *sg.To
		}
		end = later(end, sg.From)
		a, b := calendar.DateOf(sg.From), calendar.DateOf(end)
		sg.Days, sg.WD = cal.Between(a, b, unit), cal.WorkingDaysBetween(a, b)
		switch sg.Kind {
		case SegmentWaiting:
			tl.Waiting, tl.WaitingWD = tl.Waiting+sg.Days, tl.WaitingWD+sg.WD
		case SegmentWorking:
			tl.Working, tl.WorkingWD = tl.Working+sg.Days, tl.WorkingWD+sg.WD
		case SegmentPaused:
			tl.Paused, tl.PausedWD = tl.Paused+sg.Days, tl.PausedWD+sg.WD
		}
	}
	return tl
}

// phaseOf says what the task does after record r. A withdrawal pending
// confirmation keeps the phase it interrupted.
func phaseOf(r Record, accepted bool, cur *Segment) (phase, bool) {
	switch {
	case r.To == CorrectionStarted:
		return phase{kind: SegmentPaused, reason: PauseCorrection}, true
	case r.To == SpecialStarted:
		return phase{kind: SegmentPaused, reason: PauseSpecial}, true
	case r.To == WithdrawPending:
		if cur == nil {
			return phase{kind: SegmentWorking, level: r.ToLevel}, true
		}
		return phase{kind: cur.Kind, level: cur.Level, reason: cur.Reason}, true
	case !r.To.Valid():
		return phase{}, false
	case !accepted:
		return phase{kind: SegmentWaiting}, true
	}
	return phase{kind: SegmentWorking, level: r.ToLevel}, true
}

func isAction(a Action) bool {
	_, ok := actionNames[a]
	return ok
}

func later(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}
