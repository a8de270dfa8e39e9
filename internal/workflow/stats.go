package workflow

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/store"
)

// DurationBy says how duration statistics are grouped.
type DurationBy string

// The groupings of the city's duration statistics.
const (
	ByStage DurationBy = "stage" // stages completed in the period, submission → completion
	ByItem  DurationBy = "item"  // tasks decided in the period, by item
	ByDept  DurationBy = "dept"  // tasks decided in the period, by department
)

// MaxStatsYears bounds the period of one statistics request.
const MaxStatsYears = 3

// DurationQuery is a statistics request as typed: dates YYYY-MM-DD
// (empty: the twelve months up to today) and the grouping.
type DurationQuery struct {
	From, To string
	By       string
}

// DurationStats is the city's time per stage, item or department over a period.
type DurationStats struct {
	From, To calendar.Date
	By       DurationBy
	Overall  DurationGroup
	Groups   []DurationGroup // slowest first
}

// DurationGroup is the time of one stage, item or department.
type DurationGroup struct {
	Key, Name string
	// Unit of the days: working days, except for the group of an item
	// counted in natural days.
	Unit  calendar.Unit
	Count int
	Mean  float64 // rounded to 0.1 day
	P90   int     // 90th percentile, nearest rank: 90% took at most this long
	Max   int
	// Limit is the time limit every member shares (an item's committed
	// limit, a stage's limit); HasLimit is false when none applies or
	// members differ (stages of different flows, departments).
	Limit     int
	HasLimit  bool
	Over      int     // members that took longer than their own limit
	OverShare float64 // Over / Count, rounded to 0.001
	Slowest   bool    // the first group: the slowest on average
}

// DurationSample is one concluded task or completed stage, the input of
// Summarize.
type DurationSample struct {
	Key, Name string
	Days      int // in Unit: for a task the working time used (pauses excluded)
	Unit      calendar.Unit
	WD        int // the same time in working days, used when a group mixes units
	Limit     int
	HasLimit  bool
	Over      bool // over its own limit, in its own unit
}

// Decided states: the task reached a decision (办结). Refusals at intake,
// recalls and withdrawals never ran a full review and would pull averages
// down; a revoked approval's conclusion time is the revocation's.
var decided = []approval.State{approval.Approved, approval.ApprovedRongque, approval.Rejected}

// clockKinds are the actions that start, pause, resume or end the clock
// of a decided task; with the approvals that conclude one they are all the
// records its time used depends on. Level changes, opinions, chasing and
// timers split or annotate segments but never change the total, so the
// statistics leave them in the database (40% fewer rows on the demo
// history). TestDurationStatsOnDemoHistory checks the totals against the
// full records.
var clockKinds = []approval.Action{approval.ActAccept, approval.ActAcceptRongque, approval.ActApproveCommitment, approval.ActRequestCorrection,
	approval.ActResubmit, approval.ActStartSpecial, approval.ActEndSpecial, approval.ActReject, approval.ActRongqueExpire}

// DurationStats computes average and 90th-percentile durations over tasks
// decided (or, by stage, stages completed) in the period, for supervisors,
// lead coordinators, approvers and system administrators. Inputs are
// validated with every wrong field reported.
func (s *Service) DurationStats(ctx context.Context, p auth.Principal, q DurationQuery) (DurationStats, error) {
	if !p.HasAny(auth.Supervisor, auth.LeadCoordinator, auth.Approver, auth.SystemAdmin) {
		return DurationStats{}, apperr.New(apperr.Forbidden, "stats.role", "只有效能监察、牵头部门协调人、签发人员和系统管理员可以查看时效统计",
			"only supervisors, lead coordinators, approvers and system administrators see duration statistics")
	}
	cal := s.Calendar()
	st, err := parseDurationQuery(q, calendar.DateOf(s.now()))
	if err != nil {
		return st, err
	}
	lo, hi := cal.StartOfDay(st.From).UnixMilli(), cal.StartOfDay(st.To.AddDays(1)).UnixMilli()
	var samples []DurationSample
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if st.By == ByStage {
			samples, err = s.stageSamples(ctx, tx, lo, hi)
		} else {
			samples, err = s.taskSamples(ctx, tx, st.By, lo, hi)
		}
		return err
	})
	if err != nil {
		return st, err
	}
	st.Groups = Summarize(samples)
	st.Overall = summarize("", "全部", samples)
	return st, nil
}

