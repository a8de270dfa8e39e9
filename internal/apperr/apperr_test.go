package apperr

import (
	"errors"
	"testing"
)

func TestDescribe(t *testing.T) {
	plain := errors.New("disk full")
	e := New(Invalid, "cfg.bad", "配置有误", "bad settings").
		WithField("workers", "range", "须为 1 到 500", "must be 1 to 500").
		WithField("addr", "format", "地址格式有误", "bad address")
	e.Err = plain
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"plain", plain, "disk full"},
		{"ours, fields sorted, cause", e, "配置有误 / bad settings\n  addr: 地址格式有误 / bad address\n  workers: 须为 1 到 500 / must be 1 to 500\n  cause: disk full"},
		{"wrapped", errors.Join(errors.New("outer"), New(NotFound, "x", "不存在", "not found")), "不存在 / not found"},
	} {
		if got := Describe(c.err); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
