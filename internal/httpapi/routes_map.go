package httpapi

import (
	"context"
	"time"

	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/workflow"
)

// SegmentDTO is one stretch of a task's time on the approval map.
type SegmentDTO struct {
	Kind        string     `json:"kind" enum:"waiting,working,paused" doc:"waiting: received, not yet accepted; working: accepted, at one level; paused: 补正 or 特别程序"`
	Level       *int       `json:"level,omitempty" doc:"Index into the task's levels, when working"`
	LevelName   string     `json:"level_name,omitempty" doc:"受理, 审查, 审核, 签发…, when working"`
	Reason      string     `json:"reason,omitempty" enum:"correction,special" doc:"When paused: correction (补正) or special (特别程序)"`
	From        time.Time  `json:"from"`
	To          *time.Time `json:"to" doc:"null while the segment still runs; its days are then counted up to now"`
	WorkingDays int        `json:"working_days" doc:"Days in (from, to]: working days by the calendar, natural days for an ND item"`
	EndedBy     string     `json:"ended_by,omitempty" doc:"The action that ended the segment"`
}

// MapTaskDTO is one task of a stage's latest round on the approval map.
type MapTaskDTO struct {
	ID          string       `json:"id"`
	ItemCode    string       `json:"item_code"`
	ItemName    string       `json:"item_name"`
	DeptCode    string       `json:"dept_code"`
	DeptName    string       `json:"dept_name"`
	State       int          `json:"state" doc:"National item-instance state code (办件状态)"`
	StateName   string       `json:"state_name"`
	Limit       int          `json:"limit"`
	Unit        string       `json:"unit" doc:"WD working days, ND natural days"`
	Result      string       `json:"result" doc:"Name of the document the item produces"`
	Accepted    bool         `json:"accepted"`
	ConcludedAt *time.Time   `json:"concluded_at,omitempty"`
	Segments    []SegmentDTO `json:"segments"`
	WaitingDays int          `json:"waiting_days" doc:"In the task's unit"`
	PausedDays  int          `json:"paused_days" doc:"In the task's unit"`
	Used        int          `json:"used" doc:"Time used against the limit, in the task's unit: working segments only (the clock stops while paused and starts at acceptance)"`
	Margin      int          `json:"margin" doc:"limit − used: negative when over the limit"`
	Due         string       `json:"due,omitempty" doc:"YYYY-MM-DD: the last day within the limit by the task's clock (a pause moves it); absent before acceptance"`
	OverLimit   bool         `json:"over_limit"`
}

// MapStageDTO is one stage on the approval map.
type MapStageDTO struct {
	Number       int          `json:"number"`
	Name         string       `json:"name"`
	State        string       `json:"state"`
	StateName    string       `json:"state_name"`
	LeadDept     string       `json:"lead_dept"`
	LeadDeptName string       `json:"lead_dept_name"`
	Round        int          `json:"round"`
	LimitDays    int          `json:"limit_days" doc:"Working days"`
	SubmittedAt  *time.Time   `json:"submitted_at,omitempty" doc:"The latest submission"`
	ConcludedAt  *time.Time   `json:"concluded_at,omitempty"`
	WorkingDays  *int         `json:"working_days" doc:"Working days from the latest submission to the conclusion, or to now while in review; null before any submission"`
	Due          string       `json:"due,omitempty" doc:"YYYY-MM-DD: the last day within the stage's limit, counted from the latest submission"`
	Running      bool         `json:"running"`
	OverLimit    bool         `json:"over_limit"`
	Tasks        []MapTaskDTO `json:"tasks"`
}

// MapDeptDTO totals one department's time over the project's tasks.
type MapDeptDTO struct {
	DeptCode    string `json:"dept_code"`
	DeptName    string `json:"dept_name"`
	Tasks       int    `json:"tasks"`
	OverLimit   int    `json:"over_limit" doc:"Tasks over their limit"`
	WaitingDays int    `json:"waiting_days" doc:"Working days, whatever the items' units"`
	WorkingDays int    `json:"working_days" doc:"Working days, whatever the items' units"`
	PausedDays  int    `json:"paused_days" doc:"Working days, whatever the items' units"`
}

type mapOut struct {
	Body struct {
		Project     ProjectDTO    `json:"project"`
		Now         time.Time     `json:"now" doc:"The time running segments are counted up to"`
		Stages      []MapStageDTO `json:"stages"`
		Departments []MapDeptDTO  `json:"departments" doc:"Most working days first"`
	}
}

