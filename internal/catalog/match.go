package catalog

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/google/cel-go/cel"

	"github.com/tongban/tongban/internal/apperr"
)

// Reason says why a project needs a matched item.
type Reason struct {
	Rule string `json:"rule,omitempty"` // the item's when rule; empty when the flow always needs the item
	ZH   string `json:"message"`
	EN   string `json:"message_en"`
}

// MatchedMaterial is one material of a matched item, with Required decided
// for this project (its condition evaluated).
type MatchedMaterial struct {
	Material
	Required bool `json:"required"` // shadows Material.Required: the answer for this project
}

// MatchedItem is one item a project needs in a stage.
type MatchedItem struct {
	Item           Item              `json:"item"`
	DepartmentName string            `json:"department_name"`
	Reason         Reason            `json:"reason"`
	Materials      []MatchedMaterial `json:"materials"`
}

// StageMatch is the outcome of matching one stage.
type StageMatch struct {
	Stage FlowStage     `json:"stage"`
	Items []MatchedItem `json:"items"`
}

// Match returns the items a project needs in one stage (1–4) of the given
// flow version, with materials resolved. Facts and answers are validated
// first; a missing answer counts as false, 0 or no choice, so a half-filled
// questionnaire can be previewed.
func (c *Catalog) Match(flowID string, version int, stage int, p ProjectFacts, answers map[string]any) ([]MatchedItem, error) {
	f, err := c.Flow(flowID, version)
	if err != nil {
		return nil, err
	}
	if stage < 1 || stage > Stages {
		return nil, apperr.Newf(apperr.Invalid, "catalog.stage", "阶段 %d 无效，应为 1–4", "stage %d is not 1–4", stage).
			WithField("stage", "invalid", "阶段应为 1–4", "the stage must be 1–4")
	}
	act, err := c.prepare(p, answers)
	if err != nil {
		return nil, err
	}
	st, err := f.StageOf(stage)
	if err != nil {
		return nil, err
	}
	return c.matchStage(f, st, act)
}

// MatchAll matches all four stages at once, for the live preview of the
// questionnaire.
func (c *Catalog) MatchAll(flowID string, version int, p ProjectFacts, answers map[string]any) ([]StageMatch, error) {
	f, err := c.Flow(flowID, version)
	if err != nil {
		return nil, err
	}
	act, err := c.prepare(p, answers)
	if err != nil {
		return nil, err
	}
	out := make([]StageMatch, 0, len(f.Stages))
	for _, st := range f.Stages {
		items, err := c.matchStage(f, st, act)
		if err != nil {
			return nil, err
		}
		out = append(out, StageMatch{Stage: st, Items: items})
	}
	return out, nil
}

func (c *Catalog) prepare(p ProjectFacts, answers map[string]any) (cel.Activation, error) {
	if err := ValidateFacts(p); err != nil {
		return nil, err
	}
	norm, err := c.ValidateAnswers(answers)
	if err != nil {
		return nil, err
	}
	act, err := activation(p, norm)
	if err != nil {
		return nil, apperr.Wrap(err, "catalog: activation")
	}
	return act, nil
}

func (c *Catalog) matchStage(f Flow, st FlowStage, act cel.Activation) ([]MatchedItem, error) {
	out := []MatchedItem{}
	for _, ref := range st.Items {
		it, ok := c.items[itemKey{ref.Code, ref.Version}]
		if !ok { // Load and Merge guarantee references; a miss is a bug
			return nil, apperr.Wrap(fmt.Errorf("flow %s@%d references missing item %s", f.ID, f.Version, ref), "catalog: match")
		}
		reason := Reason{
			ZH: fmt.Sprintf("“%s”第%d阶段的必办事项", f.Name, st.Number),
			EN: fmt.Sprintf("always needed in stage %d of flow %s", st.Number, f.ID),
		}
		if it.when != nil {
			need, err := it.when.eval(act)
			if err != nil {
				return nil, apperr.Wrap(fmt.Errorf("item %s: %w", ref, err), "catalog: match")
			}
			if !need {
				continue
			}
			reason = Reason{Rule: it.When, ZH: it.Why, EN: "rule holds: " + it.When}
			if reason.ZH == "" {
				reason.ZH = "满足规则：" + it.When
			}
		}
		mi := MatchedItem{Item: *it, Reason: reason, Materials: make([]MatchedMaterial, 0, len(it.Materials))}
		if d, ok := c.Department(it.Department); ok {
			mi.DepartmentName = d.Name
		}
		for _, m := range it.Materials {
			req := m.Required
			if req && m.cond != nil {
				var err error
				if req, err = m.cond.eval(act); err != nil {
					return nil, apperr.Wrap(fmt.Errorf("item %s material %s: %w", ref, m.Code, err), "catalog: match")
				}
			}
			mi.Materials = append(mi.Materials, MatchedMaterial{Material: m, Required: req})
		}
		out = append(out, mi)
	}
	return out, nil
}

