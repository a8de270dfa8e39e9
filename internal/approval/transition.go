package approval

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
)

// Action is something an actor does to a task.
type Action string

// The task actions.
const (
	ActAccept            Action = "accept"             // 受理: starts the clock
	ActAcceptRongque     Action = "accept_rongque"     // 容缺受理: accept with non-essential materials owed
	ActApproveCommitment Action = "approve_commitment" // 告知承诺: decided on the spot on a signed commitment
	ActRefuse            Action = "refuse"             // 不予受理
	ActRequestCorrection Action = "request_correction" // 退回补正: pauses the clock
	ActResubmit          Action = "resubmit"           // applicant's corrected submission: resumes the clock
	ActApprove           Action = "approve"            // pass the current level; at the last level, 办结（通过）
	ActReject            Action = "reject"             // 办结（不通过）, at the last level
	ActSendBack          Action = "send_back"          // back to the previous level
	ActStartSpecial      Action = "start_special"      // 特别程序开始: pauses the clock
	ActEndSpecial        Action = "end_special"        // 特别程序结束: resumes the clock
	ActCosign            Action = "cosign"             // a co-signing department's opinion (会签/或签)
	ActRecall            Action = "recall"             // applicant takes back before acceptance
	ActWithdraw          Action = "withdraw"           // applicant asks to withdraw an accepted case
	ActConfirmWithdraw   Action = "confirm_withdraw"   // department confirms the withdrawal
	ActRevoke            Action = "revoke"             // 撤销 an approval
	ActSupplyRongque     Action = "supply_rongque"     // 容缺 materials supplied
	ActRongqueExpire     Action = "rongque_expire"     // 容缺 deadline passed (system timer)
)

// Actor says who may perform a transition.
type Actor int

// The kinds of actor a transition allows.
const (
	ByApplicant Actor = iota + 1 // an agent of the task's enterprise
	ByClerk                      // a clerk of the task's department
	ByLevel                      // the role of the task's current level, in its department
	ByOfficer                    // any officer (clerk, reviewer, approver) of the task's department
	ByApprover                   // an approver of the task's department
	ByCosigner                   // an officer of a co-signing department
	BySystem                     // the job runner (timers)
)

// Rule is one row of the transition table. To == 0 means the state does not
// change (a move between levels, an opinion, a supplied material).
type Rule struct {
	From   []State
	Action Action
	To     State
	Actor  Actor
}

var working = []State{DeptAccepted, CorrectionEnded, SpecialEnded}

// Transitions is the one table of allowed task transitions. Guards that
// depend on more than the state (last level, item allows 容缺, …) are in
// Apply and named in its errors.
var Transitions = []Rule{
	{[]State{Received, CorrectionEnded}, ActAccept, DeptAccepted, ByClerk},
	{[]State{Received, CorrectionEnded}, ActAcceptRongque, DeptAccepted, ByClerk},
	{[]State{Received, CorrectionEnded}, ActApproveCommitment, Approved, ByClerk},
	{[]State{Received, CorrectionEnded}, ActRefuse, Refused, ByClerk},
	{[]State{Received, DeptAccepted, CorrectionEnded, SpecialEnded}, ActRequestCorrection, CorrectionStarted, ByOfficer},
	{[]State{CorrectionStarted}, ActResubmit, CorrectionEnded, ByApplicant},
	{working, ActApprove, 0, ByLevel},
	{working, ActReject, Rejected, ByLevel},
	{working, ActSendBack, 0, ByLevel},
	{working, ActStartSpecial, SpecialStarted, ByOfficer},
	{[]State{SpecialStarted}, ActEndSpecial, SpecialEnded, ByOfficer},
	{working, ActCosign, 0, ByCosigner},
	{[]State{Received, CorrectionStarted}, ActRecall, Recalled, ByApplicant},
	{[]State{DeptAccepted, CorrectionEnded, SpecialStarted, SpecialEnded}, ActWithdraw, WithdrawPending, ByApplicant},
	{[]State{WithdrawPending}, ActConfirmWithdraw, Withdrawn, ByClerk},
	{[]State{Approved, ApprovedRongque}, ActRevoke, Revoked, ByApprover},
	{append([]State{ApprovedRongque}, working...), ActSupplyRongque, 0, ByApplicant},
	{append([]State{ApprovedRongque, SpecialStarted}, working...), ActRongqueExpire, 0, BySystem},
}

