package approval

import (
	"time"

	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
)

// Level is one step inside a department (受理, 审查, 签发), acted on by one role.
type Level struct {
	Name string    `json:"name"`
	Role auth.Role `json:"role"`
}

// CosignMode says how many of the co-signing departments must agree.
type CosignMode string

// Co-signing modes.
const (
	CosignAll CosignMode = "all" // 会签: every listed department must agree
	CosignAny CosignMode = "any" // 或签: one agreeing department is enough
)

// Cosign lists the departments whose opinions an item needs besides its own.
type Cosign struct {
	Mode        CosignMode `json:"mode"`
	Departments []string   `json:"departments"`
}

// Opinion is one co-signing department's opinion on a task.
type Opinion struct {
	Dept  string    `json:"dept"`
	Agree bool      `json:"agree"`
	Text  string    `json:"text"`
	By    string    `json:"by"`
	At    time.Time `json:"at"`
}

// Rongque records a 容缺 acceptance: materials still owed and the date by
// which they must arrive (never later than the committed limit allows).
type Rongque struct {
	Materials  []string      `json:"materials"`
	Due        calendar.Date `json:"due"`
	SuppliedAt *time.Time    `json:"supplied_at,omitempty"`
}

// Outstanding reports whether materials are still owed.
func (r *Rongque) Outstanding() bool { return r != nil && r.SuppliedAt == nil }

// Correction is a send-back to the applicant: what to correct, in one
// complete notice (一次性告知).
type Correction struct {
	Materials []string  `json:"materials"`
	Note      string    `json:"note"`
	At        time.Time `json:"at"`
	Round     int       `json:"round"`
}

// Task is one item instance of one stage of one project, handled by one department.
type Task struct {
	ID              string
	ProjectID       string
	StageID         string
	Stage           int
	ItemCode        string
	ItemVersion     int
	ItemName        string
	DeptCode        string
	Enterprise      string // applicant enterprise USCC: ownership for applicants
	State           State
	Level           int // index into Levels; meaningful once accepted
	Levels          []Level
	Cosign          *Cosign
	Opinions        []Opinion
	Accepted        bool
	AllowRongque    bool // the item may be accepted with non-essential materials missing
	AllowCommitment bool // the item has a 告知承诺 variant
	Commitment      bool // the applicant signed the 告知承诺 commitment for this task
	BadCredit       bool // applicant on a serious dishonesty list: no 容缺, no 告知承诺
	Limit           int
	Unit            calendar.Unit
	Clock           *calendar.Clock // nil until accepted
	Rongque         *Rongque
	Correction      *Correction
	Assignee        string // officer who last took the task
	Result          string // name of the document the item produces
	ConcludedAt     *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Version         int64
}

// CurrentLevel returns the level the task waits at, or a zero Level before acceptance.
func (t *Task) CurrentLevel() Level {
	if t.Level < 0 || t.Level >= len(t.Levels) {
		return Level{}
	}
	return t.Levels[t.Level]
}

// CosignSatisfied reports whether co-signing departments agreed as the mode requires.
func (t *Task) CosignSatisfied() bool {
	if t.Cosign == nil || len(t.Cosign.Departments) == 0 {
		return true
	}
	agree := map[string]bool{}
	for _, o := range t.Opinions {
		agree[o.Dept] = o.Agree
	}
	n := 0
	for _, d := range t.Cosign.Departments {
		if agree[d] {
			n++
		}
	}
	if t.Cosign.Mode == CosignAny {
		return n >= 1
	}
	return n == len(t.Cosign.Departments)
}

// IsCosigner reports whether dept is one of the task's co-signing departments.
func (t *Task) IsCosigner(dept string) bool {
	if t.Cosign == nil {
		return false
	}
	for _, d := range t.Cosign.Departments {
		if d == dept {
			return true
		}
	}
	return false
}
