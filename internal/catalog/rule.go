package catalog

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
)

// Limits on administrator-written rules. CEL is linear-time already; these
// keep a pasted monster or a fuzzer's input from costing real time.
const (
	maxRuleLen     = 2000  // characters of rule source
	maxRuleDepth   = 32    // parser recursion
	ruleCostLimit  = 10000 // runtime cost units per evaluation
	maxAnswerValue = 1e15  // larger numbers are typos, not projects
)

// ProjectFacts are the facts of a project that rules may read as `project.*`.
type ProjectFacts struct {
	Type               string  // flow project type, e.g. industrial_plant
	District           string  // administrative code, e.g. "350211" (集美)
	Investment         float64 // total investment, 万元
	LandArea           float64 // m²
	FloorArea          float64 // m²
	GovernmentInvested bool
}

// CELMap returns the facts as the `project` map rules see.
func (p ProjectFacts) CELMap() map[string]any {
	return map[string]any{
		"type":                p.Type,
		"district":            p.District,
		"investment":          p.Investment,
		"land_area":           p.LandArea,
		"floor_area":          p.FloorArea,
		"government_invested": p.GovernmentInvested,
	}
}

// projectFields are the declared fields of `project` and their CEL types.
var projectFields = map[string]*cel.Type{
	"type":                cel.StringType,
	"district":            cel.StringType,
	"investment":          cel.DoubleType,
	"land_area":           cel.DoubleType,
	"floor_area":          cel.DoubleType,
	"government_invested": cel.BoolType,
}

// ruleEnv compiles rules against one questionnaire.
//
// Every project field and every situation is declared as its own typed,
// dotted variable ("project.investment", "answers.touches_river") rather than
// as a map(string, dyn): the rule text reads the same, but the checker then
// knows each type, so `project.investment + 1` is refused as non-bool and a
// misspelt situation is refused at load instead of failing at run time.
type ruleEnv struct {
	env       *cel.Env
	questions map[string]Question
}

// rule is a compiled rule; cel.Program is safe for concurrent use.
type rule struct {
	src string
	prg cel.Program
}

func newRuleEnv(qs []Question) (*ruleEnv, error) {
	opts := []cel.EnvOption{
		cel.CrossTypeNumericComparisons(true), // project.floor_area >= 7000 must not need 7000.0
		cel.ParserRecursionLimit(maxRuleDepth),
		cel.ParserExpressionSizeLimit(maxRuleLen),
	}
	for name, t := range projectFields {
		opts = append(opts, cel.Variable("project."+name, t))
	}
	byID := map[string]Question{}
	for _, q := range qs {
		byID[q.ID] = q
		opts = append(opts, cel.Variable("answers."+q.ID, questionType(q.Type)))
	}
	env, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, err
	}
	return &ruleEnv{env: env, questions: byID}, nil
}

func questionType(t string) *cel.Type {
	switch t {
	case QuestionBool:
		return cel.BoolType
	case QuestionNumber:
		return cel.DoubleType
	default:
		return cel.StringType
	}
}

var (
	answerRef  = regexp.MustCompile(`\banswers\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)`)
	projectRef = regexp.MustCompile(`\bproject\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)`)
)

// ruleError is why a rule was refused, in both languages.
type ruleError struct{ zh, en string }

// compile checks a rule and returns its program. Before CEL sees it, names
// are checked against the questionnaire so the message says which situation
// is unknown (CEL alone would only say "undeclared reference to 'answers'").
func (e *ruleEnv) compile(src string) (*rule, *ruleError) {
	if strings.TrimSpace(src) == "" {
		return nil, &ruleError{"规则为空", "the rule is empty"}
	}
	if n := len([]rune(src)); n > maxRuleLen {
		return nil, &ruleError{fmt.Sprintf("规则过长（%d 个字符，最多 %d）", n, maxRuleLen), fmt.Sprintf("the rule is too long (%d characters, at most %d)", n, maxRuleLen)}
	}
	for _, m := range answerRef.FindAllStringSubmatch(src, -1) {
		if _, ok := e.questions[m[1]]; !ok {
			return nil, &ruleError{fmt.Sprintf("规则引用了未定义的情形 %q", m[1]), fmt.Sprintf("the rule refers to an unknown situation %q", m[1])}
		}
	}
	for _, m := range projectRef.FindAllStringSubmatch(src, -1) {
		if _, ok := projectFields[m[1]]; !ok {
			return nil, &ruleError{fmt.Sprintf("规则引用了未定义的项目属性 project.%s", m[1]), fmt.Sprintf("the rule refers to an unknown project field project.%s", m[1])}
		}
	}
	ast, iss := e.env.Compile(src)
	if iss != nil && iss.Err() != nil {
		var parts []string
		for _, ce := range iss.Errors() {
			parts = append(parts, fmt.Sprintf("%d:%d: %s", ce.Location.Line(), ce.Location.Column()+1, ce.Message))
		}
		msg := strings.Join(parts, "; ")
		return nil, &ruleError{"规则无法编译：" + msg, "the rule does not compile: " + msg}
	}
	if !ast.OutputType().IsExactType(types.BoolType) {
		t := ast.OutputType().String()
		return nil, &ruleError{fmt.Sprintf("规则的结果必须是布尔值（true/false），实际为 %s", t), fmt.Sprintf("the rule must yield a bool, not %s", t)}
	}
	prg, err := e.env.Program(ast, cel.CostLimit(ruleCostLimit))
	if err != nil {
		return nil, &ruleError{"规则无法生成程序：" + err.Error(), "the rule cannot be planned: " + err.Error()}
	}
	return &rule{src: src, prg: prg}, nil
}

// eval runs the rule. A runtime failure (cost limit, division by zero) is
// the catalog's fault, not the applicant's, and is returned as such.
func (r *rule) eval(act cel.Activation) (bool, error) {
	out, _, err := r.prg.Eval(act)
	if err != nil {
		return false, fmt.Errorf("rule %q: %w", r.src, err)
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Errorf("rule %q yielded %v, not a bool", r.src, out.Value())
	}
	return b, nil
}

// activation binds a project's facts and its (validated, defaulted) answers.
func activation(p ProjectFacts, answers map[string]any) (cel.Activation, error) {
	vars := map[string]any{}
	for k, v := range p.CELMap() {
		vars["project."+k] = v
	}
	for k, v := range answers {
		vars["answers."+k] = v
	}
	return cel.NewActivation(vars)
}

// finite reports whether f is a usable number.
func finite(f float64) bool {
	return !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) <= maxAnswerValue
}