// ValidateFacts checks the project facts rules read: numbers must be finite
// and not negative.
func ValidateFacts(p ProjectFacts) error {
	e := apperr.New(apperr.Invalid, "catalog.facts", "项目信息有误", "the project facts are invalid")
	for _, f := range []struct {
		field, zh string
		v         float64
	}{{"investment", "总投资", p.Investment}, {"land_area", "用地面积", p.LandArea}, {"floor_area", "建筑面积", p.FloorArea}} {
		if !finite(f.v) || f.v < 0 {
			e.WithField(f.field, "invalid", f.zh+"须为不小于 0 的有效数字", f.field+" must be a number of at least 0")
		}
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

// ValidateAnswers checks answers against the questionnaire and returns them
// normalised (numbers as float64) with every unanswered question set to its
// zero answer (false, 0, ""). Every wrong answer is reported as a field
// "answers.<id>" of one apperr.Invalid error.
func (c *Catalog) ValidateAnswers(answers map[string]any) (map[string]any, error) {
	e := apperr.New(apperr.Invalid, "catalog.answers", "情形问卷的回答有误", "some questionnaire answers are invalid")
	out := make(map[string]any, len(c.questions))
	for _, q := range c.questions {
		switch q.Type {
		case QuestionBool:
			out[q.ID] = false
		case QuestionNumber:
			out[q.ID] = 0.0
		default:
			out[q.ID] = ""
		}
	}
	for id, v := range answers {
		field := "answers." + id
		i, ok := c.questionIdx[id]
		if !ok {
			e.WithField(field, "unknown", fmt.Sprintf("没有情形 %q", id), fmt.Sprintf("there is no situation %q", id))
			continue
		}
		if v == nil {
			continue // unanswered
		}
		q := c.questions[i]
		switch q.Type {
		case QuestionBool:
			b, ok := v.(bool)
			if !ok {
				e.WithField(field, "type", fmt.Sprintf("“%s”应回答是或否", q.Text), fmt.Sprintf("%s must be true or false", id))
				continue
			}
			out[id] = b
		case QuestionNumber:
			f, ok := number(v)
			if !ok || !finite(f) || f < 0 {
				e.WithField(field, "type", fmt.Sprintf("“%s”应填写不小于 0 的数字", q.Text), fmt.Sprintf("%s must be a number of at least 0", id))
				continue
			}
			out[id] = f
		case QuestionChoice:
			s, ok := v.(string)
			if !ok {
				e.WithField(field, "type", fmt.Sprintf("“%s”应从选项中选择", q.Text), fmt.Sprintf("%s must be one of the options", id))
				continue
			}
			if s == "" {
				continue
			}
			if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == s }) {
				vals := make([]string, len(q.Options))
				for i, o := range q.Options {
					vals[i] = o.Value
				}
				e.WithField(field, "option", fmt.Sprintf("“%s”没有选项 %q", q.Text, s), fmt.Sprintf("%s has no option %q (options: %v)", id, s, vals))
				continue
			}
			out[id] = s
		}
	}
	if len(e.Fields) > 0 {
		return nil, e
	}
	return out, nil
}

// number accepts the numeric types JSON decoding and Go callers produce.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}
