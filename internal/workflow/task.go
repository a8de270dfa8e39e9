package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/jobs"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
)

// Job kinds the workflow enqueues and handles.
const (
	JobClockWarning  = "clock_warning"  // a task's clock reaches its warning point
	JobClockOverdue  = "clock_overdue"  // a task's clock passes its due date
	JobRongqueExpire = "rongque_expire" // a 容缺 correction deadline passes
)

// ClockArgs are the arguments of the clock jobs.
type ClockArgs struct {
	TaskID string `json:"task_id"`
	Due    string `json:"due"` // the due date the timer was set for; a moved deadline makes it stale
}

// ActInput is one decision or action on a task.
type ActInput struct {
	Action      approval.Action
	Opinion     string
	Agree       bool
	Materials   []string
	RongqueDays int
	// Handwriting is the officer's handwritten signature drawn on the
	// page, a PNG (visual only: the decision is signed with SM2). Kept
	// beside the decision; its SHA-256 is in the signed content.
	Handwriting []byte
	// Version is the task version the actor saw. Two officers acting on the
	// same version: exactly one succeeds, the other gets a conflict.
	Version int64
}

// Act performs an action on a task for a person.
func (s *Service) Act(ctx context.Context, p auth.Principal, taskID string, in ActInput) (store.TaskRow, error) {
	if in.Version <= 0 {
		return store.TaskRow{}, apperr.New(apperr.Invalid, "task.version_required", "请提供所见办件的版本号", "the task version you saw is required").
			WithField("version", "required", "缺少版本号", "version is required")
	}
	var out store.TaskRow
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = s.act(ctx, tx, p, false, taskID, in)
		return err
	})
	return out, err
}

func (s *Service) act(ctx context.Context, tx *store.Tx, p auth.Principal, system bool, taskID string, in ActInput) (store.TaskRow, error) {
	// Serialise transitions within one stage before reading anything: two
	// departments concluding at the same moment must not both miss each
	// other's decision when deciding whether the stage is complete
	// (PostgreSQL and MySQL run them concurrently; the row lock makes the
	// second wait and then read the first's committed task).
	if err := store.LockStageOfTask(ctx, tx, taskID); err != nil {
		return store.TaskRow{}, err
	}
	row, err := store.GetTask(ctx, tx, taskID)
	if err != nil {
		return row, err
	}
	if !system && !canTouchTask(p, row.Task) {
		return row, apperr.New(apperr.NotFound, "task.not_found", "办件不存在或无权查看", "task not found or not visible to you")
	}
	if in.Version != 0 && in.Version != row.Version {
		return row, apperr.New(apperr.Conflict, "db.stale", "该办件已被他人处理，请刷新后重试", "someone else acted on this task first; reload and try again")
	}
	now := s.now()
	cmd := approval.Command{Action: in.Action, Actor: p, System: system, Opinion: in.Opinion, Agree: in.Agree, Materials: in.Materials, RongqueDays: in.RongqueDays}
	if in.Action == approval.ActAccept || in.Action == approval.ActAcceptRongque || in.Action == approval.ActApproveCommitment {
		missing, err := s.missingMaterials(ctx, tx, row.Task)
		if err != nil {
			return row, err
		}
		switch {
		case in.Action == approval.ActAccept && len(missing) > 0:
			return row, apperr.Newf(apperr.Conflict, "task.materials_missing", "申报材料不齐（%d 项），请容缺受理或退回补正", "%d required materials are missing: accept with materials owed or request a correction", len(missing))
		case in.Action == approval.ActAcceptRongque && len(cmd.Materials) == 0:
			cmd.Materials = missing
		}
	}
	ch, err := approval.Apply(row.Task, cmd, s.env(now))
	if err != nil {
		return row, err
	}
	t := ch.Task
	clockState := row.ClockState
	if t.State.Concluded() {
		clockState = ""
	}
	if err := store.UpdateTask(ctx, tx, &t, clockState); err != nil {
		return row, err
	}
	id, name, role := actorFields(p)
	if system {
		id, name, role = "system", "系统", "system"
	}
	data := map[string]any{"item": t.ItemCode, "dept": t.DeptCode}
	if in.Action == approval.ActCosign {
		data["agree"] = in.Agree
	}
	if len(cmd.Materials) > 0 {
		data["materials"] = cmd.Materials
	}
	if t.Clock != nil {
		data["due"] = t.Clock.DueDate().String()
	}
	if len(in.Handwriting) > 0 && !system {
		key, err := s.putHandwriting(ctx, in.Handwriting)
		if err != nil {
			return row, err
		}
		data["handwriting"] = key
	}
	e := store.Event{ProjectID: t.ProjectID, StageID: t.StageID, TaskID: t.ID, Kind: string(in.Action),
		ActorID: id, ActorName: name, ActorRole: role, From: strconv.Itoa(int(ch.From)), To: strconv.Itoa(int(ch.To)),
		FromLevel: ch.FromLevel, ToLevel: ch.ToLevel, Opinion: ch.Opinion, At: now, Data: data}
	// Every officer's decision is signed with the officer's own key over
	// what the record will show (sign.DecisionContent).
	if !system && s.keys != nil && isOfficer(p) {
		if err := s.keys.SignEvent(ctx, tx, sign.UserOwner(p.UserID), &e); err != nil {
			return row, err
		}
	}
	if err := s.appendEvent(ctx, tx, e); err != nil {
		return row, err
	}
	if !system && isOfficer(p) && t.State.Passed() && !ch.From.Passed() {
		if err := s.issueCertificate(ctx, tx, p, t); err != nil {
			return row, err
		}
	}
	if err := s.scheduleTimers(ctx, tx, t); err != nil {
		return row, err
	}
	if err := s.notifyChange(ctx, tx, t, ch); err != nil {
		return row, err
	}
	if ch.From != ch.To && (t.State.Concluded() || ch.From.Concluded()) {
		if err := s.evaluateStage(ctx, tx, t.ProjectID, t.Stage, ch.Opinion, now); err != nil {
			return row, err
		}
	}
	row.Task = t
	row.ClockState = clockState
	return row, nil
}

