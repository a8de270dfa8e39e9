package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/calendar"
)

// taskDoc is the part of a task kept as one JSON document: read and written
// whole, never queried by column.
type taskDoc struct {
	Levels          []approval.Level     `json:"levels"`
	Cosign          *approval.Cosign     `json:"cosign,omitempty"`
	Opinions        []approval.Opinion   `json:"opinions,omitempty"`
	Accepted        bool                 `json:"accepted"`
	AllowRongque    bool                 `json:"allow_rongque"`
	AllowCommitment bool                 `json:"allow_commitment"`
	Commitment      bool                 `json:"commitment"`
	BadCredit       bool                 `json:"bad_credit"`
	Limit           int                  `json:"limit"`
	Unit            calendar.Unit        `json:"unit"`
	Clock           *calendar.Clock      `json:"clock,omitempty"`
	Rongque         *approval.Rongque    `json:"rongque,omitempty"`
	Correction      *approval.Correction `json:"correction,omitempty"`
	Result          string               `json:"result,omitempty"`
}

const taskCols = `id, project_id, stage_id, stage, round, item_code, item_version, item_name, dept_code, enterprise_uscc,
state, level, is_open, due_date, clock_state, assignee, doc, created_at, updated_at, concluded_at, version`

// TaskRow is a task with the columns only the store keeps.
type TaskRow struct {
	approval.Task
	Round      int
	ClockState string // last state a deadline timer recorded: normal, warning, overdue
}

func dueColumn(t approval.Task) string {
	if t.Clock == nil || t.State.Concluded() {
		return "9999-12-31" // sorts after every real deadline
	}
	return t.Clock.DueDate().String()
}

func docOf(t approval.Task) string {
	return mustJSON(taskDoc{Levels: t.Levels, Cosign: t.Cosign, Opinions: t.Opinions, Accepted: t.Accepted, AllowRongque: t.AllowRongque,
		AllowCommitment: t.AllowCommitment, Commitment: t.Commitment, BadCredit: t.BadCredit, Limit: t.Limit, Unit: t.Unit,
		Clock: t.Clock, Rongque: t.Rongque, Correction: t.Correction, Result: t.Result})
}

// InsertTask stores a new task of the given submission round.
func InsertTask(ctx context.Context, tx *Tx, t approval.Task, round int) error {
	_, err := tx.Exec(ctx, `INSERT INTO tasks (`+taskCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		t.ID, t.ProjectID, t.StageID, t.Stage, round, t.ItemCode, t.ItemVersion, t.ItemName, t.DeptCode, t.Enterprise,
		int(t.State), t.Level, b2i(!t.State.Concluded()), dueColumn(t), "", t.Assignee, docOf(t),
		ms(t.CreatedAt), ms(t.UpdatedAt), msPtr(t.ConcludedAt), 1)
	return err
}

// UpdateTask saves t if its version is still the one read; otherwise the
// caller gets apperr.Conflict and nothing is written.
func UpdateTask(ctx context.Context, tx *Tx, t *approval.Task, clockState string) error {
	res, err := tx.Exec(ctx, `UPDATE tasks SET state=?, level=?, is_open=?, due_date=?, clock_state=?, assignee=?, doc=?, updated_at=?, concluded_at=?, version=version+1
WHERE id=? AND version=?`, int(t.State), t.Level, b2i(!t.State.Concluded()), dueColumn(*t), clockState, t.Assignee, docOf(*t),
		ms(t.UpdatedAt), msPtr(t.ConcludedAt), t.ID, t.Version)
	if err != nil {
		return err
	}
	if err := CheckVersion(res); err != nil {
		return err
	}
	t.Version++
	return nil
}

func scanTask(s scanner) (TaskRow, error) {
	var r TaskRow
	t := &r.Task
	var state, open int
	var due, doc string
	var created, updated int64
	var concluded sql.NullInt64
	err := s.Scan(&t.ID, &t.ProjectID, &t.StageID, &t.Stage, &r.Round, &t.ItemCode, &t.ItemVersion, &t.ItemName, &t.DeptCode, &t.Enterprise,
		&state, &t.Level, &open, &due, &r.ClockState, &t.Assignee, &doc, &created, &updated, &concluded, &t.Version)
	if err != nil {
		return r, err
	}
	t.State = approval.State(state)
	t.CreatedAt, t.UpdatedAt, t.ConcludedAt = fromMS(created), fromMS(updated), fromNullMS(concluded)
	var d taskDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return r, apperr.Wrap(err, "decode task")
	}
	t.Levels, t.Cosign, t.Opinions, t.Accepted = d.Levels, d.Cosign, d.Opinions, d.Accepted
	t.AllowRongque, t.AllowCommitment, t.Commitment, t.BadCredit = d.AllowRongque, d.AllowCommitment, d.Commitment, d.BadCredit
	t.Limit, t.Unit, t.Clock, t.Rongque, t.Correction, t.Result = d.Limit, d.Unit, d.Clock, d.Rongque, d.Correction, d.Result
	return r, nil
}