// Actions lists every action in the table, in table order, without repeats.
func Actions() []Action {
	var out []Action
	for _, r := range Transitions {
		if !slices.Contains(out, r.Action) {
			out = append(out, r.Action)
		}
	}
	return out
}

// Lookup returns the rule for action from state, if the table has one.
func Lookup(from State, a Action) (Rule, bool) {
	for _, r := range Transitions {
		if r.Action == a && slices.Contains(r.From, from) {
			return r, true
		}
	}
	return Rule{}, false
}

// Allowed lists the actions the table permits from state (ignoring guards
// and actors); the UI uses it to show buttons.
func Allowed(from State) []Action {
	var out []Action
	for _, r := range Transitions {
		if slices.Contains(r.From, from) && !slices.Contains(out, r.Action) {
			out = append(out, r.Action)
		}
	}
	return out
}

// Command is one request to change a task.
type Command struct {
	Action  Action
	Actor   auth.Principal
	System  bool   // set by the job runner; Actor is then empty
	Opinion string // the officer's or applicant's words, kept on the record
	Agree   bool   // for ActCosign
	// Materials lists material codes: owed for ActAcceptRongque, to correct for ActRequestCorrection.
	Materials []string
	// RongqueDays is the 容缺 correction period in the item's unit; 0 means the committed limit.
	RongqueDays int
}

// Env carries what a transition needs from outside: the time and the calendar.
type Env struct {
	Now      time.Time
	Calendar *calendar.Calendar
	Warn     calendar.WarnRule
}

// Change is the result of a transition: the new task and the facts to record.
type Change struct {
	Task      Task
	From, To  State
	FromLevel int
	ToLevel   int
	Action    Action
	Opinion   string
}

func illegal(t Task, a Action) error {
	return apperr.New(apperr.Conflict, "task.illegal_transition",
		fmt.Sprintf("办件当前状态为“%s”，不能执行“%s”操作", t.State.ZH(), ActionZH(a)),
		fmt.Sprintf("the task is in state %q; %q is not allowed now", t.State.EN(), ActionEN(a)))
}

