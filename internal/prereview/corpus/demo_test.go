package corpus_test

import (
	"context"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/prereview"
	"github.com/tongban/tongban/internal/prereview/corpus"
)

// The demo's stand-in materials pass the pre-review of a material that
// needs a seal or a perforation seal, checked against their enterprise;
// without the seal they get seal_missing.
func TestMaterialWriter(t *testing.T) {
	// The demo's enterprises (internal/demo/accounts.go).
	ents := [][3]string{{"厦门鹭岛智造科技有限公司", "91350200MA2YA0017P", "林晓燕"}, {"厦门海湾置业有限公司", "91350200MA2YB0027G", "陈建国"},
		{"厦门翔安城建开发有限公司", "91350200MA2YC00379", "王志强"}}
	text := "厦门思明"
	for _, e := range ents {
		text += e[0] + e[2]
	}
	w, err := corpus.NewMaterialWriter(text)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	// Seeds 0–17: the documents the demo draws (enterprise i, seeds 6i to
	// 6i+5), each as an application and as a contract.
	for seed := range uint64(18) {
		e := ents[seed/6]
		materialCases(t, w, e[0], e[1], e[2], seed, now)
	}
	if _, err := w.Render(corpus.MaterialSpec{}); err == nil {
		t.Error("a material without its enterprise was rendered")
	}
}

func materialCases(t *testing.T, w *corpus.MaterialWriter, name, code, legal string, seed uint64, now time.Time) {
	t.Helper()
	app := prereview.Application{EnterpriseName: name, USCC: code}
	for _, tc := range []struct {
		spec corpus.MaterialSpec
		o    prereview.Options
		want string // the one error expected, "" none
	}{
		{corpus.MaterialSpec{Seal: true}, prereview.Options{RequireSeal: true}, ""},
		{corpus.MaterialSpec{Seal: true, Perforation: true}, prereview.Options{RequireSeal: true, RequirePerforation: true}, ""},
		{corpus.MaterialSpec{Perforation: true}, prereview.Options{RequirePerforation: true}, ""},
		{corpus.MaterialSpec{}, prereview.Options{RequireSeal: true}, prereview.CodeSealMissing},
	} {
		tc.spec.EnterpriseName, tc.spec.USCC, tc.spec.LegalRep, tc.spec.Seed = name, code, legal, seed
		tc.spec.City, tc.spec.District = "厦门", "思明" // as the demo draws them
		pdf, err := w.Render(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		tc.o.Application, tc.o.Now = app, now
		rep := prereview.Inspect(context.Background(), "材料.pdf", pdf, tc.o)
		var errs []string
		for _, f := range rep.Findings {
			if f.Severity == prereview.Error || f.Severity == prereview.Warning {
				errs = append(errs, f.Code)
			}
		}
		if tc.want == "" && len(errs) > 0 || tc.want != "" && (len(errs) != 1 || errs[0] != tc.want) {
			t.Errorf("%+v: findings %v (%+v), want %q alone", tc.spec, errs, rep.Findings, tc.want)
		}
		if rep.Fields[prereview.FieldName] != name || rep.OCR != "not_needed" {
			t.Errorf("%+v: fields %v, ocr %q", tc.spec, rep.Fields, rep.OCR)
		}
	}
}
