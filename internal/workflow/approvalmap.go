package workflow

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/store"
)

// ApprovalMap (审批地图) is one project's time: each stage, and for each
// task of the stage's latest round its waiting, working and paused
// segments against its limit, with totals per department.
type ApprovalMap struct {
	Project     approval.Project
	Now         time.Time
	Stages      []StageMap
	Departments []DeptTime
}

// StageMap is one stage of the map.
type StageMap struct {
	Stage        approval.Stage
	LeadDeptName string
	// Days is the working days from the latest submission to the stage's
	// conclusion (or now while in review); 0 before any submission.
	Days  int
	Tasks []TaskMap
}

// Submitted reports whether the stage was ever submitted.
func (m StageMap) Submitted() bool { return m.Stage.SubmittedAt != nil }

// Running reports whether the stage's time still runs (in review).
func (m StageMap) Running() bool { return m.Stage.State == approval.StageInReview }

// Over reports whether the stage took longer than its limit.
func (m StageMap) Over() bool { return m.Stage.LimitDays > 0 && m.Days > m.Stage.LimitDays }

// TaskMap is one task of the map with its reconstructed time.
type TaskMap struct {
	Task     store.TaskRow
	DeptName string
	Timeline approval.Timeline
}

// Used is the time used against the limit, in the task's unit: working
// time only, pauses and waiting before acceptance excluded.
func (m TaskMap) Used() int { return m.Timeline.Used() }

// Margin is the limit minus the time used: negative when over the limit.
func (m TaskMap) Margin() int { return m.Task.Limit - m.Used() }

// Over reports whether the task used more than its limit.
func (m TaskMap) Over() bool { return m.Used() > m.Task.Limit }

// DeptTime totals one department's time over the map's tasks, in working
// days whatever the items' units, so that items can be added up.
type DeptTime struct {
	Code, Name               string
	Tasks, Over              int
	Waiting, Working, Paused int
}

// GetApprovalMap returns a project's approval map for a person who may see
// the project (the scope of GetProject).
func (s *Service) GetApprovalMap(ctx context.Context, p auth.Principal, id string) (ApprovalMap, error) {
	var m ApprovalMap
	var stages []approval.Stage
	var tasks map[string][]store.TaskRow
	var events []store.Event
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if m.Project, err = s.loadProjectFor(ctx, tx, p, id); err != nil {
			return err
		}
		if stages, err = store.ListStages(ctx, tx, id); err != nil {
			return err
		}
		all, err := store.ListProjectTasks(ctx, tx, id)
		if err != nil {
			return err
		}
		tasks = map[string][]store.TaskRow{}
		for _, t := range all {
			tasks[t.StageID] = append(tasks[t.StageID], t)
		}
		events, err = store.ListEvents(ctx, tx, id, "")
		return err
	})
	if err != nil {
		return m, err
	}
	m.Now = s.now()
	cal, cat := s.Calendar(), s.Catalog()
	byTask := map[string][]approval.Record{}
	for _, e := range events {
		if e.TaskID != "" {
			byTask[e.TaskID] = append(byTask[e.TaskID], RecordOf(e))
		}
	}
	deptName := func(code string) string {
		if d, ok := cat.Department(code); ok {
			return d.Name
		}
		return code
	}
	depts := map[string]*DeptTime{}
	for _, st := range stages {
		sm := StageMap{Stage: st, LeadDeptName: deptName(st.LeadDept), Tasks: []TaskMap{}}
		if st.SubmittedAt != nil {
			end := m.Now
			if st.ConcludedAt != nil && st.State != approval.StageInReview {
				end = *st.ConcludedAt
			}
			sm.Days = max(0, cal.WorkingDaysBetween(calendar.DateOf(*st.SubmittedAt), calendar.DateOf(end)))
		}
		for _, t := range tasks[st.ID] {
			if t.Round != st.Round {
				continue // an earlier, withdrawn submission
			}
			tm := TaskMap{Task: t, DeptName: deptName(t.DeptCode), Timeline: approval.BuildTimeline(byTask[t.ID], t.Unit, cal, m.Now)}
			sm.Tasks = append(sm.Tasks, tm)
			d := depts[t.DeptCode]
			if d == nil {
				d = &DeptTime{Code: t.DeptCode, Name: tm.DeptName}
				depts[t.DeptCode] = d
			}
			d.Tasks++
			if tm.Over() {
				d.Over++
			}
			d.Waiting += tm.Timeline.WaitingWD
			d.Working += tm.Timeline.WorkingWD
			d.Paused += tm.Timeline.PausedWD
		}
		m.Stages = append(m.Stages, sm)
	}
	for _, d := range depts {
		m.Departments = append(m.Departments, *d)
	}
	slices.SortFunc(m.Departments, func(a, b DeptTime) int {
		return cmp.Or(cmp.Compare(b.Working, a.Working), cmp.Compare(a.Code, b.Code))
	})
	return m, nil
}

// RecordOf is the part of a task's event the timeline reads; the timeline
// skips events that are not task transitions (timers, chasing) by kind.
func RecordOf(e store.Event) approval.Record {
	to, _ := strconv.Atoi(e.To)
	return approval.Record{Kind: e.Kind, To: approval.State(to), ToLevel: e.ToLevel, At: e.At}
}
