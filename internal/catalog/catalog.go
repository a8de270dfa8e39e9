// Package catalog holds what an administrator publishes: departments, approval
// items (审批事项) with their materials and levels, the situation questionnaire
// (情形) and the flows (审批流程/主题) that group items into the four stages.
//
// A catalog is loaded from YAML (see docs/catalog.md), validated as a whole and
// then never changed: a new catalog replaces it through a Registry. Items and
// flows are versioned; a project keeps the flow version it started under, and
// a flow version pins the item versions it was published with, so old
// projects keep matching the same items after a new catalog is loaded.
package catalog

import (
	"fmt"
	"sort"

	"github.com/tongban/tongban/internal/apperr"
)

// Stages is the number of approval stages (国办发〔2019〕11号).
const Stages = 4

// Unit is the unit of an item's time limits.
type Unit string

// Time limit units.
const (
	WorkingDays Unit = "WD" // 工作日
	NaturalDays Unit = "ND" // 自然日
)

// ResultKind is what an item produces when approved.
type ResultKind string

// Result kinds.
const (
	ResultLicence  ResultKind = "licence"  // 许可证
	ResultApproval ResultKind = "approval" // 批复
	ResultOpinion  ResultKind = "opinion"  // 审查意见
	ResultFiling   ResultKind = "filing"   // 备案
)

// Roles that act at an item's levels inside a department.
const (
	RoleClerk    = "clerk"    // 受理
	RoleReviewer = "reviewer" // 审查/审核
	RoleApprover = "approver" // 签发
)

// Cosign modes.
const (
	CosignAll = "all" // 会签: every listed department must agree
	CosignAny = "any" // 或签: one agreeing department is enough
)

// Question types of the situation questionnaire.
const (
	QuestionBool   = "bool"
	QuestionNumber = "number"
	QuestionChoice = "choice"
)

// Formats lists the file formats a material may accept.
var Formats = []string{"pdf", "jpg", "png", "ofd", "dwg", "docx", "xlsx"}

// Department is an approving department (or a utility company for the
// connections run alongside the stages).
type Department struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Short string `json:"short,omitempty"` // short name for lists, e.g. 资源规划局
}

// Level is one step inside the department handling an item.
type Level struct {
	Name string `json:"name"` // 受理, 审查, 审核, 签发
	Role string `json:"role"` // clerk, reviewer or approver
}

// Cosign lists the departments whose opinion an item needs besides its own.
type Cosign struct {
	Mode        string   `json:"mode"` // all (会签) or any (或签)
	Departments []string `json:"departments"`
}

// Material is one document an item asks for, resolved for that item.
type Material struct {
	Code                 string   `json:"code"`
	Name                 string   `json:"name"`
	Required             bool     `json:"required"`
	Condition            string   `json:"condition,omitempty"` // CEL: required only when true
	Why                  string   `json:"why,omitempty"`       // the condition in plain Chinese
	RongqueAllowed       bool     `json:"rongque_allowed"`     // may be missing at 容缺 acceptance
	SealRequired         bool     `json:"seal_required"`
	StraddleSealRequired bool     `json:"straddle_seal_required"` // 骑缝章
	Formats              []string `json:"formats"`
	MaxSizeMB            int      `json:"max_size_mb"`
	Note                 string   `json:"note,omitempty"`

	cond *rule
}

// Item is one version of an approval item (审批事项).
type Item struct {
	Code           string     `json:"code"`
	Version        int        `json:"version"`
	Name           string     `json:"name"`
	Department     string     `json:"department"`
	Stage          int        `json:"stage"`
	LegalLimit     int        `json:"legal_limit"`
	CommittedLimit int        `json:"committed_limit"`
	Unit           Unit       `json:"unit"`
	Result         ResultKind `json:"result"`
	ResultName     string     `json:"result_name"`
	Basis          string     `json:"basis,omitempty"` // legal basis (设定依据)
	Levels         []Level    `json:"levels"`
	Rongque        bool       `json:"rongque"`    // 容缺受理 allowed
	Commitment     bool       `json:"commitment"` // 告知承诺 variant exists
	Cosign         *Cosign    `json:"cosign,omitempty"`
	When           string     `json:"when,omitempty"` // CEL: the project needs the item only when true
	Why            string     `json:"why,omitempty"`  // the rule in plain Chinese
	Materials      []Material `json:"materials"`

	when *rule
}

// ItemRef names one version of an item.
type ItemRef struct {
	Code    string `json:"code"`
	Version int    `json:"version"`
}

// String returns "CODE@VERSION".
func (r ItemRef) String() string { return fmt.Sprintf("%s@%d", r.Code, r.Version) }

