package workflow

import (
	"context"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
)

// ProjectView is everything a person in scope may see of one project.
type ProjectView struct {
	Project   approval.Project
	Stages    []approval.Stage
	Tasks     []store.TaskRow
	Materials []store.Material
	Events    []store.Event
	// Signatures are the verdicts on the signed events, by event id,
	// checked on this read.
	Signatures map[string]sign.EventVerdict
	// Checks are the pre-reviews of the materials, by material id.
	Checks map[string]store.MaterialCheck
	// Requirements of the current stage (items and materials), for the applicant's checklist.
	Items        []catalog.MatchedItem
	Requirements []Requirement
}

// GetProject returns a project in the caller's scope.
func (s *Service) GetProject(ctx context.Context, p auth.Principal, id string) (ProjectView, error) {
	var v ProjectView
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if v.Project, err = s.loadProjectFor(ctx, tx, p, id); err != nil {
			return err
		}
		if v.Stages, err = store.ListStages(ctx, tx, id); err != nil {
			return err
		}
		if v.Tasks, err = store.ListProjectTasks(ctx, tx, id); err != nil {
			return err
		}
		if v.Materials, err = store.ListMaterials(ctx, tx, id, 0); err != nil {
			return err
		}
		if v.Events, err = store.ListEvents(ctx, tx, id, ""); err != nil {
			return err
		}
		if v.Signatures, err = s.verifyEvents(ctx, tx, v.Events); err != nil {
			return err
		}
		if v.Checks, err = stageChecks(ctx, tx, v.Materials); err != nil {
			return err
		}
		if v.Project.State == approval.ProjectActive {
			v.Items, v.Requirements, err = s.StageRequirements(ctx, tx, v.Project, v.Project.CurrentStage)
		}
		return err
	})
	return v, err
}

// ListProjects lists projects in the caller's scope: applicants their
// enterprise's; supervisors and audit administrators all; officers those
// their department has tasks in.
func (s *Service) ListProjects(ctx context.Context, p auth.Principal, f store.ProjectFilter) ([]approval.Project, int, error) {
	switch {
	case p.Has(auth.Applicant):
		f.Enterprise = p.EnterpriseUSCC
	case p.HasAny(auth.Supervisor, auth.AuditAdmin):
	case auth.IsOfficerAny(p.Roles):
		return s.listDeptProjects(ctx, p, f)
	default:
		return nil, 0, apperr.New(apperr.Forbidden, "project.scope", "您的角色不能查看项目", "your role cannot see projects")
	}
	var out []approval.Project
	var total int
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, total, err = store.ListProjects(ctx, tx, f)
		return err
	})
	return out, total, err
}