// isOfficer: officers have signing keys and sign their decisions;
// applicants' own actions on a task (resubmitting, withdrawing) are
// recorded unsigned.
func isOfficer(p auth.Principal) bool {
	return p.HasAny(auth.Clerk, auth.Reviewer, auth.Approver, auth.LeadCoordinator)
}

// canTouchTask is the coarse scope check before the domain's own: the
// task's enterprise, its department or a co-signing department.
func canTouchTask(p auth.Principal, t approval.Task) bool {
	if p.Has(auth.Applicant) {
		return p.EnterpriseUSCC == t.Enterprise
	}
	if auth.IsOfficerAny(p.Roles) {
		return p.DeptCode == t.DeptCode || t.IsCosigner(p.DeptCode)
	}
	return false
}

// missingMaterials lists the required materials of a task's item with no upload.
func (s *Service) missingMaterials(ctx context.Context, tx *store.Tx, t approval.Task) ([]string, error) {
	pr, err := store.GetProject(ctx, tx, t.ProjectID)
	if err != nil {
		return nil, err
	}
	items, reqs, err := s.StageRequirements(ctx, tx, pr, t.Stage)
	if err != nil {
		return nil, err
	}
	need := map[string]bool{}
	for _, it := range items {
		if it.Item.Code != t.ItemCode {
			continue
		}
		for _, m := range it.Materials {
			if m.Required {
				need[m.Code] = true
			}
		}
	}
	var out []string
	for _, r := range reqs {
		if need[r.Material.Code] && r.Uploaded == nil {
			out = append(out, r.Material.Code)
		}
	}
	return out, nil
}

// scheduleTimers enqueues the durable warning and overdue timers of a
// running clock, and the 容缺 deadline. Unique keys carry the due date, so
// a moved deadline gets new timers and stale ones do nothing when they fire.
func (s *Service) scheduleTimers(ctx context.Context, tx *store.Tx, t approval.Task) error {
	if t.Rongque.Outstanding() && !t.State.Failed() {
		due := t.Rongque.Due
		at := s.Calendar().StartOfDay(due.AddDays(1))
		if err := jobs.Enqueue(ctx, tx, jobs.Spec{Kind: JobRongqueExpire, Args: ClockArgs{TaskID: t.ID, Due: due.String()}, RunAt: at,
			UniqueKey: "rongque:" + t.ID + ":" + due.String()}); err != nil {
			return err
		}
	}
	if t.Clock == nil || !t.State.Working() {
		return nil
	}
	cal := s.Calendar()
	due := t.Clock.DueDate()
	warnAt := t.Clock.WarnDate()
	args := ClockArgs{TaskID: t.ID, Due: due.String()}
	if err := jobs.Enqueue(ctx, tx, jobs.Spec{Kind: JobClockWarning, Args: args, RunAt: cal.StartOfDay(warnAt),
		UniqueKey: "warn:" + t.ID + ":" + due.String()}); err != nil {
		return err
	}
	return jobs.Enqueue(ctx, tx, jobs.Spec{Kind: JobClockOverdue, Args: args, RunAt: cal.StartOfDay(due.AddDays(1)),
		UniqueKey: "overdue:" + t.ID + ":" + due.String()})
}