// Apply performs cmd on t if the table and the guards allow it. It returns
// the changed task; t itself is never modified, so a refused command changes
// nothing.
func Apply(t Task, cmd Command, env Env) (Change, error) {
	rule, ok := Lookup(t.State, cmd.Action)
	if !ok {
		return Change{}, illegal(t, cmd.Action)
	}
	if err := authorize(t, rule, cmd); err != nil {
		return Change{}, err
	}
	n := cloneTask(t)
	ch := Change{From: t.State, To: t.State, FromLevel: t.Level, ToLevel: t.Level, Action: cmd.Action, Opinion: strings.TrimSpace(cmd.Opinion)}
	if rule.To != 0 {
		n.State = rule.To
	}
	now := env.Now
	today := calendar.DateOf(now)

	switch cmd.Action {
	case ActAccept, ActAcceptRongque:
		if !t.Accepted {
			c := calendar.Start(env.Calendar, now, t.Limit, t.Unit, env.Warn)
			n.Clock = &c
			n.Accepted = true
			n.Level = min(1, len(n.Levels)-1) // the 受理 level is done by accepting
		} else if err := resume(&n, env); err != nil {
			return Change{}, err
		}
		if cmd.Action == ActAcceptRongque {
			if !t.AllowRongque {
				return Change{}, apperr.New(apperr.Invalid, "task.rongque_not_allowed", "该事项不允许容缺受理", "this item may not be accepted with materials missing")
			}
			if t.BadCredit {
				return Change{}, apperr.New(apperr.Forbidden, "task.bad_credit", "申请人存在严重失信记录，不能适用容缺受理", "the applicant is on a serious dishonesty list and may not use 容缺 acceptance")
			}
			if len(cmd.Materials) == 0 {
				return Change{}, apperr.New(apperr.Invalid, "task.rongque_materials", "容缺受理须列明欠缺的材料", "容缺 acceptance must list the materials owed").
					WithField("materials", "required", "请选择欠缺的材料", "list the materials owed")
			}
			days := cmd.RongqueDays
			if days <= 0 || days > t.Limit {
				days = t.Limit // never longer than the committed limit
			}
			n.Rongque = &Rongque{Materials: slices.Clone(cmd.Materials), Due: env.Calendar.Due(today, days, t.Unit)}
		}
	case ActApproveCommitment:
		if !t.AllowCommitment {
			return Change{}, apperr.New(apperr.Invalid, "task.commitment_not_allowed", "该事项没有告知承诺办理方式", "this item has no notification-commitment variant")
		}
		if t.BadCredit {
			return Change{}, apperr.New(apperr.Forbidden, "task.bad_credit", "申请人存在严重失信记录，不能适用告知承诺制", "the applicant is on a serious dishonesty list and may not use the commitment procedure")
		}
		if !t.Commitment {
			return Change{}, apperr.New(apperr.Invalid, "task.commitment_unsigned", "申请人尚未签署告知承诺书", "the applicant has not signed the commitment")
		}
		n.Accepted = true
		c := calendar.Start(env.Calendar, now, t.Limit, t.Unit, env.Warn)
		n.Clock = &c
		n.Level = len(n.Levels) - 1
		conclude(&n, now)
	case ActRefuse:
		if ch.Opinion == "" {
			return Change{}, needOpinion("不予受理须说明理由", "a refusal needs its reasons")
		}
		conclude(&n, now)
	case ActRequestCorrection:
		if ch.Opinion == "" && len(cmd.Materials) == 0 {
			return Change{}, needOpinion("退回补正须一次性告知需补正的内容", "a correction request must state everything to correct")
		}
		round := 1
		if t.Correction != nil {
			round = t.Correction.Round + 1
		}
		n.Correction = &Correction{Materials: slices.Clone(cmd.Materials), Note: ch.Opinion, At: now, Round: round}
		if err := pause(&n, env); err != nil {
			return Change{}, err
		}
	case ActResubmit, ActEndSpecial:
		if err := resume(&n, env); err != nil {
			return Change{}, err
		}
	case ActStartSpecial:
		if ch.Opinion == "" {
			return Change{}, needOpinion("启动特别程序须说明事由（听证、检验、检测、鉴定或专家评审）", "a special procedure needs its reason (hearing, test, appraisal or expert review)")
		}
		if err := pause(&n, env); err != nil {
			return Change{}, err
		}
	case ActApprove:
		last := len(t.Levels) - 1
		if t.Level < last {
			n.Level++
			break
		}
		if !t.CosignSatisfied() {
			return Change{}, apperr.Newf(apperr.Conflict, "task.cosign_pending",
				"会签意见未齐（%s），暂不能办结", "co-signing opinions are incomplete (%s); the task cannot conclude yet", cosignMode(t.Cosign))
		}
		n.State = Approved
		if t.Rongque.Outstanding() {
			n.State = ApprovedRongque
		}
		conclude(&n, now)
	case ActReject:
		if t.Level < len(t.Levels)-1 {
			return Change{}, apperr.Newf(apperr.Conflict, "task.reject_not_final",
				"只有“%s”环节可以作出不予许可决定", "only the %q level may decide to reject", last(t.Levels).Name)
		}
		if ch.Opinion == "" {
			return Change{}, needOpinion("不予许可须说明理由", "a rejection needs its reasons")
		}
		conclude(&n, now)
	case ActSendBack:
		if t.Level <= 1 {
			return Change{}, apperr.New(apperr.Conflict, "task.send_back_first", "已是第一个审查环节，不能再退回上一环节；如需申请人补正请使用“退回补正”",
				"this is the first review level; use a correction request to send it to the applicant")
		}
		if ch.Opinion == "" {
			return Change{}, needOpinion("退回上一环节须说明理由", "sending back needs a reason")
		}
		n.Level--
	case ActCosign:
		for i, o := range n.Opinions {
			if o.Dept == cmd.Actor.DeptCode {
				n.Opinions = slices.Delete(slices.Clone(n.Opinions), i, i+1)
				break
			}
		}
		n.Opinions = append(n.Opinions, Opinion{Dept: cmd.Actor.DeptCode, Agree: cmd.Agree, Text: ch.Opinion, By: cmd.Actor.UserID, At: now})
	case ActRecall, ActWithdraw, ActConfirmWithdraw, ActRevoke:
		if cmd.Action == ActRevoke && ch.Opinion == "" {
			return Change{}, needOpinion("撤销须说明理由", "a revocation needs its reasons")
		}
		if n.State.Concluded() {
			conclude(&n, now)
		}
	case ActSupplyRongque:
		if !t.Rongque.Outstanding() {
			return Change{}, apperr.New(apperr.Conflict, "task.rongque_none", "该办件没有待补的容缺材料", "this task owes no 容缺 materials")
		}
		at := now
		r := *t.Rongque
		r.SuppliedAt = &at
		n.Rongque = &r
	case ActRongqueExpire:
		if !t.Rongque.Outstanding() || today.Before(t.Rongque.Due) || today == t.Rongque.Due {
			return Change{}, apperr.New(apperr.Conflict, "task.rongque_not_due", "容缺补正期限未到或材料已补齐", "the 容缺 deadline has not passed or the materials were supplied")
		}
		// Missing the 容缺 deadline ends the case: an approval is revoked, a pending case rejected.
		n.State = Rejected
		if t.State == ApprovedRongque {
			n.State = Revoked
		}
		ch.Opinion = "容缺材料未在期限内补齐，依规终止办理"
		conclude(&n, now)
	}
	// The assignee is the officer handling the case: the system, the
	// applicant (resubmission, withdrawal) and co-signing departments do not
	// take it over.
	if !cmd.System && cmd.Actor.IsOfficer() && cmd.Actor.DeptCode == t.DeptCode {
		n.Assignee = cmd.Actor.UserID
	}
	n.UpdatedAt = now
	ch.Task, ch.To, ch.ToLevel = n, n.State, n.Level
	return ch, nil
}

