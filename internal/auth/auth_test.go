package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

// wantInvalid fails unless err is apperr.Invalid with key and both
// messages containing the fragments.
func wantInvalid(t *testing.T, err error, key, zhPart, enPart string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want invalid %q", key)
	}
	ae := apperr.As(err)
	if ae.Code != apperr.Invalid || ae.Key != key {
		t.Fatalf("got %s/%s, want invalid/%s (%v)", ae.Code, ae.Key, key, err)
	}
	if !strings.Contains(ae.ZH, zhPart) {
		t.Errorf("got zh %q, want it to contain %q", ae.ZH, zhPart)
	}
	if !strings.Contains(ae.EN, enPart) {
		t.Errorf("got en %q, want it to contain %q", ae.EN, enPart)
	}
}

// cheap parameters keep the tests of parsing and rehash fast.
var cheap = argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashVerifyPassword(t *testing.T) {
	h, err := HashPassword("Xiamen#2024ok")
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(h, want) {
		t.Fatalf("got %q, want prefix %q", h, want)
	}
	h2, _ := HashPassword("Xiamen#2024ok")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
	tests := []struct {
		pw                 string
		wantOK, wantRehash bool
	}{
		{"Xiamen#2024ok", true, false},
		{"xiamen#2024ok", false, false},
		{"Xiamen#2024ok ", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		ok, rehash, err := VerifyPassword(h, tt.pw)
		if err != nil || ok != tt.wantOK || rehash != tt.wantRehash {
			t.Errorf("VerifyPassword(%q): got %v, %v, %v; want %v, %v, nil", tt.pw, ok, rehash, err, tt.wantOK, tt.wantRehash)
		}
	}
}

func TestVerifyPasswordNeedsRehash(t *testing.T) {
	h, err := hashPassword("pw", cheap)
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := VerifyPassword(h, "pw")
	if !ok || !rehash || err != nil {
		t.Errorf("old parameters: got %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
	ok, rehash, err = VerifyPassword(h, "wrong")
	if ok || rehash || err != nil {
		t.Errorf("old parameters, wrong password: got %v, %v, %v; want false, false, nil", ok, rehash, err)
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	salt := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef"))
	key := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	good := "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key
	if _, _, err := VerifyPassword(good, "x"); err != nil {
		t.Fatalf("well-formed control: %v", err)
	}
	tests := []struct{ name, enc, detail string }{
		{"empty", "", "fields"},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuuNmCz1D1Q0PKHxY7XGRszBVjXsFfVwOy", "fields"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key, "not argon2id"},
		{"version 16", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key, "version"},
		{"order", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key, "out of order"},
		{"not a number", "$argon2id$v=19$m=6x,t=1,p=1$" + salt + "$" + key, "not a number"},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key, "not a number"},
		{"negative", "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key, "not a number"},
		{"huge memory", "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key, "memory"},
		{"zero time", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key, "time"},
		{"huge time", "$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key, "time"},
		{"zero threads", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key, "threads"},
		{"padded salt", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key, "salt"},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$YWJj$" + key, "salt"},
		{"short hash", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$YWJj", "hash"},
		{"extra field", good + "$x", "fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(tt.enc, "x")
			if ok || rehash {
				t.Errorf("got ok=%v rehash=%v, want false, false", ok, rehash)
			}
			if !errors.Is(err, ErrMalformedHash) || apperr.CodeOf(err) != apperr.Internal {
				t.Fatalf("got %v, want an internal error wrapping ErrMalformedHash", err)
			}
			if !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("got %q, want it to mention %q", err.Error(), tt.detail)
			}
		})
	}
}

func TestVerifyDummy(t *testing.T) {
	VerifyDummy("anything") // must not panic; timing is not asserted
}

func TestCheckPasswordPolicy(t *testing.T) {
	ok := []struct{ pw, user string }{
		{"Xiamen2024ok", "zhangsan"},
		{"xiamen#2024ok", "zhangsan"},
		{"厦门市#2024ok好", "zhangsan"},
		{"ab#Cdefghij", "ab"}, // two-letter usernames are not searched for
	}
	for _, tt := range ok {
		if err := CheckPasswordPolicy(tt.pw, tt.user); err != nil {
			t.Errorf("CheckPasswordPolicy(%q, %q): got %v, want nil", tt.pw, tt.user, err)
		}
	}
	bad := []struct{ name, pw, user, zh, en string }{
		{"short", "Ab#12345", "u", "长度至少 10 位（当前 8 位）", "at least 10 characters long (it has 8)"},
		{"two classes", "abcdefgh1234", "u", "至少 3 类（当前 2 类）", "at least 3 of"},
		{"one class", "abcdefghijkl", "u", "当前 1 类", "(it has 1)"},
		{"username", "ZhangSan#2024", "zhangsan", "不包含用户名", "not contain the username"},
		{"username spaces", "xx-admin01-Q9", " Admin01 ", "不包含用户名", "username"},
		{"control", "Xiamen2024\tok", "u", "不含控制字符", "no control characters"},
		{"too long", "Aa1" + strings.Repeat("x", 130), "u", "不超过 128 位", "at most 128"},
		{"all at once", "zhang", "zhang", "长度至少 10 位（当前 5 位）；包含大写字母、小写字母、数字、符号中的至少 3 类（当前 1 类）；不包含用户名", "be at least 10 characters long (it has 5); mix at least 3"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			wantInvalid(t, CheckPasswordPolicy(tt.pw, tt.user), "password.policy", tt.zh, tt.en)
		})
	}
	wantInvalid(t, CheckPasswordPolicy("Xiamen2024\xffok", "u"), "password.encoding", "无效字符", "invalid characters")
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw := GeneratePassword()
		if len(pw) != 16 {
			t.Fatalf("got %q (%d chars), want 16", pw, len(pw))
		}
		if err := CheckPasswordPolicy(pw, ""); err != nil {
			t.Fatalf("GeneratePassword() = %q: %v", pw, err)
		}
		if i := strings.IndexAny(pw, "0Oo1lIi2Zz5Ss8B"); i >= 0 {
			t.Fatalf("got %q with ambiguous %q", pw, pw[i])
		}
		if !strings.ContainsAny(pw, genUpper) || !strings.ContainsAny(pw, genLower) ||
			!strings.ContainsAny(pw, genDigit) || !strings.ContainsAny(pw, genSymbol) {
			t.Fatalf("got %q, want all four classes", pw)
		}
		if seen[pw] {
			t.Fatalf("GeneratePassword repeated %q", pw)
		}
		seen[pw] = true
	}
}

func TestTokens(t *testing.T) {
	a, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewToken()
	c, _ := NewCSRF()
	if len(a) != 43 || len(c) != 43 {
		t.Errorf("got lengths %d, %d, want 43", len(a), len(c))
	}
	if raw, err := base64.RawURLEncoding.DecodeString(a); err != nil || len(raw) != 32 {
		t.Errorf("token %q: got %d bytes, %v; want 32 base64url bytes", a, len(raw), err)
	}
	if a == b || a == c {
		t.Error("tokens repeat")
	}
	tests := []struct {
		x, y string
		want bool
	}{
		{a, a, true},
		{a, b, false},
		{a, a[:42], false},
		{"", "", false},
		{a, "", false},
	}
	for _, tt := range tests {
		if got := EqualToken(tt.x, tt.y); got != tt.want {
			t.Errorf("EqualToken(%q, %q): got %v, want %v", tt.x, tt.y, got, tt.want)
		}
	}
	// SHA-256("abc"), FIPS 180-2 test vector.
	if got, want := HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("HashToken: got %s, want %s", got, want)
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles() {
		got, err := ParseRole(" " + strings.ToUpper(string(r)) + " ")
		if err != nil || got != r {
			t.Errorf("ParseRole(%q): got %q, %v", r, got, err)
		}
		if r.Label("zh") == string(r) || r.Label("en") == string(r) {
			t.Errorf("role %q lacks a label", r)
		}
	}
	_, err := ParseRole("root")
	wantInvalid(t, err, "role.unknown", "未知角色“root”", `unknown role "root"`)
	if got, want := Reviewer.Label("zh-CN"), "审查人员"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := SecurityAdmin.Label("en-US"), "Security administrator"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := len(Roles()), 9; got != want {
		t.Errorf("got %d roles, want %d", got, want)
	}
}

func TestValidateRoles(t *testing.T) {
	ok := [][]Role{
		{Applicant},
		{Clerk},
		{Clerk, Reviewer, Approver, LeadCoordinator},
		{Supervisor},
		{SystemAdmin}, {SecurityAdmin}, {AuditAdmin},
	}
	for _, rs := range ok {
		if err := ValidateRoles(rs); err != nil {
			t.Errorf("ValidateRoles(%v): got %v, want nil", rs, err)
		}
	}
	bad := []struct {
		name        string
		roles       []Role
		key, zh, en string
	}{
		{"none", nil, "roles.empty", "至少需要一个角色", "at least one role"},
		{"unknown", []Role{Clerk, "root"}, "role.unknown", "未知角色“root”", `unknown role "root"`},
		{"duplicate", []Role{Clerk, Clerk}, "roles.duplicate", "“窗口受理人员”重复", "listed twice"},
		{"sys+sec", []Role{SystemAdmin, SecurityAdmin}, "roles.admin_separation", "不能同时拥有“系统管理员”和“安全管理员”", "System administrator and Security administrator cannot be combined"},
		{"sec+audit", []Role{SecurityAdmin, AuditAdmin}, "roles.admin_separation", "三员分立", "separation of administrators"},
		{"admin+officer", []Role{SystemAdmin, Approver}, "roles.admin_exclusive", "“系统管理员”不能与“签发人员”同时拥有", "cannot be combined with Approver"},
		{"officer+admin", []Role{Reviewer, AuditAdmin}, "roles.admin_exclusive", "“审计管理员”不能与“审查人员”", "Audit administrator cannot be combined with Reviewer"},
		{"admin+applicant", []Role{Applicant, SecurityAdmin}, "roles.admin_exclusive", "管理员账号不能兼任业务角色", "holds no other role"},
		{"applicant+clerk", []Role{Applicant, Clerk}, "roles.applicant_exclusive", "（“窗口受理人员”）", "(Intake clerk)"},
		{"applicant+supervisor", []Role{Supervisor, Applicant}, "roles.applicant_exclusive", "申请人账号不能兼任", "applicant account holds no other role"},
		{"supervisor+officer", []Role{Supervisor, Reviewer}, "roles.supervisor_exclusive", "（“审查人员”）", "(Reviewer)"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			wantInvalid(t, ValidateRoles(tt.roles), tt.key, tt.zh, tt.en)
		})
	}
}

func TestRolePredicates(t *testing.T) {
	tests := []struct {
		r              Role
		officer, admin bool
	}{
		{Applicant, false, false},
		{Clerk, true, false}, {Reviewer, true, false}, {Approver, true, false}, {LeadCoordinator, true, false},
		{Supervisor, false, false},
		{SystemAdmin, false, true}, {SecurityAdmin, false, true}, {AuditAdmin, false, true},
		{"root", false, false},
	}
	for _, tt := range tests {
		if got := IsOfficer(tt.r); got != tt.officer {
			t.Errorf("IsOfficer(%q): got %v, want %v", tt.r, got, tt.officer)
		}
		if got := IsAdmin(tt.r); got != tt.admin {
			t.Errorf("IsAdmin(%q): got %v, want %v", tt.r, got, tt.admin)
		}
	}
	if IsOfficerAny(nil) || IsOfficerAny([]Role{Applicant, Supervisor}) || !IsOfficerAny([]Role{Supervisor, Approver}) {
		t.Error("IsOfficerAny wrong")
	}
}

func TestPrincipal(t *testing.T) {
	p := Principal{UserID: "u1", Roles: []Role{Clerk, Reviewer}, DeptCode: "zjj"}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"Has clerk", p.Has(Clerk), true},
		{"Has approver", p.Has(Approver), false},
		{"HasAny approver, reviewer", p.HasAny(Approver, Reviewer), true},
		{"HasAny approver", p.HasAny(Approver), false},
		{"HasAny none", p.HasAny(), false},
		{"IsOfficer", p.IsOfficer(), true},
		{"IsAdmin", p.IsAdmin(), false},
		{"zero IsOfficer", Principal{}.IsOfficer(), false},
		{"admin IsAdmin", Principal{Roles: []Role{AuditAdmin}}.IsAdmin(), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestLockoutUntil(t *testing.T) {
	last := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		failures int
		want     time.Duration // 0: not locked
	}{
		{-1, 0}, {0, 0}, {4, 0},
		{5, 15 * time.Minute},
		{6, 30 * time.Minute},
		{7, time.Hour},
		{8, time.Hour},
		{1 << 30, time.Hour},
	}
	for _, tt := range tests {
		got := LockoutUntil(tt.failures, last)
		var want time.Time
		if tt.want > 0 {
			want = last.Add(tt.want)
		}
		if !got.Equal(want) {
			t.Errorf("LockoutUntil(%d): got %v, want %v", tt.failures, got, want)
		}
	}
}
