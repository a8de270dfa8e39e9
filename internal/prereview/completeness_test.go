package prereview

import "testing"

func TestCompletenessFinding(t *testing.T) {
	for _, tc := range []struct {
		required, uploaded, rongque bool
		code                        string
	}{
		{true, false, false, CodeMissingMaterial},
		{true, false, true, CodeRongqueAllowed},
		{true, true, false, ""},
		{true, true, true, ""},
		{false, false, false, ""},
		{false, false, true, ""},
	} {
		f := CompletenessFinding("用地规划许可证", tc.required, tc.uploaded, tc.rongque)
		switch {
		case tc.code == "" && f != nil:
			t.Errorf("%+v: %+v, want none", tc, f)
		case tc.code != "" && (f == nil || f.Code != tc.code || f.Message == "" || f.MessageE == ""):
			t.Errorf("%+v: %+v, want %s with messages", tc, f, tc.code)
		}
	}
	if f := CompletenessFinding("x", true, false, false); f.Severity != Error {
		t.Errorf("missing_material is %s, want error", f.Severity)
	}
	if f := CompletenessFinding("x", true, false, true); f.Severity != Warning {
		t.Errorf("rongque_allowed is %s, want warning", f.Severity)
	}
}