// FlowStage is one stage of a flow.
type FlowStage struct {
	Number         int       `json:"number"`
	Name           string    `json:"name"`
	LeadDepartment string    `json:"lead_department"` // 牵头部门
	LimitDays      int       `json:"limit_days"`      // working days
	Items          []ItemRef `json:"items"`           // candidates, filtered by their rules
}

// Flow is one version of an approval flow (审批流程/主题).
type Flow struct {
	ID                 string      `json:"id"`
	Version            int         `json:"version"`
	Name               string      `json:"name"`
	ProjectType        string      `json:"project_type"`
	GovernmentInvested bool        `json:"government_invested"`
	Description        string      `json:"description,omitempty"`
	Stages             []FlowStage `json:"stages"` // exactly four, numbered 1–4

	// source is the flow as written (item references unresolved), so Merge
	// can tell a republished flow version from a changed one even when an
	// unpinned reference now resolves to a newer item version.
	source string
}

// StageOf returns stage n (1–4) of the flow.
func (f Flow) StageOf(n int) (FlowStage, error) {
	for _, s := range f.Stages {
		if s.Number == n {
			return s, nil
		}
	}
	return FlowStage{}, apperr.Newf(apperr.NotFound, "catalog.stage", "审批流程“%s”没有第%d阶段", "flow %q has no stage %d", f.ID, n)
}

// Option is one allowed answer of a choice question.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Question is one situation (情形) of the questionnaire.
type Question struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Type    string   `json:"type"` // bool, number or choice
	Unit    string   `json:"unit,omitempty"`
	Help    string   `json:"help,omitempty"`
	Options []Option `json:"options,omitempty"`
}

type itemKey struct {
	code    string
	version int
}

// Catalog is a validated, immutable set of departments, situations, items
// and flows. It is safe for concurrent use.
type Catalog struct {
	departments []Department
	deptIdx     map[string]int
	questions   []Question
	questionIdx map[string]int
	items       map[itemKey]*Item
	flows       map[itemKey]*Flow
}

// Departments returns the departments in file order.
func (c *Catalog) Departments() []Department { return append([]Department(nil), c.departments...) }

// Department returns the department with the given code.
func (c *Catalog) Department(code string) (Department, bool) {
	i, ok := c.deptIdx[code]
	if !ok {
		return Department{}, false
	}
	return c.departments[i], true
}

// Questions returns the situation questionnaire in file order.
func (c *Catalog) Questions() []Question { return append([]Question(nil), c.questions...) }

// Items returns every version of every item, ordered by code then version.
func (c *Catalog) Items() []Item {
	out := make([]Item, 0, len(c.items))
	for _, it := range c.items {
		out = append(out, *it)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return out[i].Version < out[j].Version
	})
	return out
}

// Item returns one version of an item.
func (c *Catalog) Item(code string, version int) (Item, error) {
	it, ok := c.items[itemKey{code, version}]
	if !ok {
		return Item{}, apperr.Newf(apperr.NotFound, "catalog.item", "审批事项“%s”第%d版不存在", "item %q version %d not found", code, version)
	}
	return *it, nil
}

// LatestItem returns the highest version of an item.
func (c *Catalog) LatestItem(code string) (Item, error) {
	v := latest(c.items, code)
	if v == 0 {
		return Item{}, apperr.Newf(apperr.NotFound, "catalog.item", "审批事项“%s”不存在", "item %q not found", code)
	}
	return *c.items[itemKey{code, v}], nil
}

// Flows returns every version of every flow, ordered by id then version.
func (c *Catalog) Flows() []Flow {
	out := make([]Flow, 0, len(c.flows))
	for _, f := range c.flows {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].Version < out[j].Version
	})
	return out
}

// Flow returns one version of a flow.
func (c *Catalog) Flow(id string, version int) (Flow, error) {
	f, ok := c.flows[itemKey{id, version}]
	if !ok {
		return Flow{}, apperr.Newf(apperr.NotFound, "catalog.flow", "审批流程“%s”第%d版不存在", "flow %q version %d not found", id, version)
	}
	return *f, nil
}

// LatestFlow returns the highest version of a flow; new projects start under it.
func (c *Catalog) LatestFlow(id string) (Flow, error) {
	v := latest(c.flows, id)
	if v == 0 {
		return Flow{}, apperr.Newf(apperr.NotFound, "catalog.flow", "审批流程“%s”不存在", "flow %q not found", id)
	}
	return *c.flows[itemKey{id, v}], nil
}

func latest[T any](m map[itemKey]T, code string) int {
	v := 0
	for k := range m {
		if k.code == code && k.version > v {
			v = k.version
		}
	}
	return v
}
