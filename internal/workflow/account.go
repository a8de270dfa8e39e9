package workflow

import (
	"context"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/ident"
	"github.com/tongban/tongban/internal/store"
)

// Session lifetimes: 等保 asks for an idle timeout; 30 minutes idle, 12 hours at most.
const (
	SessionIdle = 30 * time.Minute
	SessionMax  = 12 * time.Hour
)

// LoginResult is a new session: the raw token goes into the HttpOnly cookie
// and is never stored; CSRF goes to the page.
type LoginResult struct {
	Token string
	CSRF  string
	User  store.User
}

var badLogin = apperr.New(apperr.Unauthenticated, "auth.bad_credentials", "用户名或密码错误", "wrong username or password")

// Login checks a password and opens a session, locking the account after
// repeated failures.
func (s *Service) Login(ctx context.Context, username, password string) (LoginResult, error) {
	var res LoginResult
	now := s.now()
	var failErr error
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		u, err := store.GetUserByName(ctx, tx, strings.TrimSpace(username))
		if apperr.Is(err, apperr.NotFound) {
			auth.VerifyDummy(password) // same work as a real check: no user enumeration by timing
			failErr = badLogin
			return nil
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			failErr = apperr.New(apperr.Unauthenticated, "auth.disabled", "账号已停用", "the account is disabled")
			return nil
		}
		if now.Before(u.LockedUntil) {
			failErr = apperr.Newf(apperr.Unauthenticated, "auth.locked", "登录失败次数过多，账号锁定至 %s", "too many failed logins; locked until %s",
				u.LockedUntil.In(cst).Format("15:04"))
			return nil
		}
		ok, _, err := auth.VerifyPassword(u.PasswordHash, password)
		if err != nil {
			return apperr.Wrap(err, "verify password")
		}
		if !ok {
			failures := u.FailedLogins + 1
			failErr = badLogin
			return store.RecordLogin(ctx, tx, u.ID, failures, auth.LockoutUntil(failures, now), now)
		}
		if u.FailedLogins > 0 {
			if err := store.RecordLogin(ctx, tx, u.ID, 0, time.Time{}, now); err != nil {
				return err
			}
		}
		tok, err := auth.NewToken()
		if err != nil {
			return apperr.Wrap(err, "token")
		}
		csrf, err := auth.NewCSRF()
		if err != nil {
			return apperr.Wrap(err, "csrf")
		}
		res = LoginResult{Token: tok, CSRF: csrf, User: u}
		return store.InsertSession(ctx, tx, store.Session{TokenHash: auth.HashToken(tok), UserID: u.ID, CSRF: csrf, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionIdle)})
	})
	if err != nil {
		return res, err
	}
	if failErr != nil {
		return res, failErr
	}
	return res, nil
}

// Labels resolves account ids (a task's assignee) to display names and
// project ids to their code and name, for lists that show them; callers
// are already authorised to see the records that carry the ids. Unknown
// ids are left out. Two queries, whatever the number of ids.
func (s *Service) Labels(ctx context.Context, userIDs, projectIDs []string) (map[string]string, map[string]store.ProjectLabel, error) {
	var users map[string]string
	var projects map[string]store.ProjectLabel
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if users, err = store.DisplayNames(ctx, tx, userIDs); err != nil {
			return err
		}
		projects, err = store.ProjectLabels(ctx, tx, projectIDs)
		return err
	})
	return users, projects, err
}

// EnterpriseName is the registered name of an applicant's enterprise, or
// "" when it is not on record.
func (s *Service) EnterpriseName(ctx context.Context, uscc string) (string, error) {
	if uscc == "" {
		return "", nil
	}
	var e store.Enterprise
	err := s.db.ReadOnce(ctx, func(tx *store.Tx) error {
		var err error
		e, err = store.GetEnterprise(ctx, tx, uscc)
		return err
	})
	if apperr.Is(err, apperr.NotFound) {
		return "", nil
	}
	return e.Name, err
}

var cst = time.FixedZone("CST", 8*3600)

// Authenticate resolves a session token to its user, extending the idle
// timeout. It returns the session's CSRF token for the caller to compare.
func (s *Service) Authenticate(ctx context.Context, token string) (store.User, string, error) {
	if token == "" {
		return store.User{}, "", apperr.New(apperr.Unauthenticated, "auth.required", "请先登录", "please log in")
	}
	now := s.now()
	h := auth.HashToken(token)
	var u store.User
	var sess store.Session
	// One statement: no transaction needed (every request comes through here).
	err := s.db.ReadOnce(ctx, func(tx *store.Tx) error {
		var err error
		sess, u, err = store.GetSession(ctx, tx, h)
		return err
	})
	if err != nil {
		return u, "", err
	}
	if now.After(sess.ExpiresAt) || now.Sub(sess.CreatedAt) > SessionMax || u.Disabled {
		_ = s.db.Write(ctx, func(tx *store.Tx) error { return store.DeleteSession(ctx, tx, h) })
		return u, "", apperr.New(apperr.Unauthenticated, "session.expired", "登录已超时，请重新登录", "your session timed out; please log in again")
	}
	// Touch at most once a minute: most requests are reads and need no write.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if err := s.db.Write(ctx, func(tx *store.Tx) error { return store.TouchSession(ctx, tx, h, now, now.Add(SessionIdle)) }); err != nil {
			return u, "", err
		}
	}
	return u, sess.CSRF, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.db.Write(ctx, func(tx *store.Tx) error { return store.DeleteSession(ctx, tx, auth.HashToken(token)) })
}