func conclude(t *Task, now time.Time) {
	at := now
	t.ConcludedAt = &at
}

func pause(t *Task, env Env) error {
	if t.Clock == nil {
		return nil // not accepted yet: nothing is counting
	}
	c, err := t.Clock.Pause(env.Calendar, env.Now)
	if err != nil {
		return apperr.Wrap(err, "pause clock")
	}
	t.Clock = &c
	return nil
}

func resume(t *Task, env Env) error {
	if t.Clock == nil || !t.Clock.Paused() {
		return nil
	}
	c, err := t.Clock.Resume(env.Calendar, env.Now)
	if err != nil {
		return apperr.Wrap(err, "resume clock")
	}
	t.Clock = &c
	return nil
}

func needOpinion(zh, en string) error {
	return apperr.New(apperr.Invalid, "task.opinion_required", zh, en).WithField("opinion", "required", zh, en)
}

func last(ls []Level) Level {
	if len(ls) == 0 {
		return Level{}
	}
	return ls[len(ls)-1]
}

func cosignMode(c *Cosign) string {
	if c != nil && c.Mode == CosignAny {
		return "或签"
	}
	return "会签"
}

func cloneTask(t Task) Task {
	n := t
	n.Levels = slices.Clone(t.Levels)
	n.Opinions = slices.Clone(t.Opinions)
	if t.Clock != nil {
		c := *t.Clock
		n.Clock = &c
	}
	if t.Rongque != nil {
		r := *t.Rongque
		r.Materials = slices.Clone(r.Materials)
		n.Rongque = &r
	}
	if t.Correction != nil {
		c := *t.Correction
		n.Correction = &c
	}
	return n
}