func (s *Service) listDeptProjects(ctx context.Context, p auth.Principal, f store.ProjectFilter) ([]approval.Project, int, error) {
	var out []approval.Project
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT project_id FROM tasks WHERE dept_code=? ORDER BY project_id DESC LIMIT ? OFFSET ?`, p.DeptCode, f.Limit, f.Offset)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			pr, err := store.GetProject(ctx, tx, id)
			if err != nil {
				return err
			}
			out = append(out, pr)
		}
		return rows.Err()
	})
	return out, len(out), err
}

// ListTasks returns an officer's to-do list (their department's tasks),
// or, for a supervisor, any department's.
func (s *Service) ListTasks(ctx context.Context, p auth.Principal, f store.TaskFilter) ([]store.TaskRow, error) {
	switch {
	case auth.IsOfficerAny(p.Roles):
		f.Dept = p.DeptCode // data scope: never another department's
	case p.Has(auth.Supervisor):
	default:
		return nil, apperr.New(apperr.Forbidden, "task.scope", "只有审批人员和效能监察可以查看办件列表", "only officers and supervisors see task lists")
	}
	var out []store.TaskRow
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListTasks(ctx, tx, f)
		return err
	})
	return out, err
}

// TaskView is a task with its project, events and the stage's materials.
type TaskView struct {
	Task         store.TaskRow
	Project      approval.Project
	Events       []store.Event
	Signatures   map[string]sign.EventVerdict   // verdicts on the signed events, by event id
	Checks       map[string]store.MaterialCheck // pre-reviews of the uploaded materials, by material id
	Requirements []Requirement
	Missing      []string
}

// GetTask returns one task for a person in scope.
func (s *Service) GetTask(ctx context.Context, p auth.Principal, id string) (TaskView, error) {
	var v TaskView
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if v.Task, err = store.GetTask(ctx, tx, id); err != nil {
			return err
		}
		visible := canTouchTask(p, v.Task.Task) || p.HasAny(auth.Supervisor, auth.AuditAdmin)
		if !visible && p.Has(auth.LeadCoordinator) {
			st, err := store.GetStage(ctx, tx, v.Task.ProjectID, v.Task.Stage)
			visible = err == nil && st.LeadDept == p.DeptCode
		}
		if !visible {
			return apperr.New(apperr.NotFound, "task.not_found", "办件不存在或无权查看", "task not found or not visible to you")
		}
		if v.Project, err = store.GetProject(ctx, tx, v.Task.ProjectID); err != nil {
			return err
		}
		if v.Events, err = store.ListEvents(ctx, tx, v.Task.ProjectID, id); err != nil {
			return err
		}
		if v.Signatures, err = s.verifyEvents(ctx, tx, v.Events); err != nil {
			return err
		}
		if _, v.Requirements, err = s.StageRequirements(ctx, tx, v.Project, v.Task.Stage); err != nil {
			return err
		}
		var uploaded []store.Material
		for _, r := range v.Requirements {
			if r.Uploaded != nil {
				uploaded = append(uploaded, *r.Uploaded)
			}
		}
		if v.Checks, err = stageChecks(ctx, tx, uploaded); err != nil {
			return err
		}
		v.Missing, err = s.missingMaterials(ctx, tx, v.Task.Task)
		return err
	})
	return v, err
}

// StageBoard is the lead department's view of a whole stage across departments.
type StageBoard struct {
	Project approval.Project
	Stage   approval.Stage
	Tasks   []store.TaskRow
}

// GetStageBoard returns a stage for its lead coordinator (or a supervisor).
func (s *Service) GetStageBoard(ctx context.Context, p auth.Principal, projectID string, number int) (StageBoard, error) {
	var b StageBoard
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if b.Project, err = store.GetProject(ctx, tx, projectID); err != nil {
			return notYours()
		}
		if b.Stage, err = store.GetStage(ctx, tx, projectID, number); err != nil {
			return err
		}
		if !(p.Has(auth.Supervisor) || (p.Has(auth.LeadCoordinator) && p.DeptCode == b.Stage.LeadDept)) {
			return notYours()
		}
		b.Tasks, err = store.ListStageTasks(ctx, tx, b.Stage.ID, b.Stage.Round)
		return err
	})
	return b, err
}

// LeadStages lists the in-review stages a lead coordinator's department leads.
func (s *Service) LeadStages(ctx context.Context, p auth.Principal, limit int) ([]StageBoard, error) {
	if !p.Has(auth.LeadCoordinator) {
		return nil, apperr.New(apperr.Forbidden, "stage.not_lead", "只有牵头部门协调人可以查看", "only lead coordinators see this")
	}
	var out []StageBoard
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT project_id, number FROM stages WHERE lead_dept=? AND state=? ORDER BY submitted_at LIMIT ?`, p.DeptCode, string(approval.StageInReview), limit)
		if err != nil {
			return err
		}
		type key struct {
			id string
			n  int
		}
		var keys []key
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.id, &k.n); err != nil {
				rows.Close()
				return err
			}
			keys = append(keys, k)
		}
		rows.Close()
		for _, k := range keys {
			var b StageBoard
			if b.Project, err = store.GetProject(ctx, tx, k.id); err != nil {
				return err
			}
			if b.Stage, err = store.GetStage(ctx, tx, k.id, k.n); err != nil {
				return err
			}
			if b.Tasks, err = store.ListStageTasks(ctx, tx, b.Stage.ID, b.Stage.Round); err != nil {
				return err
			}
			out = append(out, b)
		}
		return nil
	})
	return out, err
}

// leadAudience addresses the lead coordinators of a department: warnings
// and overdue notices of the stages it leads go to them.
func leadAudience(dept string) string { return "lead:" + dept }

// Notifications returns the newest messages for the caller.
func (s *Service) Notifications(ctx context.Context, p auth.Principal, limit int) ([]store.Notification, error) {
	aud := []string{"user:" + p.UserID}
	if p.EnterpriseUSCC != "" {
		aud = append(aud, "ent:"+p.EnterpriseUSCC)
	}
	if p.DeptCode != "" && auth.IsOfficerAny(p.Roles) {
		aud = append(aud, "dept:"+p.DeptCode)
	}
	if p.DeptCode != "" && p.Has(auth.LeadCoordinator) {
		aud = append(aud, leadAudience(p.DeptCode))
	}
	var out []store.Notification
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListNotifications(ctx, tx, aud, limit)
		return err
	})
	return out, err
}