func parseDurationQuery(q DurationQuery, today calendar.Date) (DurationStats, error) {
	e := apperr.New(apperr.Invalid, "stats.invalid", "统计条件有误，请检查标注的字段", "the statistics request has errors in the marked fields")
	var one *apperr.Error // the only problem, when there is one: its message leads
	bad := func(field, key, zh, en string) {
		e.WithField(field, "invalid", zh, en)
		one = apperr.New(apperr.Invalid, key, zh, en).WithField(field, "invalid", zh, en)
	}
	st := DurationStats{To: today}
	date := func(field, zhName, enName, v string) (calendar.Date, bool) {
		d, err := calendar.ParseDate(strings.TrimSpace(v))
		if err != nil {
			bad(field, "stats.date", fmt.Sprintf("%s %q 无效，应为真实存在的日期，格式 YYYY-MM-DD", zhName, v),
				fmt.Sprintf("%s %q is invalid: want a real date written YYYY-MM-DD", enName, v))
			return d, false
		}
		return d, true
	}
	okFrom, okTo := true, true
	if q.To != "" {
		st.To, okTo = date("to", "结束日期", "the to date", q.To)
	}
	if q.From != "" {
		st.From, okFrom = date("from", "开始日期", "the from date", q.From)
	} else if okTo {
		st.From = calendar.NewDate(st.To.Y-1, st.To.M, st.To.D+1) // the twelve months up to To
	}
	switch st.By = DurationBy(strings.TrimSpace(q.By)); st.By {
	case "":
		st.By = ByStage
	case ByStage, ByItem, ByDept:
	default:
		bad("by", "stats.by", fmt.Sprintf("分组方式 %q 无效，应为 stage（按阶段）、item（按事项）或 dept（按部门）", q.By),
			fmt.Sprintf("grouping %q is unknown: want stage, item or dept", q.By))
	}
	if okFrom && okTo {
		switch {
		case st.From.After(st.To):
			bad("from", "stats.range_order", fmt.Sprintf("开始日期 %s 晚于结束日期 %s", st.From, st.To),
				fmt.Sprintf("the from date %s is after the to date %s", st.From, st.To))
		case !st.To.Before(calendar.NewDate(st.From.Y+MaxStatsYears, st.From.M, st.From.D)):
			bad("to", "stats.range_too_long", fmt.Sprintf("统计区间最长 %d 年，%s 至 %s 超出了", MaxStatsYears, st.From, st.To),
				fmt.Sprintf("the period may span at most %d years; %s to %s is longer", MaxStatsYears, st.From, st.To))
		}
	}
	switch len(e.Fields) {
	case 0:
		return st, nil
	case 1:
		return st, one
	}
	return st, e
}