// HandleClock is the job handler for warning and overdue timers.
func (s *Service) HandleClock(ctx context.Context, tx *store.Tx, j jobs.Job) error {
	var a ClockArgs
	if err := json.Unmarshal(j.Args, &a); err != nil {
		return apperr.Wrap(err, "decode "+j.Kind+" arguments")
	}
	row, err := store.GetTask(ctx, tx, a.TaskID)
	if err != nil {
		return err
	}
	t := row.Task
	if t.Clock == nil || !t.State.Working() || t.Clock.DueDate().String() != a.Due {
		return nil // concluded, paused or deadline moved: this timer is stale
	}
	state := "warning"
	title, body := "办件预警："+t.ItemName, fmt.Sprintf("办件将于 %s 到期，请抓紧办理。", a.Due)
	if j.Kind == JobClockOverdue {
		state = "overdue"
		title, body = "办件逾期："+t.ItemName, fmt.Sprintf("办件已于 %s 到期，现已逾期。", a.Due)
	}
	if row.ClockState == state || (state == "warning" && row.ClockState == "overdue") {
		return nil
	}
	now := s.now()
	if err := store.UpdateTask(ctx, tx, &t, state); err != nil {
		return err
	}
	if err := s.appendEvent(ctx, tx, store.Event{ProjectID: t.ProjectID, StageID: t.StageID, TaskID: t.ID, Kind: j.Kind, ActorID: "system", ActorName: "系统",
		ActorRole: "system", From: row.ClockState, To: state, FromLevel: t.Level, ToLevel: t.Level, At: now, Data: map[string]any{"due": a.Due}}); err != nil {
		return err
	}
	// The department at work, and the stage's lead coordinators, who chase.
	st, err := store.GetStage(ctx, tx, t.ProjectID, t.Stage)
	if err != nil {
		return err
	}
	auds := []string{"dept:" + t.DeptCode}
	if st.LeadDept != t.DeptCode { // the lead's own department hears it once
		auds = append(auds, leadAudience(st.LeadDept))
	}
	for _, aud := range auds {
		if err := store.InsertNotification(ctx, tx, store.Notification{Audience: aud, Kind: state, ProjectID: t.ProjectID, TaskID: t.ID, Title: title, Body: body, CreatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}

// HandleRongqueExpire ends a case whose 容缺 materials did not arrive in time.
func (s *Service) HandleRongqueExpire(ctx context.Context, tx *store.Tx, j jobs.Job) error {
	var a ClockArgs
	if err := json.Unmarshal(j.Args, &a); err != nil {
		return apperr.Wrap(err, "decode "+j.Kind+" arguments")
	}
	row, err := store.GetTask(ctx, tx, a.TaskID)
	if err != nil {
		return err
	}
	if !row.Rongque.Outstanding() || row.Rongque.Due.String() != a.Due {
		return nil
	}
	if _, ok := approval.Lookup(row.State, approval.ActRongqueExpire); !ok {
		return nil
	}
	_, err = s.act(ctx, tx, auth.Principal{}, true, row.ID, ActInput{Action: approval.ActRongqueExpire})
	return err
}

func (s *Service) notifyChange(ctx context.Context, tx *store.Tx, t approval.Task, ch approval.Change) error {
	if ch.From == ch.To && ch.Action != approval.ActApprove {
		return nil
	}
	title := fmt.Sprintf("%s：%s", t.ItemName, approval.ActionZH(ch.Action))
	body := fmt.Sprintf("办件状态：%s。", t.State.ZH())
	if ch.Opinion != "" {
		body += "意见：" + ch.Opinion
	}
	return store.InsertNotification(ctx, tx, store.Notification{Audience: "ent:" + t.Enterprise, Kind: "task_" + string(ch.Action),
		ProjectID: t.ProjectID, TaskID: t.ID, Title: title, Body: body, CreatedAt: s.now()})
}

// evaluateStage re-decides a stage after one of its tasks concluded: the
// stage completes (and the next opens, or the project completes after stage
// 4), stops with every reason, or becomes withdrawn.
func (s *Service) evaluateStage(ctx context.Context, tx *store.Tx, projectID string, number int, opinion string, now time.Time) error {
	st, err := store.GetStage(ctx, tx, projectID, number)
	if err != nil {
		return err
	}
	if st.State != approval.StageInReview {
		return nil
	}
	rows, err := store.ListStageTasks(ctx, tx, st.ID, st.Round)
	if err != nil {
		return err
	}
	tasks := make([]approval.Task, len(rows))
	for i, r := range rows {
		tasks[i] = r.Task
	}
	state, reasons := approval.EvaluateStage(tasks)
	if state == st.State {
		return nil
	}
	pr, err := store.GetProject(ctx, tx, projectID)
	if err != nil {
		return err
	}
	from := st.State
	st.State = state
	st.ConcludedAt = &now
	if state == approval.StageStopped && opinion != "" {
		reasons = append(reasons, "意见："+opinion)
	}
	st.Reasons = append([]string{}, reasons...)
	if err := store.UpdateStage(ctx, tx, &st); err != nil {
		return err
	}
	if err := s.appendEvent(ctx, tx, store.Event{ProjectID: projectID, StageID: st.ID, Kind: "stage_" + string(state), ActorID: "system", ActorName: "系统", ActorRole: "system",
		From: string(from), To: string(state), At: now, Data: map[string]any{"stage": number, "round": st.Round, "reasons": reasons}}); err != nil {
		return err
	}
	prFrom := pr.State
	switch state {
	case approval.StageCompleted:
		if number == 4 {
			pr.State = approval.ProjectCompleted
		} else {
			next, err := store.GetStage(ctx, tx, projectID, number+1)
			if err != nil {
				return err
			}
			next.State = approval.StageOpen
			if err := store.UpdateStage(ctx, tx, &next); err != nil {
				return err
			}
			pr.CurrentStage = number + 1
		}
	case approval.StageStopped:
		pr.State = approval.ProjectStopped
	case approval.StageWithdrawn:
		// the applicant may correct and submit the stage again
	}
	pr.UpdatedAt = now
	if err := store.UpdateProject(ctx, tx, &pr); err != nil {
		return err
	}
	if pr.State != prFrom {
		if err := s.appendEvent(ctx, tx, store.Event{ProjectID: projectID, Kind: "project_" + string(pr.State), ActorID: "system", ActorName: "系统", ActorRole: "system",
			From: string(prFrom), To: string(pr.State), At: now}); err != nil {
			return err
		}
	}
	return store.InsertNotification(ctx, tx, store.Notification{Audience: "ent:" + pr.EnterpriseUSCC, Kind: "stage_" + string(state), ProjectID: projectID,
		Title: fmt.Sprintf("第%d阶段%s", number, StageStateZH(state)), Body: fmt.Sprintf("项目“%s”第%d阶段（%s）%s。", pr.Name, number, st.Name, StageStateZH(state)), CreatedAt: now})
}

// WithdrawStage withdraws every open task of a stage for the applicant:
// tasks not yet accepted are recalled at once, accepted ones await the
// department's confirmation.
func (s *Service) WithdrawStage(ctx context.Context, p auth.Principal, projectID string, number int, reason string) error {
	return s.db.Write(ctx, func(tx *store.Tx) error {
		pr, err := s.loadOwnProject(ctx, tx, p, projectID)
		if err != nil {
			return err
		}
		st, err := store.GetStage(ctx, tx, pr.ID, number)
		if err != nil {
			return err
		}
		if st.State != approval.StageInReview {
			return apperr.Newf(apperr.Conflict, "stage.not_in_review", "第%d阶段不在审批中，无需撤回", "stage %d is not in review", number)
		}
		rows, err := store.ListStageTasks(ctx, tx, st.ID, st.Round)
		if err != nil {
			return err
		}
		n := 0
		for _, r := range rows {
			var a approval.Action
			switch {
			case slices.Contains([]approval.State{approval.Received, approval.CorrectionStarted}, r.State) && !r.Accepted:
				a = approval.ActRecall
			default:
				if _, ok := approval.Lookup(r.State, approval.ActWithdraw); ok {
					a = approval.ActWithdraw
				} else if _, ok := approval.Lookup(r.State, approval.ActRecall); ok {
					a = approval.ActRecall
				}
			}
			if a == "" {
				continue
			}
			if _, err := s.act(ctx, tx, p, false, r.ID, ActInput{Action: a, Opinion: reason}); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return apperr.New(apperr.Conflict, "stage.nothing_to_withdraw", "没有可撤回的办件", "no task can be withdrawn")
		}
		return nil
	})
}

// WithdrawProject ends an applicant's project as a whole (撤回申报): the
// enterprise gives up the project. Nothing may be with a department: the
// current stage must be open (nothing submitted) or withdrawn (every
// department confirmed); a stage in review is withdrawn first, with
// WithdrawStage. Approvals already granted stand; the project is closed.
func (s *Service) WithdrawProject(ctx context.Context, p auth.Principal, projectID, reason string) (approval.Project, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) < 2 {
		return approval.Project{}, apperr.New(apperr.Invalid, "project.withdraw_reason", "请填写撤回项目的原因", "give the reason for withdrawing the project").
			WithField("reason", "required", "请填写撤回原因", "a reason is required")
	}
	var out approval.Project
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		pr, err := s.loadOwnProject(ctx, tx, p, projectID)
		if err != nil {
			return err
		}
		if pr.State != approval.ProjectActive {
			return apperr.New(apperr.Conflict, "project.not_active", fmt.Sprintf("项目当前为“%s”，不能撤回", ProjectStateZH(pr.State)),
				fmt.Sprintf("the project is %s and cannot be withdrawn", pr.State))
		}
		st, err := store.GetStage(ctx, tx, pr.ID, pr.CurrentStage)
		if err != nil {
			return err
		}
		if st.State != approval.StageOpen && st.State != approval.StageWithdrawn {
			return apperr.New(apperr.Conflict, "project.stage_busy",
				fmt.Sprintf("第%d阶段“%s”，请先撤回该阶段申报，待各部门确认后再撤回项目", pr.CurrentStage, StageStateZH(st.State)),
				fmt.Sprintf("stage %d is %s: withdraw the stage first and, once every department has confirmed, the project", pr.CurrentStage, st.State))
		}
		now := s.now()
		from := pr.State
		pr.State, pr.UpdatedAt = approval.ProjectWithdrawn, now
		if err := store.UpdateProject(ctx, tx, &pr); err != nil {
			return err
		}
		id, name, role := actorFields(p)
		if err := s.appendEvent(ctx, tx, store.Event{ProjectID: pr.ID, Kind: "project_withdrawn", ActorID: id, ActorName: name, ActorRole: role,
			From: string(from), To: string(pr.State), Opinion: reason, At: now}); err != nil {
			return err
		}
		out = pr
		return nil
	})
	return out, err
}