// GetTask loads one task.
func GetTask(ctx context.Context, tx *Tx, id string) (TaskRow, error) {
	r, err := scanTask(tx.QueryRow(ctx, `SELECT `+taskCols+` FROM tasks WHERE id=?`, id))
	if err != nil {
		return r, notFound(err, "task.not_found", "办件不存在", "task not found")
	}
	return r, nil
}

// ListStageTasks returns the tasks of one stage's submission round.
func ListStageTasks(ctx context.Context, tx *Tx, stageID string, round int) ([]TaskRow, error) {
	return queryTasks(ctx, tx, `SELECT `+taskCols+` FROM tasks WHERE stage_id=? AND round=? ORDER BY item_code`, stageID, round)
}

// ListProjectTasks returns every task of a project, all rounds.
func ListProjectTasks(ctx context.Context, tx *Tx, projectID string) ([]TaskRow, error) {
	return queryTasks(ctx, tx, `SELECT `+taskCols+` FROM tasks WHERE project_id=? ORDER BY stage, round, item_code`, projectID)
}

func queryTasks(ctx context.Context, tx *Tx, q string, args ...any) ([]TaskRow, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TaskRow
	for rows.Next() {
		r, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TaskFilter selects an officer's to-do list.
type TaskFilter struct {
	Dept       string // required for officers: data scope
	Open       *bool  // nil: both; true: still in progress
	States     []approval.State
	DueBefore  string // YYYY-MM-DD inclusive
	ClockState string
	ProjectID  string
	Limit      int
	// After is the keyset cursor "due_date|id" of the last row of the previous page.
	After string
}

// ListTasks returns tasks ordered by deadline, then id, using the
// (dept_code, is_open, due_date, id) index; pagination is by keyset so deep
// pages cost the same as the first.
func ListTasks(ctx context.Context, tx *Tx, f TaskFilter) ([]TaskRow, error) {
	var where []string
	var args []any
	if f.Dept != "" {
		where = append(where, "dept_code=?")
		args = append(args, f.Dept)
	}
	if f.Open != nil {
		where = append(where, "is_open=?")
		args = append(args, b2i(*f.Open))
	}
	if len(f.States) > 0 {
		ph := strings.Repeat("?,", len(f.States))
		where = append(where, "state IN ("+ph[:len(ph)-1]+")")
		for _, s := range f.States {
			args = append(args, int(s))
		}
	}
	if f.DueBefore != "" {
		where = append(where, "due_date<=?")
		args = append(args, f.DueBefore)
	}
	if f.ClockState != "" {
		where = append(where, "clock_state=?")
		args = append(args, f.ClockState)
	}
	if f.ProjectID != "" {
		where = append(where, "project_id=?")
		args = append(args, f.ProjectID)
	}
	if f.After != "" {
		due, id, ok := strings.Cut(f.After, "|")
		if !ok {
			return nil, apperr.New(apperr.Invalid, "page.cursor", "分页游标无效", "invalid page cursor").WithField("after", "invalid", "分页游标无效", "invalid page cursor")
		}
		// due_date>=? first: it lets every engine seek in tasks_todo to
		// the page instead of walking the department's tasks from the
		// start and filtering (page n would cost n pages).
		where = append(where, "due_date>=? AND (due_date>? OR (due_date=? AND id>?))")
		args = append(args, due, due, due, id)
	}
	q := `SELECT ` + taskCols + ` FROM tasks`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY due_date, id LIMIT ?"
	args = append(args, f.Limit)
	return queryTasks(ctx, tx, q, args...)
}

// Cursor returns the keyset cursor after r.
func Cursor(r TaskRow) string { return dueColumn(r.Task) + "|" + r.ID }

// LockStageOfTask takes the write lock on the stage row a task belongs to,
// as the first statement of a transaction, so concurrent transitions of one
// stage's tasks run one after another.
func LockStageOfTask(ctx context.Context, tx *Tx, taskID string) error {
	// One statement, no plain SELECT first: on MySQL a consistent read would
	// fix the transaction's snapshot before the lock is granted.
	res, err := tx.Exec(ctx, `UPDATE stages SET version=version+1 WHERE id=(SELECT stage_id FROM tasks WHERE id=?)`, taskID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return apperr.New(apperr.NotFound, "task.not_found", "办件不存在", "task not found")
	}
	return nil
}
