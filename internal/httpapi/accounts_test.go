package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/tongban/tongban/internal/apitest"
)

// userByName finds an account in the administrator's list.
func userByName(t *testing.T, admin *apitest.Client, username string) (id string, version int64) {
	t.Helper()
	var list struct {
		Items []struct {
			ID       string `json:"id"`
			Username string `json:"username"`
			Version  int64  `json:"version"`
		} `json:"items"`
	}
	if err := admin.Do(context.Background(), http.MethodGet, "/api/v1/users", nil, &list); err != nil {
		t.Fatal(err)
	}
	for _, u := range list.Items {
		if u.Username == username {
			return u.ID, u.Version
		}
	}
	t.Fatalf("no account %s", username)
	return "", 0
}

func TestDisableAndEnableAccount(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	sec := login(t, s.base, "anquan", s.pass["anquan"])
	clerk := login(t, s.base, "shouli", s.pass["shouli"])
	id, version := userByName(t, sec, "shouli")
	path := "/api/v1/users/" + id

	// Who may not: the applicant, the audit administrator, the officer himself.
	for _, u := range []string{"qiye", "shenji", "shouli"} {
		c := login(t, s.base, u, s.pass[u])
		err := c.Do(ctx, http.MethodPatch, path, map[string]any{"disabled": true, "version": version}, nil)
		wantProblem(t, err, 403, "")
	}
	// Bad requests change nothing: a stale version, one's own account, an unknown id.
	wantProblem(t, sec.Do(ctx, http.MethodPatch, path, map[string]any{"disabled": true, "version": version + 5}, nil), 409, "")
	selfID, selfVersion := userByName(t, sec, "anquan")
	wantProblem(t, sec.Do(ctx, http.MethodPatch, "/api/v1/users/"+selfID, map[string]any{"disabled": true, "version": selfVersion}, nil), 400, "user.self")
	wantProblem(t, sec.Do(ctx, http.MethodPatch, "/api/v1/users/01JZZZZZZZZZZZZZZZZZZZZZZZ", map[string]any{"disabled": true, "version": 1}, nil), 404, "user.not_found")
	if err := clerk.Do(ctx, http.MethodGet, "/api/v1/me", nil, nil); err != nil {
		t.Fatalf("refused changes ended the clerk's session: %v", err)
	}

	var u struct {
		Disabled bool  `json:"disabled"`
		Version  int64 `json:"version"`
	}
	if err := sec.Do(ctx, http.MethodPatch, path, map[string]any{"disabled": true, "version": version}, &u); err != nil || !u.Disabled || u.Version != version+1 {
		t.Fatalf("disable: %+v %v", u, err)
	}
	wantProblem(t, clerk.Do(ctx, http.MethodGet, "/api/v1/me", nil, nil), 401, "")
	wantProblem(t, apitest.New(s.base).Login(ctx, "shouli", s.pass["shouli"]), 401, "auth.disabled")

	if err := sec.Do(ctx, http.MethodPatch, path, map[string]any{"disabled": false, "version": u.Version}, &u); err != nil || u.Disabled {
		t.Fatalf("enable: %+v %v", u, err)
	}
	login(t, s.base, "shouli", s.pass["shouli"])
}

func TestResetAndChangePassword(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	sys := login(t, s.base, "xitong", s.pass["xitong"])
	id, _ := userByName(t, sys, "shencha")
	path := "/api/v1/users/" + id + "/password"
	old := s.pass["shencha"]
	reviewer := login(t, s.base, "shencha", old)

	// A weak password is refused with the field named; the old one still works.
	p := wantProblem(t, sys.Do(ctx, http.MethodPut, path, map[string]any{"new_password": "short"}, nil), 400, "user.invalid")
	if p.Fields["new_password"] == nil {
		t.Errorf("fields %v: want new_password", p.Fields)
	}
	wantProblem(t, login(t, s.base, "qiye", s.pass["qiye"]).Do(ctx, http.MethodPut, path, map[string]any{"new_password": "Xm-Reset-2026!ok"}, nil), 403, "")
	if err := reviewer.Do(ctx, http.MethodGet, "/api/v1/me", nil, nil); err != nil {
		t.Fatalf("a refused reset ended the session: %v", err)
	}

	const reset = "Xm-Reset-2026!ok"
	if err := sys.Do(ctx, http.MethodPut, path, map[string]any{"new_password": reset}, nil); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, reviewer.Do(ctx, http.MethodGet, "/api/v1/me", nil, nil), 401, "")
	wantProblem(t, apitest.New(s.base).Login(ctx, "shencha", old), 401, "auth.bad_credentials")

	// The reviewer changes it again himself, from two devices.
	phone := login(t, s.base, "shencha", reset)
	pc := login(t, s.base, "shencha", reset)
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"current_password": "wrong-Password-1", "new_password": "Xm-Mine-2026!abc"}, "current_password"},
		{map[string]any{"current_password": reset, "new_password": reset}, "new_password"},
		{map[string]any{"current_password": reset, "new_password": "shencha-Aa1!xyz"}, "new_password"},
		{map[string]any{"current_password": reset, "new_password": "abc"}, "new_password"},
	} {
		p := wantProblem(t, pc.Do(ctx, http.MethodPut, "/api/v1/me/password", c.body, nil), 400, "user.invalid")
		if p.Fields[c.field] == nil {
			t.Errorf("%v: fields %v, want %s", c.body, p.Fields, c.field)
		}
	}
	if err := phone.Do(ctx, http.MethodGet, "/api/v1/me", nil, nil); err != nil {
		t.Fatalf("refused changes ended a session: %v", err)
	}
	const mine = "Xm-Mine-2026!abc"
	if err := pc.Do(ctx, http.MethodPut, "/api/v1/me/password", map[string]any{"current_password": reset, "new_password": mine}, nil); err != nil {
		t.Fatal(err)
	}
	if err := pc.Do(ctx, http.MethodGet, "/api/v1/me", nil, nil); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	wantProblem(t, phone.Do(ctx, http.MethodGet, "/api/v1/me", nil, nil), 401, "")
	login(t, s.base, "shencha", mine)
}
