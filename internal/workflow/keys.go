package workflow

import (
	"context"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
)

// KeyView is a signing key with its owner's name.
type KeyView struct {
	sign.KeyInfo
	OwnerName string
}

// keyOwner resolves an owner as a client names it ("me", "user:<id>",
// "dept:<code>") and checks that p may read (or, manage, change) its keys:
// officers their own; security and audit administrators any (security
// administrators alone change them).
func (s *Service) keyOwner(ctx context.Context, tx *store.Tx, p auth.Principal, owner string, manage bool) (sign.Owner, string, error) {
	officer := isOfficer(p)
	if owner == "me" || owner == string(sign.UserOwner(p.UserID)) {
		if !officer && !p.Has(auth.SecurityAdmin) && !(p.Has(auth.AuditAdmin) && !manage) {
			return "", "", apperr.New(apperr.Forbidden, "sign.no_key", "只有审批人员有签名密钥", "only officers have signing keys")
		}
		return sign.UserOwner(p.UserID), p.DisplayName, nil
	}
	o, err := sign.ParseOwner(owner)
	if err != nil {
		return "", "", err
	}
	if !(p.Has(auth.SecurityAdmin) || (!manage && p.Has(auth.AuditAdmin))) {
		return "", "", apperr.New(apperr.Forbidden, "sign.keys_forbidden", "只有安全管理员可管理他人或部门的签名密钥", "only the security administrator manages other people's or departments' signing keys")
	}
	switch o.Kind() {
	case "user":
		u, err := store.GetUser(ctx, tx, o.ID())
		if err != nil {
			return "", "", err
		}
		if !u.Principal().HasAny(auth.Clerk, auth.Reviewer, auth.Approver, auth.LeadCoordinator) {
			return "", "", apperr.New(apperr.Invalid, "sign.not_officer", "该账号不是审批人员，没有签名密钥", "this account is not an officer's and has no signing key")
		}
		return o, u.DisplayName, nil
	default:
		for _, d := range s.catalogs.Current().Departments() {
			if d.Code == o.ID() {
				return o, d.Name, nil
			}
		}
		return "", "", apperr.New(apperr.NotFound, "sign.no_department", "部门不存在", "no such department")
	}
}

func (s *Service) requireKeys() error {
	if s.keys == nil {
		return apperr.New(apperr.Conflict, "sign.disabled", "本服务未配置签名密钥", "signing keys are not configured on this server")
	}
	return nil
}

// ListKeys returns an owner's signing keys, newest first.
func (s *Service) ListKeys(ctx context.Context, p auth.Principal, owner string) ([]KeyView, error) {
	var out []KeyView
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		o, name, err := s.keyOwner(ctx, tx, p, owner, false)
		if err != nil {
			return err
		}
		keys, err := sign.ListKeys(ctx, tx, o)
		for _, k := range keys {
			out = append(out, KeyView{KeyInfo: k, OwnerName: name})
		}
		return err
	})
	return out, err
}

// RotateKey retires an owner's active key and makes a new one; the
// owner's keys come back, newest first.
func (s *Service) RotateKey(ctx context.Context, p auth.Principal, owner string) ([]KeyView, error) {
	if err := s.requireKeys(); err != nil {
		return nil, err
	}
	var o sign.Owner
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if o, _, err = s.keyOwner(ctx, tx, p, owner, true); err != nil {
			return err
		}
		id, name, role := actorFields(p)
		_, err = s.keys.Rotate(ctx, tx, o, sign.Actor{ID: id, Name: name, Role: role}, "密钥轮换", s.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.ListKeys(ctx, p, string(o))
}

// RevokeKey withdraws a key for good (security administrators).
func (s *Service) RevokeKey(ctx context.Context, p auth.Principal, id, reason string) (KeyView, error) {
	if err := s.requireKeys(); err != nil {
		return KeyView{}, err
	}
	if err := sign.CheckRevokeReason(reason); err != nil {
		return KeyView{}, err
	}
	var out KeyView
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		k, err := sign.GetKey(ctx, tx, id)
		if err != nil {
			return err
		}
		_, name, err := s.keyOwner(ctx, tx, p, string(k.Owner), true)
		if err != nil {
			return err
		}
		aid, aname, role := actorFields(p)
		k, err = s.keys.Revoke(ctx, tx, id, sign.Actor{ID: aid, Name: aname, Role: role}, reason, s.now())
		out = KeyView{KeyInfo: k, OwnerName: name}
		return err
	})
	return out, err
}
