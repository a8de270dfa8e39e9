package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
)

// ms converts a time to the stored unix milliseconds.
func ms(t time.Time) int64 { return t.UTC().UnixMilli() }

// fromMS converts stored unix milliseconds to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ms(*t)
}

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("store: marshal: " + err.Error()) // only our own types are marshalled
	}
	return string(b)
}

const projectCols = `id, code, name, flow_id, flow_version, type, district, address, investment, land_area, floor_area,
government_invested, enterprise_uscc, enterprise_name, agents, answers, state, current_stage, created_by, created_at, updated_at, version`

// InsertProject stores a new project.
func InsertProject(ctx context.Context, tx *Tx, p approval.Project) error {
	_, err := tx.Exec(ctx, `INSERT INTO projects (`+projectCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		p.ID, p.Code, p.Name, p.FlowID, p.FlowVersion, p.Type, p.District, p.Address, p.Investment, p.LandArea, p.FloorArea,
		b2i(p.GovernmentInvested), p.EnterpriseUSCC, p.EnterpriseName, mustJSON(p.Agents), mustJSON(p.Answers), string(p.State),
		p.CurrentStage, p.CreatedBy, ms(p.CreatedAt), ms(p.UpdatedAt), 1)
	if apperr.Is(err, apperr.Conflict) {
		return apperr.Newf(apperr.Conflict, "project.duplicate_code", "项目代码 %s 已登记", "project code %s is already registered", p.Code)
	}
	return err
}

// UpdateProject saves p if nobody changed it since it was read (optimistic concurrency).
func UpdateProject(ctx context.Context, tx *Tx, p *approval.Project) error {
	res, err := tx.Exec(ctx, `UPDATE projects SET name=?, address=?, agents=?, answers=?, state=?, current_stage=?, updated_at=?, version=version+1
WHERE id=? AND version=?`, p.Name, p.Address, mustJSON(p.Agents), mustJSON(p.Answers), string(p.State), p.CurrentStage, ms(p.UpdatedAt), p.ID, p.Version)
	if err != nil {
		return err
	}
	if err := CheckVersion(res); err != nil {
		return err
	}
	p.Version++
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanProject(s scanner) (approval.Project, error) {
	var p approval.Project
	var gov int
	var agents, answers, state string
	var created, updated int64
	err := s.Scan(&p.ID, &p.Code, &p.Name, &p.FlowID, &p.FlowVersion, &p.Type, &p.District, &p.Address, &p.Investment, &p.LandArea, &p.FloorArea,
		&gov, &p.EnterpriseUSCC, &p.EnterpriseName, &agents, &answers, &state, &p.CurrentStage, &p.CreatedBy, &created, &updated, &p.Version)
	if err != nil {
		return p, err
	}
	p.GovernmentInvested = gov != 0
	p.State = approval.ProjectState(state)
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	if err := json.Unmarshal([]byte(agents), &p.Agents); err != nil {
		return p, apperr.Wrap(err, "decode agents")
	}
	if err := json.Unmarshal([]byte(answers), &p.Answers); err != nil {
		return p, apperr.Wrap(err, "decode answers")
	}
	return p, nil
}

// GetProject loads one project.
func GetProject(ctx context.Context, tx *Tx, id string) (approval.Project, error) {
	p, err := scanProject(tx.QueryRow(ctx, `SELECT `+projectCols+` FROM projects WHERE id=?`, id))
	if err != nil {
		return p, notFound(err, "project.not_found", "项目不存在", "project not found")
	}
	return p, nil
}

// ProjectFilter narrows a project list. Enterprise limits it to one
// applicant's projects (data scope).
type ProjectFilter struct {
	Enterprise string
	State      string
	Query      string // matches name or code
	Limit      int
	Offset     int
}

// ListProjects returns projects newest first, and the total matching.
func ListProjects(ctx context.Context, tx *Tx, f ProjectFilter) ([]approval.Project, int, error) {
	var where []string
	var args []any
	if f.Enterprise != "" {
		where = append(where, "enterprise_uscc=?")
		args = append(args, f.Enterprise)
	}
	if f.State != "" {
		where = append(where, "state=?")
		args = append(args, f.State)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(name LIKE ? OR code LIKE ?)")
		like := "%" + escapeLike(q) + "%"
		args = append(args, like, like)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM projects`+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := tx.Query(ctx, `SELECT `+projectCols+` FROM projects`+w+` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []approval.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// escapeLike neutralises LIKE wildcards typed by a user.
func escapeLike(s string) string {
	r := strings.NewReplacer("%", "", "_", "", "\\", "")
	return r.Replace(s)
}

func notFound(err error, key, zh, en string) error {
	if err == sql.ErrNoRows || apperr.Is(err, apperr.NotFound) {
		return apperr.New(apperr.NotFound, key, zh, en)
	}
	return err
}

const stageCols = `id, project_id, number, name, lead_dept, state, round, limit_days, commitment, submitted_at, concluded_at, reasons, version`

// InsertStage stores a new stage.
func InsertStage(ctx context.Context, tx *Tx, s approval.Stage) error {
	_, err := tx.Exec(ctx, `INSERT INTO stages (`+stageCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		s.ID, s.ProjectID, s.Number, s.Name, s.LeadDept, string(s.State), s.Round, s.LimitDays, b2i(s.Commitment),
		msPtr(s.SubmittedAt), msPtr(s.ConcludedAt), mustJSON(s.Reasons), 1)
	return err
}

// UpdateStage saves s under optimistic concurrency.
func UpdateStage(ctx context.Context, tx *Tx, s *approval.Stage) error {
	res, err := tx.Exec(ctx, `UPDATE stages SET state=?, round=?, commitment=?, submitted_at=?, concluded_at=?, reasons=?, version=version+1
WHERE id=? AND version=?`, string(s.State), s.Round, b2i(s.Commitment), msPtr(s.SubmittedAt), msPtr(s.ConcludedAt), mustJSON(s.Reasons), s.ID, s.Version)
	if err != nil {
		return err
	}
	if err := CheckVersion(res); err != nil {
		return err
	}
	s.Version++
	return nil
}

func scanStage(sc scanner) (approval.Stage, error) {
	var s approval.Stage
	var state, reasons string
	var commitment int
	var sub, con sql.NullInt64
	if err := sc.Scan(&s.ID, &s.ProjectID, &s.Number, &s.Name, &s.LeadDept, &state, &s.Round, &s.LimitDays, &commitment, &sub, &con, &reasons, &s.Version); err != nil {
		return s, err
	}
	s.State = approval.StageState(state)
	s.Commitment = commitment != 0
	s.SubmittedAt, s.ConcludedAt = fromNullMS(sub), fromNullMS(con)
	if err := json.Unmarshal([]byte(reasons), &s.Reasons); err != nil {
		return s, apperr.Wrap(err, "decode reasons")
	}
	return s, nil
}

// ListStages returns a project's stages in order.
func ListStages(ctx context.Context, tx *Tx, projectID string) ([]approval.Stage, error) {
	rows, err := tx.Query(ctx, `SELECT `+stageCols+` FROM stages WHERE project_id=? ORDER BY number`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []approval.Stage
	for rows.Next() {
		s, err := scanStage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// GetStage loads one stage by project and number.
func GetStage(ctx context.Context, tx *Tx, projectID string, number int) (approval.Stage, error) {
	s, err := scanStage(tx.QueryRow(ctx, `SELECT `+stageCols+` FROM stages WHERE project_id=? AND number=?`, projectID, number))
	if err != nil {
		return s, notFound(err, "stage.not_found", "阶段不存在", "stage not found")
	}
	return s, nil
}
