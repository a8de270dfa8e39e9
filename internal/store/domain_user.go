package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
)

// User is an account: an applicant's agent, an officer or an administrator.
type User struct {
	ID             string
	Username       string
	DisplayName    string
	PasswordHash   string
	Roles          []auth.Role
	DeptCode       string
	EnterpriseUSCC string
	FailedLogins   int
	LockedUntil    time.Time
	Disabled       bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64
}

// Principal returns the identity an authorised request acts as.
func (u User) Principal() auth.Principal {
	return auth.Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: u.Roles, DeptCode: u.DeptCode, EnterpriseUSCC: u.EnterpriseUSCC}
}

func joinRoles(rs []auth.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func splitRoles(s string) []auth.Role {
	var out []auth.Role
	for _, p := range strings.Split(s, ",") {
		if p != "" {
			out = append(out, auth.Role(p))
		}
	}
	return out
}

const userCols = `id, username, display_name, password_hash, roles, dept_code, enterprise_uscc, failed_logins, locked_until, disabled, created_at, updated_at, version`

// InsertUser stores a new account.
func InsertUser(ctx context.Context, tx *Tx, u User) error {
	_, err := tx.Exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		u.ID, u.Username, u.DisplayName, u.PasswordHash, joinRoles(u.Roles), u.DeptCode, u.EnterpriseUSCC, 0, 0, b2i(u.Disabled),
		ms(u.CreatedAt), ms(u.UpdatedAt), 1)
	if apperr.Is(err, apperr.Conflict) {
		return apperr.Newf(apperr.Conflict, "user.duplicate", "用户名 %s 已存在", "username %s is taken", u.Username)
	}
	return err
}

func scanUser(s scanner) (User, error) {
	var u User
	var roles string
	var locked, created, updated int64
	var disabled int
	if err := s.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &roles, &u.DeptCode, &u.EnterpriseUSCC, &u.FailedLogins,
		&locked, &disabled, &created, &updated, &u.Version); err != nil {
		return u, err
	}
	u.Roles = splitRoles(roles)
	u.Disabled = disabled != 0
	if locked > 0 {
		u.LockedUntil = fromMS(locked)
	}
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, nil
}

// GetUser loads an account by id.
func GetUser(ctx context.Context, tx *Tx, id string) (User, error) {
	u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id=?`, id))
	if err != nil {
		return u, notFound(err, "user.not_found", "用户不存在", "user not found")
	}
	return u, nil
}

// GetUserByName loads an account by username.
func GetUserByName(ctx context.Context, tx *Tx, username string) (User, error) {
	u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE username=?`, username))
	if err != nil {
		return u, notFound(err, "user.not_found", "用户不存在", "user not found")
	}
	return u, nil
}

// ListUsers returns all accounts ordered by username.
func ListUsers(ctx context.Context, tx *Tx) ([]User, error) {
	rows, err := tx.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// RecordLogin stores the outcome of a login attempt (failures and lock).
func RecordLogin(ctx context.Context, tx *Tx, id string, failures int, lockedUntil time.Time, now time.Time) error {
	var lock int64
	if !lockedUntil.IsZero() {
		lock = ms(lockedUntil)
	}
	_, err := tx.Exec(ctx, `UPDATE users SET failed_logins=?, locked_until=?, updated_at=? WHERE id=?`, failures, lock, ms(now), id)
	return err
}

// SetUserDisabled disables or re-enables an account, if it is still at
// the version the administrator saw (apperr.Conflict otherwise).
func SetUserDisabled(ctx context.Context, tx *Tx, id string, disabled bool, version int64, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE users SET disabled=?, updated_at=?, version=version+1 WHERE id=? AND version=?`, b2i(disabled), ms(now), id, version)
	if err != nil {
		return err
	}
	return CheckVersion(res)
}

// SetPassword replaces an account's password hash and clears its failed
// logins and lock, if the account is still at version (apperr.Conflict
// otherwise: hashing happens outside the transaction, so the account may
// have changed meanwhile).
func SetPassword(ctx context.Context, tx *Tx, id, hash string, version int64, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE users SET password_hash=?, failed_logins=0, locked_until=0, updated_at=?, version=version+1 WHERE id=? AND version=?`,
		hash, ms(now), id, version)
	if err != nil {
		return err
	}
	return CheckVersion(res)
}

// DeleteUserSessions ends every session of an account except the one
// whose token hash is keep ("" ends them all).
func DeleteUserSessions(ctx context.Context, tx *Tx, userID, keep string) error {
	_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id=? AND token_hash<>?`, userID, keep)
	return err
}

// Session is a server-side login session; only the token's hash is stored.
type Session struct {
	TokenHash  string
	UserID     string
	CSRF       string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// InsertSession stores a session.
func InsertSession(ctx context.Context, tx *Tx, s Session) error {
	_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES (?,?,?,?,?,?)`,
		s.TokenHash, s.UserID, s.CSRF, ms(s.CreatedAt), ms(s.LastSeenAt), ms(s.ExpiresAt))
	return err
}

