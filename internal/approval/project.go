package approval

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ident"
)

// ProjectState is the state of a whole project.
type ProjectState string

// Project states.
const (
	ProjectActive    ProjectState = "active"    // 在办
	ProjectCompleted ProjectState = "completed" // 已办结: stage 4 completed
	ProjectStopped   ProjectState = "stopped"   // 已终止: a stage stopped on a rejection
	ProjectWithdrawn ProjectState = "withdrawn" // 已撤回
)

// StageState is the state of one stage of a project.
type StageState string

// Stage states.
const (
	StagePending   StageState = "pending"   // 未开始: an earlier stage is not complete
	StageOpen      StageState = "open"      // 待申报: the applicant prepares the submission
	StageInReview  StageState = "in_review" // 审批中: tasks are with the departments
	StageCompleted StageState = "completed" // 已完成: every task approved
	StageStopped   StageState = "stopped"   // 已终止: a task was rejected or refused
	StageWithdrawn StageState = "withdrawn" // 已撤回: the applicant withdrew; may submit again
)

// StageNames are the four stages of 国办发〔2019〕11号.
var StageNames = [5]string{"", "立项用地规划许可", "工程建设许可", "施工许可", "竣工验收"}

// Agent is a person acting for the applicant enterprise.
type Agent struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// Project is one construction or investment project of one enterprise.
type Project struct {
	ID                 string
	Code               string // national investment project code, kept as given
	Name               string
	FlowID             string
	FlowVersion        int
	Type               string
	District           string
	Address            string
	Investment         float64 // 万元
	LandArea           float64 // m²
	FloorArea          float64 // m²
	GovernmentInvested bool
	EnterpriseUSCC     string
	EnterpriseName     string
	Agents             []Agent
	Answers            map[string]any // situation (情形) answers
	State              ProjectState
	CurrentStage       int
	CreatedBy          string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Version            int64
}

// Stage is one of a project's four stages.
type Stage struct {
	ID          string
	ProjectID   string
	Number      int
	Name        string
	LeadDept    string
	State       StageState
	Round       int // submissions so far; tasks carry the round they belong to
	LimitDays   int
	Commitment  bool // the applicant signed the 容缺/告知承诺 commitment for this submission
	SubmittedAt *time.Time
	ConcludedAt *time.Time
	Reasons     []string
	Version     int64
}

// Districts are Xiamen's districts by administrative division code.
var Districts = map[string]string{
	"350203": "思明区", "350205": "海沧区", "350206": "湖里区",
	"350211": "集美区", "350212": "同安区", "350213": "翔安区",
}

// ValidateProject checks what an applicant typed, reporting every wrong
// field at once.
func ValidateProject(p Project) error {
	e := apperr.New(apperr.Invalid, "project.invalid", "项目信息有误，请检查标注的字段", "the project has errors in the marked fields")
	field := func(name, zh, en string) { e.WithField(name, "invalid", zh, en) }
	if err := ident.ValidateProjectCode(p.Code); err != nil {
		ae := apperr.As(err)
		field("code", ae.ZH, ae.EN)
	}
	name := strings.TrimSpace(p.Name)
	if name == "" {
		field("name", "请填写项目名称", "the project name is required")
	} else if utf8.RuneCountInString(name) > 100 {
		field("name", "项目名称不能超过 100 个字", "the project name must be at most 100 characters")
	}
	if _, ok := Districts[p.District]; !ok {
		field("district", "请选择项目所在区（思明、海沧、湖里、集美、同安、翔安）", "choose one of Xiamen's districts by its division code")
	}
	if err := ident.ValidateUSCC(p.EnterpriseUSCC); err != nil {
		ae := apperr.As(err)
		field("enterprise_uscc", ae.ZH, ae.EN)
	}
	if p.Investment <= 0 || p.Investment > 1e8 {
		field("investment", "总投资须大于 0 且不超过 1 亿万元", "investment must be above 0 and at most 10^8 (万元)")
	}
	if p.LandArea < 0 || p.LandArea > 1e8 {
		field("land_area", "用地面积须在 0 到 1 亿平方米之间", "land area must be between 0 and 10^8 m²")
	}
	if p.FloorArea < 0 || p.FloorArea > 1e8 {
		field("floor_area", "建筑面积须在 0 到 1 亿平方米之间", "floor area must be between 0 and 10^8 m²")
	}
	if len(p.Agents) > 10 {
		field("agents", "经办人最多 10 名", "at most 10 agents")
	}
	for i, a := range p.Agents {
		if strings.TrimSpace(a.Name) == "" {
			field(fmt.Sprintf("agents[%d].name", i), "请填写经办人姓名", "the agent's name is required")
		}
		if a.Phone != "" && !validMobile(a.Phone) {
			field(fmt.Sprintf("agents[%d].phone", i), "手机号码应为 11 位数字，以 1 开头", "a mobile number has 11 digits starting with 1")
		}
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

func validMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// EvaluateStage decides a submitted stage's state from its current round's
// tasks: stopped as soon as one failed (with every reason), completed when
// all passed, withdrawn when all were withdrawn or recalled, else in review.
func EvaluateStage(tasks []Task) (StageState, []string) {
	if len(tasks) == 0 {
		return StageInReview, nil
	}
	var reasons []string
	passed, gone, open := 0, 0, 0
	for _, t := range tasks {
		switch {
		case t.State.Failed():
			reasons = append(reasons, fmt.Sprintf("%s（%s）：%s", t.ItemName, t.DeptCode, t.State.ZH()))
		case t.State.Passed():
			passed++
		case t.State == Withdrawn || t.State == Recalled:
			gone++
		default:
			open++
		}
	}
	switch {
	case len(reasons) > 0:
		return StageStopped, reasons
	case open > 0:
		return StageInReview, nil
	case passed == len(tasks):
		return StageCompleted, nil
	case gone > 0:
		return StageWithdrawn, nil
	}
	return StageInReview, nil
}