// stageSamples reads the stages completed in [lo, hi) (unix ms).
func (s *Service) stageSamples(ctx context.Context, tx *store.Tx, lo, hi int64) ([]DurationSample, error) {
	rows, err := tx.Query(ctx, `SELECT number, limit_days, submitted_at, concluded_at FROM stages
WHERE state=? AND concluded_at>=? AND concluded_at<? AND submitted_at IS NOT NULL ORDER BY concluded_at, id`, string(approval.StageCompleted), lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cal := s.Calendar()
	var out []DurationSample
	for rows.Next() {
		var n, limit int
		var sub, con int64
		if err := rows.Scan(&n, &limit, &sub, &con); err != nil {
			return nil, err
		}
		name := strconv.Itoa(n)
		if n >= 1 && n < len(approval.StageNames) {
			name = approval.StageNames[n]
		}
		d := max(0, cal.WorkingDaysBetween(calendar.DateOf(time.UnixMilli(sub)), calendar.DateOf(time.UnixMilli(con))))
		out = append(out, DurationSample{Key: strconv.Itoa(n), Name: name, Days: d, WD: d, Unit: calendar.WorkingDays,
			Limit: limit, HasLimit: limit > 0, Over: limit > 0 && d > limit})
	}
	return out, rows.Err()
}

// taskSamples reads the tasks decided in [lo, hi) and their records, and
// reconstructs each one's working time with the approval map's timeline,
// so a task counts the same here as on its project's map.
func (s *Service) taskSamples(ctx context.Context, tx *store.Tx, by DurationBy, lo, hi int64) ([]DurationSample, error) {
	ph := strings.Repeat("?,", len(decided))
	filter := func() string { return `state IN (` + ph[:len(ph)-1] + `) AND concluded_at>=? AND concluded_at<?` }
	args := make([]any, 0, len(decided)+2)
	for _, d := range decided {
		args = append(args, int(d))
	}
	args = append(args, lo, hi)

	type task struct {
		id, item, name, dept string
		limit                int
		unit                 calendar.Unit
	}
	var tasks []task
	rows, err := tx.Query(ctx, `SELECT id, item_code, item_version, item_name, dept_code FROM tasks WHERE `+filter()+` ORDER BY concluded_at, id`, args...)
	if err != nil {
		return nil, err
	}
	cat := s.Catalog()
	var unknown []int // tasks whose item version the catalog lacks: read their own limit
	for rows.Next() {
		var t task
		var version int
		if err := rows.Scan(&t.id, &t.item, &version, &t.name, &t.dept); err != nil {
			rows.Close()
			return nil, err
		}
		// The limit is copied from the item version into the task at
		// submission and never changes; published versions never change
		// either, so the catalog answers without decoding each task.
		if it, err := cat.Item(t.item, version); err == nil {
			t.limit, t.unit = it.CommittedLimit, calendar.Unit(it.Unit)
		} else {
			unknown = append(unknown, len(tasks))
		}
		tasks = append(tasks, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, i := range unknown {
		r, err := store.GetTask(ctx, tx, tasks[i].id)
		if err != nil {
			return nil, err
		}
		tasks[i].limit, tasks[i].unit = r.Limit, r.Unit
	}

	// One pass over the clock records of those tasks, in order per task.
	// IN (subquery) rather than a join: SQLite then seeks events_task once
	// per task instead of walking every event of the city (about twice as
	// fast on the demo history); PostgreSQL and MySQL plan both alike.
	kinds := strings.Repeat("?,", len(clockKinds))
	evArgs := make([]any, 0, len(clockKinds)+len(args)+2)
	for _, k := range clockKinds {
		evArgs = append(evArgs, string(k))
	}
	evArgs = append(evArgs, string(approval.ActApprove), strconv.Itoa(int(approval.Approved)), strconv.Itoa(int(approval.ApprovedRongque)))
	evArgs = append(evArgs, args...)
	recs := make(map[string][]approval.Record, len(tasks))
	rows, err = tx.Query(ctx, `SELECT task_id, kind, to_state, to_level, at FROM events
WHERE (kind IN (`+kinds[:len(kinds)-1]+`) OR (kind=? AND to_state IN (?,?))) AND task_id IN (SELECT id FROM tasks WHERE `+filter()+`)
ORDER BY task_id, seq`, evArgs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, kind, to string
		var level int
		var at int64
		if err := rows.Scan(&id, &kind, &to, &level, &at); err != nil {
			return nil, err
		}
		recs[id] = append(recs[id], RecordOf(store.Event{Kind: kind, To: to, ToLevel: level, At: time.UnixMilli(at)}))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	cal, now := s.Calendar(), s.now()
	out := make([]DurationSample, 0, len(tasks))
	for _, t := range tasks {
		tl := approval.BuildTimeline(recs[t.id], t.unit, cal, now)
		used := tl.Used()
		sm := DurationSample{Key: t.item, Name: t.name, Days: used, Unit: unitOf(t.unit), WD: tl.WorkingWD, Limit: t.limit, HasLimit: true, Over: used > t.limit}
		if by == ByDept {
			sm.Key, sm.Name = t.dept, t.dept
			if d, ok := cat.Department(t.dept); ok {
				sm.Name = d.Name
			}
			sm.Days, sm.Unit, sm.HasLimit = tl.WorkingWD, calendar.WorkingDays, false
		}
		out = append(out, sm)
	}
	return out, nil
}

func unitOf(u calendar.Unit) calendar.Unit {
	if u == calendar.NaturalDays {
		return u
	}
	return calendar.WorkingDays
}

// Summarize groups samples by key, slowest (highest mean) first, and flags
// the slowest. A group takes the name of its last sample.
func Summarize(samples []DurationSample) []DurationGroup {
	byKey := map[string][]DurationSample{}
	var keys []string
	for _, s := range samples {
		if _, ok := byKey[s.Key]; !ok {
			keys = append(keys, s.Key)
		}
		byKey[s.Key] = append(byKey[s.Key], s)
	}
	out := make([]DurationGroup, 0, len(keys))
	for _, k := range keys {
		ss := byKey[k]
		out = append(out, summarize(k, ss[len(ss)-1].Name, ss))
	}
	slices.SortFunc(out, func(a, b DurationGroup) int {
		return cmp.Or(cmp.Compare(b.Mean, a.Mean), cmp.Compare(b.P90, a.P90), cmp.Compare(a.Key, b.Key))
	})
	if len(out) > 0 {
		out[0].Slowest = true
	}
	return out
}

// summarize computes one group. Days are in the members' unit when they
// share one, else in working days.
func summarize(key, name string, ss []DurationSample) DurationGroup {
	g := DurationGroup{Key: key, Name: name, Unit: calendar.WorkingDays, Count: len(ss)}
	if len(ss) == 0 {
		return g
	}
	mixed := slices.ContainsFunc(ss, func(s DurationSample) bool { return s.Unit != ss[0].Unit })
	if !mixed {
		g.Unit = ss[0].Unit
	}
	days := make([]int, len(ss))
	sum := 0
	g.Limit, g.HasLimit = ss[0].Limit, !mixed
	for i, s := range ss {
		days[i] = s.Days
		if mixed {
			days[i] = s.WD
		}
		sum += days[i]
		if s.Over {
			g.Over++
		}
		if !s.HasLimit || s.Limit != g.Limit {
			g.HasLimit = false
		}
	}
	if !g.HasLimit {
		g.Limit = 0
	}
	slices.Sort(days)
	g.Mean = math.Round(float64(sum)/float64(len(ss))*10) / 10
	g.P90 = Percentile(days, 90)
	g.Max = days[len(days)-1]
	g.OverShare = math.Round(float64(g.Over)/float64(len(ss))*1000) / 1000
	return g
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted values
// by the nearest-rank method: the smallest value with at least p% of the
// values at or below it. It is 0 for no values.
func Percentile(sorted []int, p float64) int {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}
