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
// repeated failures. The password check (Argon2id, slow by design) runs
// outside any transaction, so a wave of logins never holds the writer.
func (s *Service) Login(ctx context.Context, username, password string) (LoginResult, error) {
	var res LoginResult
	now := s.now()
	var u store.User
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = store.GetUserByName(ctx, tx, strings.TrimSpace(username))
		return err
	})
	if apperr.Is(err, apperr.NotFound) {
		auth.VerifyDummy(password) // same work as a real check: no user enumeration by timing
		return res, badLogin
	}
	if err != nil {
		return res, err
	}
	if u.Disabled {
		return res, apperr.New(apperr.Unauthenticated, "auth.disabled", "账号已停用", "the account is disabled")
	}
	if now.Before(u.LockedUntil) {
		return res, lockedErr(u.LockedUntil)
	}
	ok, rehash, err := auth.VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return res, apperr.Wrap(err, "verify password")
	}
	if !ok {
		// Count the failure on the account as it is now (another attempt may
		// have counted one meanwhile).
		err := s.db.Write(ctx, func(tx *store.Tx) error {
			cur, err := store.GetUser(ctx, tx, u.ID)
			if err != nil {
				return err
			}
			failures := cur.FailedLogins + 1
			return store.RecordLogin(ctx, tx, u.ID, failures, auth.LockoutUntil(failures, now), now)
		})
		if err != nil {
			return res, err
		}
		return res, badLogin
	}
	var newHash string
	if rehash {
		// Stored with older hashing parameters: upgrade it now that the
		// password is at hand.
		if newHash, err = auth.HashPassword(password); err != nil {
			return res, apperr.Wrap(err, "hash password")
		}
	}
	tok, err := auth.NewToken()
	if err != nil {
		return res, apperr.Wrap(err, "token")
	}
	csrf, err := auth.NewCSRF()
	if err != nil {
		return res, apperr.Wrap(err, "csrf")
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		cur, err := store.GetUser(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		// Disabled or locked while the password was being checked.
		if cur.Disabled {
			return apperr.New(apperr.Unauthenticated, "auth.disabled", "账号已停用", "the account is disabled")
		}
		if now.Before(cur.LockedUntil) {
			return lockedErr(cur.LockedUntil)
		}
		if newHash != "" && cur.Version == u.Version {
			if err := store.SetPassword(ctx, tx, u.ID, newHash, cur.Version, now); err != nil {
				return err
			}
		} else if cur.FailedLogins > 0 {
			if err := store.RecordLogin(ctx, tx, u.ID, 0, time.Time{}, now); err != nil {
				return err
			}
		}
		return store.InsertSession(ctx, tx, store.Session{TokenHash: auth.HashToken(tok), UserID: u.ID, CSRF: csrf, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionIdle)})
	})
	if err != nil {
		return res, err
	}
	return LoginResult{Token: tok, CSRF: csrf, User: u}, nil
}

func lockedErr(until time.Time) error {
	return apperr.Newf(apperr.Unauthenticated, "auth.locked", "登录失败次数过多，账号锁定至 %s", "too many failed logins; locked until %s",
		until.In(cst).Format("15:04"))
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

// userAdmin is the check shared by the account-management actions: the
// system or security administrator, never on their own account (a second
// administrator must act, and a password is changed with ChangePassword).
func userAdmin(p auth.Principal, id string) error {
	if !p.HasAny(auth.SystemAdmin, auth.SecurityAdmin) {
		return apperr.New(apperr.Forbidden, "user.admin_only", "只有系统管理员或安全管理员可以管理账号", "only the system or security administrator may manage accounts")
	}
	if p.UserID == id {
		return apperr.New(apperr.Invalid, "user.self", "不能停用或重置自己的账号；修改本人密码请使用“修改密码”", "you cannot disable or reset your own account; change your own password instead")
	}
	return nil
}

// SetUserDisabled disables an account (its sessions end at once and it can
// no longer log in) or enables it again. version is the account version
// the administrator saw.
func (s *Service) SetUserDisabled(ctx context.Context, p auth.Principal, id string, disabled bool, version int64) (store.User, error) {
	if err := userAdmin(p, id); err != nil {
		return store.User{}, err
	}
	var u store.User
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := store.GetUser(ctx, tx, id); err != nil {
			return err
		}
		if err := store.SetUserDisabled(ctx, tx, id, disabled, version, s.now()); err != nil {
			return err
		}
		if disabled {
			if err := store.DeleteUserSessions(ctx, tx, id, ""); err != nil {
				return err
			}
		}
		var err error
		u, err = store.GetUser(ctx, tx, id)
		return err
	})
	if err == nil {
		s.log.InfoContext(ctx, "security: account status", "actor", p.Username, "user", u.Username, "disabled", disabled)
	}
	return u, err
}

// ResetPassword sets a new password on someone else's account, lifts a
// login lock and ends the account's sessions.
func (s *Service) ResetPassword(ctx context.Context, p auth.Principal, id, password string) error {
	if err := userAdmin(p, id); err != nil {
		return err
	}
	u, err := s.getUser(ctx, id)
	if err != nil {
		return err
	}
	if err := checkNewPassword(password, u.Username); err != nil {
		return err
	}
	if err := s.setPassword(ctx, u, password, ""); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "security: password reset", "actor", p.Username, "user", u.Username)
	return nil
}

// ChangePassword changes the caller's own password after checking the
// current one; the caller's other sessions end, this one stays.
func (s *Service) ChangePassword(ctx context.Context, p auth.Principal, token, current, next string) error {
	u, err := s.getUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	// Password hashing is slow by design: it runs outside any transaction.
	ok, _, err := auth.VerifyPassword(u.PasswordHash, current)
	if err != nil {
		return apperr.Wrap(err, "verify password")
	}
	bad := apperr.New(apperr.Invalid, "user.invalid", "密码有误", "the password is wrong")
	switch {
	case !ok:
		return bad.WithField("current_password", "wrong", "当前密码不正确", "the current password is wrong")
	case current == next:
		return bad.WithField("new_password", "same", "新密码不能与当前密码相同", "the new password must differ from the current one")
	}
	if err := checkNewPassword(next, u.Username); err != nil {
		return err
	}
	if err := s.setPassword(ctx, u, next, auth.HashToken(token)); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "security: password changed", "user", u.Username)
	return nil
}

func (s *Service) getUser(ctx context.Context, id string) (store.User, error) {
	var u store.User
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = store.GetUser(ctx, tx, id)
		return err
	})
	return u, err
}

// checkNewPassword applies the password policy, as a field error.
func checkNewPassword(password, username string) error {
	if err := auth.CheckPasswordPolicy(password, username); err != nil {
		ae := apperr.As(err)
		return apperr.New(apperr.Invalid, "user.invalid", "密码不符合要求", "the password does not meet the policy").
			WithField("new_password", "weak", ae.ZH, ae.EN)
	}
	return nil
}

// setPassword hashes a new password (outside any transaction), stores it
// if the account did not change meanwhile, and ends the account's sessions
// but the one with hash keep.
func (s *Service) setPassword(ctx context.Context, u store.User, password, keep string) error {
	h, err := auth.HashPassword(password)
	if err != nil {
		return apperr.Wrap(err, "hash password")
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		if err := store.SetPassword(ctx, tx, u.ID, h, u.Version, s.now()); err != nil {
			return err
		}
		return store.DeleteUserSessions(ctx, tx, u.ID, keep)
	})
}
