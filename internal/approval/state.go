// Package approval is the domain of Tongban: projects, stages, tasks (item
// instances), their states and the one table of allowed transitions. It is
// pure Go: no I/O, time passed in, table-tested.
//
// A task is one approval item (审批事项) of one stage of one project, routed
// to the item's department. Its State is the national item-instance state
// code (办件状态) pushed as-is to the provincial exchange; inside the
// department the task also moves through the item's levels (受理 → 审查 →
// 签发), each acted on by one role.
package approval

import "fmt"

// State is the national item-instance state code (BLZT).
type State int

// The national item-instance states. Codes are fixed by the provincial
// exchange; never renumber.
const (
	Received          State = 1  // 已接件: created by the stage submission, awaiting acceptance
	Withdrawn         State = 2  // 已撤件: withdrawal confirmed by the department
	WindowAccepted    State = 3  // 窗口受理: accepted at a comprehensive window (reserved: departments accept directly here)
	NotAccepted       State = 4  // 不受理: outside the department's remit (reserved)
	Refused           State = 5  // 不予受理: acceptance refused with reasons
	CorrectionStarted State = 6  // 补正开始: sent back to the applicant for correction; clock paused
	CorrectionEnded   State = 7  // 补正结束: applicant resubmitted; clock resumed
	DeptAccepted      State = 8  // 部门受理: accepted by the department; clock running
	SpecialStarted    State = 9  // 特别程序开始: hearing, test, appraisal or expert review; clock paused
	SpecialEnded      State = 10 // 特别程序结束: clock resumed
	Approved          State = 11 // 办结（通过）
	ApprovedRongque   State = 12 // 办结（容缺通过）: approved while 容缺 materials are still owed
	Rejected          State = 13 // 办结（不通过）
	Recalled          State = 14 // 撤回: applicant took it back before acceptance
	Revoked           State = 15 // 撤销: an approval revoked (false commitment, 容缺 not supplied)
	WithdrawPending   State = 16 // 撤件待确认: applicant asked to withdraw an accepted case
)

var stateNames = map[State][2]string{
	Received:          {"已接件", "received"},
	Withdrawn:         {"已撤件", "withdrawn"},
	WindowAccepted:    {"窗口受理", "accepted at window"},
	NotAccepted:       {"不受理", "not accepted"},
	Refused:           {"不予受理", "acceptance refused"},
	CorrectionStarted: {"补正开始", "correction requested"},
	CorrectionEnded:   {"补正结束", "correction submitted"},
	DeptAccepted:      {"部门受理", "accepted by department"},
	SpecialStarted:    {"特别程序开始", "special procedure started"},
	SpecialEnded:      {"特别程序结束", "special procedure ended"},
	Approved:          {"办结（通过）", "approved"},
	ApprovedRongque:   {"办结（容缺通过）", "approved with materials owed"},
	Rejected:          {"办结（不通过）", "rejected"},
	Recalled:          {"撤回", "recalled"},
	Revoked:           {"撤销", "revoked"},
	WithdrawPending:   {"撤件待确认", "withdrawal pending confirmation"},
}

// States lists every state code in numeric order.
func States() []State {
	out := make([]State, 0, len(stateNames))
	for s := Received; s <= WithdrawPending; s++ {
		out = append(out, s)
	}
	return out
}

// Valid reports whether s is a national state code.
func (s State) Valid() bool { _, ok := stateNames[s]; return ok }

// ZH returns the Chinese name of the state.
func (s State) ZH() string { return stateNames[s][0] }

// EN returns the English name of the state.
func (s State) EN() string { return stateNames[s][1] }

// String returns "8 部门受理".
func (s State) String() string {
	if !s.Valid() {
		return fmt.Sprintf("%d ?", int(s))
	}
	return fmt.Sprintf("%d %s", int(s), s.ZH())
}

// Concluded reports whether the task is finished for the purpose of its
// stage: nothing more will happen to it in the normal flow.
func (s State) Concluded() bool {
	switch s {
	case Withdrawn, NotAccepted, Refused, Approved, ApprovedRongque, Rejected, Recalled, Revoked:
		return true
	}
	return false
}

// Passed reports whether the task concluded with an approval.
func (s State) Passed() bool { return s == Approved || s == ApprovedRongque }

// Failed reports whether the task concluded negatively, which stops its stage.
func (s State) Failed() bool {
	return s == Rejected || s == Refused || s == NotAccepted || s == Revoked
}

// Working reports whether the department is working on the task with its
// clock running.
func (s State) Working() bool {
	return s == DeptAccepted || s == CorrectionEnded || s == SpecialEnded
}

// Paused reports whether the task's clock is stopped (补正, 特别程序).
func (s State) Paused() bool { return s == CorrectionStarted || s == SpecialStarted }
