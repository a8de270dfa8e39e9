package catalog

import (
	"testing"
	"testing/fstest"

	"github.com/tongban/tongban/internal/apperr"
)

// FuzzCompileRule feeds arbitrary rule text to the compiler the bundled
// questionnaire defines. A rule either is refused with a message or
// compiles to a program that yields a bool within the cost limit.
func FuzzCompileRule(f *testing.F) {
	for _, s := range []string{"answers.touches_river", "project.investment >= 5000", "project.investment + 1", "answers.nope(",
		`answers.env_category == "report_book"`, "(((((", "[1,2,3].all(x, x > 0)", `project.district.startsWith("3502")`} {
		f.Add(s)
	}
	c := mustXiamen(f)
	env, err := newRuleEnv(c.questions)
	if err != nil {
		f.Fatal(err)
	}
	answers, err := c.ValidateAnswers(map[string]any{"touches_river": true, "earthwork_m3": 1200.0, "env_category": "report_form"})
	if err != nil {
		f.Fatal(err)
	}
	act, err := activation(plant, answers)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		r, rerr := env.compile(src)
		if rerr != nil {
			if rerr.zh == "" || rerr.en == "" {
				t.Fatalf("refusal of %q is not bilingual: %+v", src, rerr)
			}
			return
		}
		_, _ = r.eval(act) // may fail at run time (cost, overflow); must not panic
	})
}

// FuzzLoad feeds an arbitrary file next to the small valid catalog. Load
// must never panic, and a refusal is always Invalid with located problems.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{"", "departments: []", "items:\n  - {code: X}\n", "flows: [{id: a}]", ":\n- [", "&a [*a]",
		"situations:\n  - {id: x, text: t, type: choice, options: [{value: a, label: b}]}\n"} {
		f.Add([]byte(s))
	}
	fsys := baseFS(f, nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		m := fstest.MapFS{"cat/base.yaml": fsys["cat/base.yaml"], "cat/fuzz.yaml": {Data: data}}
		c, err := Load(m, "cat")
		if err == nil {
			if c == nil {
				t.Fatal("nil catalog without error")
			}
			return
		}
		if !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("err = %v, want invalid", err)
		}
		for _, p := range Problems(err) {
			if p.File == "" || p.ZH == "" || p.EN == "" {
				t.Fatalf("problem without place or message: %+v", p)
			}
		}
	})
}