func (s *Server) projectMap(ctx context.Context, p auth.Principal, in *idIn) (*mapOut, error) {
	m, err := s.svc.GetApprovalMap(ctx, p, in.ID)
	if err != nil {
		return nil, err
	}
	out := &mapOut{}
	b := &out.Body
	b.Project, b.Now = projectDTO(m.Project), m.Now
	b.Stages = []MapStageDTO{}
	for _, sm := range m.Stages {
		st := sm.Stage
		d := MapStageDTO{Number: st.Number, Name: st.Name, State: string(st.State), StateName: workflow.StageStateZH(st.State), LeadDept: st.LeadDept,
			LeadDeptName: sm.LeadDeptName, Round: st.Round, LimitDays: st.LimitDays, SubmittedAt: st.SubmittedAt, Running: sm.Running(),
			OverLimit: sm.Over(), Tasks: []MapTaskDTO{}}
		if !sm.Running() {
			d.ConcludedAt = st.ConcludedAt
		}
		if sm.Submitted() {
			days := sm.Days
			d.WorkingDays = &days
		}
		if c, ok := s.svc.StageClock(st); ok {
			d.Due = c.DueDate().String()
		}
		for _, tm := range sm.Tasks {
			d.Tasks = append(d.Tasks, mapTaskDTO(tm))
		}
		b.Stages = append(b.Stages, d)
	}
	b.Departments = []MapDeptDTO{}
	for _, dt := range m.Departments {
		b.Departments = append(b.Departments, MapDeptDTO{DeptCode: dt.Code, DeptName: dt.Name, Tasks: dt.Tasks, OverLimit: dt.Over,
			WaitingDays: dt.Waiting, WorkingDays: dt.Working, PausedDays: dt.Paused})
	}
	return out, nil
}

func mapTaskDTO(tm workflow.TaskMap) MapTaskDTO {
	t, tl := tm.Task, tm.Timeline
	unit := string(t.Unit)
	if unit == "" {
		unit = "WD"
	}
	d := MapTaskDTO{ID: t.ID, ItemCode: t.ItemCode, ItemName: t.ItemName, DeptCode: t.DeptCode, DeptName: tm.DeptName, State: int(t.State),
		StateName: t.State.ZH(), Limit: t.Limit, Unit: unit, Result: t.Result, Accepted: tl.Accepted, ConcludedAt: tl.ConcludedAt,
		Segments: []SegmentDTO{}, WaitingDays: tl.Waiting, PausedDays: tl.Paused, Used: tm.Used(), Margin: tm.Margin(), OverLimit: tm.Over()}
	if t.Clock != nil {
		d.Due = t.Clock.DueDate().String()
	}
	for _, sg := range tl.Segments {
		sd := SegmentDTO{Kind: string(sg.Kind), Reason: sg.Reason, From: sg.From, To: sg.To, WorkingDays: sg.Days, EndedBy: string(sg.EndedBy)}
		if sg.Kind == approval.SegmentWorking {
			lv := sg.Level
			sd.Level = &lv
			if lv >= 0 && lv < len(t.Levels) {
				sd.LevelName = t.Levels[lv].Name
			}
		}
		d.Segments = append(d.Segments, sd)
	}
	return d
}

type durationsIn struct {
	From string `query:"from" maxLength:"32" doc:"First day, YYYY-MM-DD (default: twelve months before to)"`
	To   string `query:"to" maxLength:"32" doc:"Last day, YYYY-MM-DD, inclusive (default: today); at most 3 years after from"`
	By   string `query:"by" maxLength:"32" doc:"stage (按阶段: stages completed in the period, submission → completion), item (按事项) or dept (按部门): tasks decided in the period (办结: approved or rejected); default stage"`
}

// DurationGroupDTO is one stage, item or department in the statistics.
type DurationGroupDTO struct {
	Key       string  `json:"key" doc:"Stage number, item code or department code"`
	Name      string  `json:"name"`
	Unit      string  `json:"unit" doc:"Unit of the days: WD, or ND for an item counted in natural days"`
	Count     int     `json:"count"`
	Mean      float64 `json:"mean" doc:"Average days used, pauses excluded (stages: submission → completion)"`
	P90       int     `json:"p90" doc:"90th percentile (nearest rank)"`
	Max       int     `json:"max"`
	Limit     *int    `json:"limit" doc:"The limit all members share; null when none applies or they differ"`
	OverLimit int     `json:"over_limit" doc:"Members over their own limit"`
	OverShare float64 `json:"over_share" doc:"over_limit / count"`
	Slowest   bool    `json:"slowest"`
}

type durationsOut struct {
	Body struct {
		From    string             `json:"from"`
		To      string             `json:"to"`
		By      string             `json:"by"`
		Overall DurationGroupDTO   `json:"overall"`
		Groups  []DurationGroupDTO `json:"groups" doc:"Slowest (highest mean) first"`
	}
}

func (s *Server) durationStats(ctx context.Context, p auth.Principal, in *durationsIn) (*durationsOut, error) {
	st, err := s.svc.DurationStats(ctx, p, workflow.DurationQuery{From: in.From, To: in.To, By: in.By})
	if err != nil {
		return nil, err
	}
	out := &durationsOut{}
	b := &out.Body
	b.From, b.To, b.By = st.From.String(), st.To.String(), string(st.By)
	b.Overall = durationGroupDTO(st.Overall)
	b.Groups = []DurationGroupDTO{}
	for _, g := range st.Groups {
		b.Groups = append(b.Groups, durationGroupDTO(g))
	}
	return out, nil
}

func durationGroupDTO(g workflow.DurationGroup) DurationGroupDTO {
	d := DurationGroupDTO{Key: g.Key, Name: g.Name, Unit: string(g.Unit), Count: g.Count, Mean: g.Mean, P90: g.P90, Max: g.Max,
		OverLimit: g.Over, OverShare: g.OverShare, Slowest: g.Slowest}
	if g.HasLimit {
		l := g.Limit
		d.Limit = &l
	}
	return d
}