// Chase (催办) lets the lead department's coordinator press the departments
// of a stage; it is recorded and notified, the tasks do not change.
func (s *Service) Chase(ctx context.Context, p auth.Principal, projectID string, number int, taskID, message string) error {
	return s.db.Write(ctx, func(tx *store.Tx) error {
		pr, err := store.GetProject(ctx, tx, projectID)
		if err != nil {
			return notYours()
		}
		st, err := store.GetStage(ctx, tx, pr.ID, number)
		if err != nil {
			return err
		}
		if !p.Has(auth.LeadCoordinator) || p.DeptCode != st.LeadDept {
			return apperr.New(apperr.Forbidden, "stage.not_lead", "只有本阶段牵头部门的协调人可以催办", "only the stage's lead coordinator may chase")
		}
		if st.State != approval.StageInReview {
			return apperr.New(apperr.Conflict, "stage.not_in_review", "该阶段不在审批中", "the stage is not in review")
		}
		rows, err := store.ListStageTasks(ctx, tx, st.ID, st.Round)
		if err != nil {
			return err
		}
		now := s.now()
		if message == "" {
			message = "请加快办理。"
		}
		id, name, role := actorFields(p)
		n := 0
		for _, r := range rows {
			if r.State.Concluded() || (taskID != "" && r.ID != taskID) {
				continue
			}
			n++
			if err := s.appendEvent(ctx, tx, store.Event{ProjectID: pr.ID, StageID: st.ID, TaskID: r.ID, Kind: "chase", ActorID: id, ActorName: name, ActorRole: role,
				From: strconv.Itoa(int(r.State)), To: strconv.Itoa(int(r.State)), FromLevel: r.Level, ToLevel: r.Level, Opinion: message, At: now}); err != nil {
				return err
			}
			if err := store.InsertNotification(ctx, tx, store.Notification{Audience: "dept:" + r.DeptCode, Kind: "chase", ProjectID: pr.ID, TaskID: r.ID,
				Title: "催办：" + r.ItemName, Body: message, CreatedAt: now}); err != nil {
				return err
			}
		}
		if n == 0 {
			return apperr.New(apperr.NotFound, "stage.nothing_to_chase", "没有可催办的办件", "no open task to chase")
		}
		return nil
	})
}
