package ident

import (
	"testing"

	"github.com/tongban/tongban/internal/apperr"
)

// fuzzValidator checks that a validator never panics and that every
// refusal is a bilingual apperr.Invalid.
func fuzzValidator(t *testing.T, name string, in string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	ae := apperr.As(err)
	if ae.Code != apperr.Invalid || ae.ZH == "" || ae.EN == "" {
		t.Fatalf("%s(%q): got %#v, want a bilingual invalid error", name, in, ae)
	}
}

func FuzzValidateUSCC(f *testing.F) {
	for _, c := range realUSCCs {
		f.Add(c.code)
	}
	f.Add("9111000080210043")
	f.Add("9111０000802100433B")
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateUSCC(s)
		fuzzValidator(t, "ValidateUSCC", s, err)
		if err == nil {
			// A valid code must be its own normal form and reproduce its check character.
			if NormalizeUSCC(s) != s {
				t.Fatalf("valid code %q is not normalised", s)
			}
			if c, err := USCCCheckChar(s[:17]); err != nil || c != s[17] {
				t.Fatalf("USCCCheckChar(%q) = %q, %v", s[:17], c, err)
			}
		}
		_, err = USCCCheckChar(s)
		fuzzValidator(t, "USCCCheckChar", s, err)
	})
}

func FuzzValidateResidentID(f *testing.F) {
	f.Add("11010519491231002X")
	f.Add("440524188001010014")
	f.Add("110105491231002")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzValidator(t, "ValidateResidentID", s, ValidateResidentID(s))
		_, err := ResidentIDCheckDigit(s)
		fuzzValidator(t, "ResidentIDCheckDigit", s, err)
		_ = MaskResidentID(s)
		_ = MaskPhone(s)
	})
}

func FuzzValidateProjectCode(f *testing.F) {
	f.Add("2024-350211-47-03-012345")
	f.Add("2024－350211-47-03-012345")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzValidator(t, "ValidateProjectCode", s, ValidateProjectCode(s))
	})
}