// GetSession loads a live session and its user.
func GetSession(ctx context.Context, tx *Tx, tokenHash string) (Session, User, error) {
	var s Session
	var created, seen, expires int64
	// One statement, so that it can run outside a transaction (ReadOnce).
	row := tx.QueryRow(ctx, `SELECT s.token_hash, s.user_id, s.csrf, s.created_at, s.last_seen_at, s.expires_at, `+sessionUserCols+`
FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash=?`, tokenHash)
	u, err := scanUser(prefixScanner{row, []any{&s.TokenHash, &s.UserID, &s.CSRF, &created, &seen, &expires}})
	if err != nil {
		if err == sql.ErrNoRows || apperr.Is(err, apperr.NotFound) {
			return s, User{}, apperr.New(apperr.Unauthenticated, "session.invalid", "登录已失效，请重新登录", "your session has ended; please log in again")
		}
		return s, User{}, err
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return s, u, nil
}

// sessionUserCols is userCols qualified by the alias u.
var sessionUserCols = "u." + strings.ReplaceAll(userCols, ", ", ", u.")

// prefixScanner scans leading columns into pre, the rest into Scan's dest.
type prefixScanner struct {
	row scanner
	pre []any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.row.Scan(append(append([]any{}, p.pre...), dest...)...)
}

// TouchSession extends an active session (idle timeout) .
func TouchSession(ctx context.Context, tx *Tx, tokenHash string, seen, expires time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE sessions SET last_seen_at=?, expires_at=? WHERE token_hash=?`, ms(seen), ms(expires), tokenHash)
	return err
}

// DeleteSession ends a session.
func DeleteSession(ctx context.Context, tx *Tx, tokenHash string) error {
	_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash=?`, tokenHash)
	return err
}

// Enterprise is an applicant organisation.
type Enterprise struct {
	USCC      string    `json:"uscc"`
	Name      string    `json:"name"`
	BadCredit bool      `json:"bad_credit"`
	CreatedAt time.Time `json:"created_at"`
}

// UpsertEnterprise stores an enterprise if it is new.
func UpsertEnterprise(ctx context.Context, tx *Tx, e Enterprise) error {
	_, err := tx.InsertIgnore(ctx, "enterprises", []string{"uscc", "name", "bad_credit", "created_at"},
		[]any{e.USCC, e.Name, b2i(e.BadCredit), ms(e.CreatedAt)}, []string{"uscc"})
	return err
}

// GetEnterprise loads an enterprise.
func GetEnterprise(ctx context.Context, tx *Tx, uscc string) (Enterprise, error) {
	var e Enterprise
	var bad int
	var created int64
	err := tx.QueryRow(ctx, `SELECT uscc, name, bad_credit, created_at FROM enterprises WHERE uscc=?`, uscc).Scan(&e.USCC, &e.Name, &bad, &created)
	if err != nil {
		return e, notFound(err, "enterprise.not_found", "企业不存在", "enterprise not found")
	}
	e.BadCredit, e.CreatedAt = bad != 0, fromMS(created)
	return e, nil
}

// DisplayNames returns the display names of the given accounts by id, in
// one query; ids that match no account are absent from the map.
func DisplayNames(ctx context.Context, tx *Tx, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	err := lookupIn(ctx, tx, `SELECT id, display_name FROM users WHERE id IN `, ids, func(rows *sql.Rows) error {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		out[id] = name
		return nil
	})
	return out, err
}

// ProjectLabel is how a project is named in lists: its code and name.
type ProjectLabel struct {
	Code string
	Name string
}

// ProjectLabels returns the code and name of the given projects by id, in
// one query; unknown ids are absent.
func ProjectLabels(ctx context.Context, tx *Tx, ids []string) (map[string]ProjectLabel, error) {
	out := make(map[string]ProjectLabel, len(ids))
	err := lookupIn(ctx, tx, `SELECT id, code, name FROM projects WHERE id IN `, ids, func(rows *sql.Rows) error {
		var id string
		var l ProjectLabel
		if err := rows.Scan(&id, &l.Code, &l.Name); err != nil {
			return err
		}
		out[id] = l
		return nil
	})
	return out, err
}

// lookupIn runs query followed by "(?,?,…)" for ids and calls scan per row;
// no ids, no query.
func lookupIn(ctx context.Context, tx *Tx, query string, ids []string, scan func(*sql.Rows) error) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := tx.Query(ctx, query+`(`+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