// UserInput creates an account.
type UserInput struct {
	Username       string
	DisplayName    string
	Password       string
	Roles          []auth.Role
	DeptCode       string
	EnterpriseUSCC string
	EnterpriseName string
}

// CreateUser creates an account, enforcing the password policy, 三员分立
// and that officers belong to a catalog department and applicants to an
// enterprise with a valid credit code.
func (s *Service) CreateUser(ctx context.Context, p auth.Principal, in UserInput) (store.User, error) {
	if !p.HasAny(auth.SystemAdmin, auth.SecurityAdmin) {
		return store.User{}, apperr.New(apperr.Forbidden, "user.admin_only", "只有系统管理员或安全管理员可以创建账号", "only the system or security administrator may create accounts")
	}
	return s.createUser(ctx, in)
}

// CreateUserAsSystem creates an account from an operator command or the
// demo loader, where no administrator exists yet. Never call it from a
// request handler.
func (s *Service) CreateUserAsSystem(ctx context.Context, in UserInput) (store.User, error) {
	return s.createUser(ctx, in)
}

func (s *Service) createUser(ctx context.Context, in UserInput) (store.User, error) {
	in.Username = strings.TrimSpace(in.Username)
	e := apperr.New(apperr.Invalid, "user.invalid", "账号信息有误", "the account has errors")
	if len(in.Username) < 3 || len(in.Username) > 64 || strings.ContainsAny(in.Username, " \t\r\n/\\") {
		e.WithField("username", "invalid", "用户名须为 3–64 个字符，不含空格和斜杠", "a username has 3–64 characters without spaces or slashes")
	}
	if strings.TrimSpace(in.DisplayName) == "" {
		e.WithField("display_name", "required", "请填写姓名", "the display name is required")
	}
	if err := auth.CheckPasswordPolicy(in.Password, in.Username); err != nil {
		ae := apperr.As(err)
		e.WithField("password", "weak", ae.ZH, ae.EN)
	}
	if err := auth.ValidateRoles(in.Roles); err != nil {
		ae := apperr.As(err)
		e.WithField("roles", "invalid", ae.ZH, ae.EN)
	}
	officer := auth.IsOfficerAny(in.Roles)
	if officer {
		if _, ok := s.Catalog().Department(in.DeptCode); !ok {
			e.WithField("dept_code", "invalid", "请选择所在部门", "choose the officer's department")
		}
	}
	for _, r := range in.Roles {
		if r == auth.Applicant {
			in.EnterpriseUSCC = ident.NormalizeUSCC(in.EnterpriseUSCC)
			if err := ident.ValidateUSCC(in.EnterpriseUSCC); err != nil {
				ae := apperr.As(err)
				e.WithField("enterprise_uscc", "invalid", ae.ZH, ae.EN)
			}
		}
	}
	if len(e.Fields) > 0 {
		return store.User{}, e
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return store.User{}, apperr.Wrap(err, "hash password")
	}
	now := s.now()
	u := store.User{ID: store.NewID(), Username: in.Username, DisplayName: strings.TrimSpace(in.DisplayName), PasswordHash: hash, Roles: in.Roles,
		DeptCode: in.DeptCode, EnterpriseUSCC: in.EnterpriseUSCC, CreatedAt: now, UpdatedAt: now, Version: 1}
	if !officer {
		u.DeptCode = ""
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if u.EnterpriseUSCC != "" {
			name := in.EnterpriseName
			if name == "" {
				name = u.EnterpriseUSCC
			}
			if err := store.UpsertEnterprise(ctx, tx, store.Enterprise{USCC: u.EnterpriseUSCC, Name: name, CreatedAt: now}); err != nil {
				return err
			}
		}
		return store.InsertUser(ctx, tx, u)
	})
	return u, err
}

// ListUsers returns all accounts, for administrators.
func (s *Service) ListUsers(ctx context.Context, p auth.Principal) ([]store.User, error) {
	if !p.HasAny(auth.SystemAdmin, auth.SecurityAdmin, auth.AuditAdmin) {
		return nil, apperr.New(apperr.Forbidden, "user.admin_only", "只有管理员可以查看账号", "only administrators list accounts")
	}
	var out []store.User
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListUsers(ctx, tx)
		return err
	})
	return out, err
}
