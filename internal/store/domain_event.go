package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

// Event is one entry of a project's record: who did what, when, from which
// state to which, and what they said.
type Event struct {
	Seq       int64          `json:"seq"`
	ID        string         `json:"id"`
	ProjectID string         `json:"project_id"`
	StageID   string         `json:"stage_id,omitempty"`
	TaskID    string         `json:"task_id,omitempty"`
	Kind      string         `json:"kind"`
	ActorID   string         `json:"actor_id,omitempty"`
	ActorName string         `json:"actor_name,omitempty"`
	ActorRole string         `json:"actor_role,omitempty"`
	From      string         `json:"from,omitempty"`
	To        string         `json:"to,omitempty"`
	FromLevel int            `json:"from_level"`
	ToLevel   int            `json:"to_level"`
	Opinion   string         `json:"opinion,omitempty"`
	Data      map[string]any `json:"data,omitempty"`
	At        time.Time      `json:"at"`
	// DataText is the data column as stored (set when read): the exact
	// text signatures and the ledger are computed from.
	DataText string `json:"-"`
}

// AppendHook is called inside the transaction after each event is stored;
// the tamper-evident ledger plugs in here. It must not be set after start.
type AppendHook func(ctx context.Context, tx *Tx, e Event) error

// AppendEvent is the single append point of the record: every state change
// of a project, stage or task goes through it, in the same transaction as
// the change itself.
func AppendEvent(ctx context.Context, tx *Tx, e Event, hook AppendHook) (Event, error) {
	if e.ProjectID == "" || e.Kind == "" {
		return e, apperr.Wrap(errEventIncomplete, "append event")
	}
	if e.ID == "" {
		e.ID = NewID()
	}
	data := "{}"
	if len(e.Data) > 0 {
		data = mustJSON(e.Data)
	}
	const insert = `INSERT INTO events (id, project_id, stage_id, task_id, kind, actor_id, actor_name, actor_role, from_state, to_state, from_level, to_level, opinion, data, at)
VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
	args := []any{e.ID, e.ProjectID, e.StageID, e.TaskID, e.Kind, e.ActorID, e.ActorName, e.ActorRole,
		e.From, e.To, e.FromLevel, e.ToLevel, e.Opinion, data, ms(e.At)}
	// The sequence number comes back with the insert: RETURNING on SQLite
	// and PostgreSQL, the auto-increment id on MySQL. One round trip.
	if tx.Dialect() == MySQL {
		res, err := tx.Exec(ctx, insert, args...)
		if err != nil {
			return e, err
		}
		if e.Seq, err = res.LastInsertId(); err != nil {
			return e, apperr.Wrap(err, "event sequence number")
		}
	} else if err := tx.QueryRow(ctx, insert+` RETURNING seq`, args...).Scan(&e.Seq); err != nil {
		return e, MapError(tx.Dialect(), err)
	}
	if hook != nil {
		if err := hook(ctx, tx, e); err != nil {
			return e, err
		}
	}
	return e, nil
}

type eventError string

func (e eventError) Error() string { return string(e) }

const errEventIncomplete = eventError("event without project or kind")

// ListEvents returns a project's events in order, optionally one task's.
func ListEvents(ctx context.Context, tx *Tx, projectID, taskID string) ([]Event, error) {
	q := `SELECT ` + eventCols + ` FROM events WHERE project_id=?`
	args := []any{projectID}
	if taskID != "" {
		q += ` AND task_id=?`
		args = append(args, taskID)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const eventCols = `seq, id, project_id, stage_id, task_id, kind, actor_id, actor_name, actor_role, from_state, to_state, from_level, to_level, opinion, data, at`

func scanEvent(sc interface{ Scan(...any) error }) (Event, error) {
	var e Event
	var at int64
	if err := sc.Scan(&e.Seq, &e.ID, &e.ProjectID, &e.StageID, &e.TaskID, &e.Kind, &e.ActorID, &e.ActorName, &e.ActorRole,
		&e.From, &e.To, &e.FromLevel, &e.ToLevel, &e.Opinion, &e.DataText, &at); err != nil {
		return e, err
	}
	e.At = fromMS(at)
	if e.DataText != "" && e.DataText != "{}" {
		if err := json.Unmarshal([]byte(e.DataText), &e.Data); err != nil {
			return e, apperr.Wrap(err, "decode event data")
		}
	}
	return e, nil
}

// GetEvent returns one event by id; apperr.NotFound if there is none.
func GetEvent(ctx context.Context, tx *Tx, id string) (Event, error) {
	e, err := scanEvent(tx.QueryRow(ctx, `SELECT `+eventCols+` FROM events WHERE id=?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, apperr.New(apperr.NotFound, "event.not_found", "记录不存在或无权查看", "event not found or not visible to you")
	}
	return e, MapError(tx.Dialect(), err)
}