// authorize checks the actor against the rule: role, department and ownership.
func authorize(t Task, r Rule, cmd Command) error {
	p := cmd.Actor
	if r.Actor == BySystem {
		if !cmd.System {
			return forbidden("该操作只能由系统定时任务执行", "only the system timer performs this action")
		}
		return nil
	}
	if cmd.System {
		return nil // the runner acts for the department (e.g. 容缺 expiry)
	}
	switch r.Actor {
	case ByApplicant:
		if !p.Has(auth.Applicant) || p.EnterpriseUSCC != t.Enterprise {
			return forbidden("只有本项目的申请单位可以执行该操作", "only the applicant enterprise of this project may do this")
		}
		return nil
	case ByCosigner:
		if !auth.IsOfficerAny(p.Roles) || !t.IsCosigner(p.DeptCode) {
			return forbidden("只有会签部门的工作人员可以提出会签意见", "only officers of a co-signing department may give a co-signing opinion")
		}
		if !p.HasAny(auth.Reviewer, auth.Approver) {
			return forbidden("会签意见须由审查或签发人员提出", "a co-signing opinion must come from a reviewer or an approver")
		}
		return nil
	}
	if p.DeptCode != t.DeptCode || !auth.IsOfficerAny(p.Roles) {
		return forbidden("该办件不属于您所在的部门", "this task belongs to another department")
	}
	switch r.Actor {
	case ByClerk:
		if !p.Has(auth.Clerk) {
			return forbidden("该操作须由窗口受理人员执行", "this action is for a clerk")
		}
	case ByApprover:
		if !p.Has(auth.Approver) {
			return forbidden("该操作须由签发人员执行", "this action is for an approver")
		}
	case ByLevel:
		lv := t.CurrentLevel()
		if !p.Has(lv.Role) {
			return apperr.New(apperr.Forbidden, "task.wrong_level",
				fmt.Sprintf("办件当前在“%s”环节，须由%s处理", lv.Name, lv.Role.Label("zh")),
				fmt.Sprintf("the task is at the %q level, for the role %s", lv.Name, lv.Role))
		}
	case ByOfficer:
		if !p.HasAny(auth.Clerk, auth.Reviewer, auth.Approver) {
			return forbidden("该操作须由本部门审批人员执行", "this action is for the department's officers")
		}
	}
	return nil
}

func forbidden(zh, en string) error { return apperr.New(apperr.Forbidden, "task.forbidden", zh, en) }

var actionNames = map[Action][2]string{
	ActAccept:            {"受理", "accept"},
	ActAcceptRongque:     {"容缺受理", "accept with materials owed"},
	ActApproveCommitment: {"告知承诺即办", "approve on commitment"},
	ActRefuse:            {"不予受理", "refuse"},
	ActRequestCorrection: {"退回补正", "request correction"},
	ActResubmit:          {"补正提交", "resubmit"},
	ActApprove:           {"通过", "approve"},
	ActReject:            {"不予许可", "reject"},
	ActSendBack:          {"退回上一环节", "send back"},
	ActStartSpecial:      {"启动特别程序", "start special procedure"},
	ActEndSpecial:        {"结束特别程序", "end special procedure"},
	ActCosign:            {"会签意见", "co-signing opinion"},
	ActRecall:            {"撤回", "recall"},
	ActWithdraw:          {"申请撤件", "withdraw"},
	ActConfirmWithdraw:   {"确认撤件", "confirm withdrawal"},
	ActRevoke:            {"撤销", "revoke"},
	ActSupplyRongque:     {"补齐容缺材料", "supply owed materials"},
	ActRongqueExpire:     {"容缺逾期终止", "容缺 deadline passed"},
}

// ActionZH returns the Chinese name of an action.
func ActionZH(a Action) string {
	if n, ok := actionNames[a]; ok {
		return n[0]
	}
	return string(a)
}

// ActionEN returns the English name of an action.
func ActionEN(a Action) string {
	if n, ok := actionNames[a]; ok {
		return n[1]
	}
	return string(a)
}
