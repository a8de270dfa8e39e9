package sign

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// KeysRecord is the project id under which the events of signing keys are
// recorded (key.create, key.retire, key.revoke): they are events like any
// other, so the ledger covers them, but of no project.
const KeysRecord = "signing-keys"

// Kinds of the key events.
const (
	EventKeyCreate = "key.create"
	EventKeyRetire = "key.retire"
	EventKeyRevoke = "key.revoke"
)

// Key states.
const (
	KeyActive  = "active"  // signs
	KeyRetired = "retired" // rotated out: verifies what it signed, signs nothing new
	KeyRevoked = "revoked" // withdrawn: signs nothing new
)

// AlgSM2Name is the algorithm of signing keys as the API shows it.
const AlgSM2Name = "SM2"

// Owner is whose key it is: an officer ("user:<id>") or a department
// ("dept:<code>").
type Owner string

// UserOwner and DeptOwner name the owners.
func UserOwner(userID string) Owner { return Owner("user:" + userID) }
func DeptOwner(code string) Owner   { return Owner("dept:" + code) }

// Kind is "user" or "dept"; ID the user id or department code.
func (o Owner) Kind() string { k, _, _ := strings.Cut(string(o), ":"); return k }
func (o Owner) ID() string   { _, id, _ := strings.Cut(string(o), ":"); return id }

// ParseOwner checks an owner given by a client.
func ParseOwner(s string) (Owner, error) {
	k, id, ok := strings.Cut(s, ":")
	if !ok || (k != "user" && k != "dept") || id == "" || len(s) > 80 || strings.ContainsAny(id, " :\t\n") {
		return "", apperr.New(apperr.Invalid, "sign.bad_owner", "密钥所有者应写作 user:<用户编号> 或 dept:<部门代码>", "a key owner is written user:<user id> or dept:<department code>").
			WithField("owner", "invalid", "格式不对", "malformed")
	}
	return Owner(s), nil
}

// Actor is who changes a key, for its event.
type Actor struct{ ID, Name, Role string }

// SystemActor is the system itself (keys made on first use).
var SystemActor = Actor{ID: "system", Name: "系统", Role: "system"}

// KeyInfo is a signing key as stored, without its private half.
type KeyInfo struct {
	ID           string
	Owner        Owner
	Alg          string
	Public       []byte // uncompressed SM2 point, 65 bytes
	State        string
	CreatedAt    time.Time
	RetiredAt    *time.Time
	RevokedAt    *time.Time
	RevokeReason string
	Signatures   int64
}

// Fingerprint is the first 8 bytes of SM3(public key), hex: what people
// compare.
func Fingerprint(pub []byte) string {
	h := sm3.Sum(pub)
	return hex.EncodeToString(h[:8])
}

// Keyring makes, opens and uses the signing keys of officers and
// departments. Private keys are opened with the master key when first
// used and kept in memory; they are stored only sealed.
type Keyring struct {
	master MasterKey
	hook   store.AppendHook
	mu     sync.Mutex
	open   map[string]*sm2.PrivateKey // by key id
}

// NewKeyring returns a keyring sealing with master; hook puts key events in
// the ledger (ledger.Hook).
func NewKeyring(master MasterKey, hook store.AppendHook) *Keyring {
	return &Keyring{master: master, hook: hook, open: map[string]*sm2.PrivateKey{}}
}

const keyCols = `id, owner, algorithm, public_key, state, created_at, retired_at, revoked_at, revoke_reason, signatures`

func scanKey(sc interface{ Scan(...any) error }, extra ...any) (KeyInfo, error) {
	var k KeyInfo
	var owner string
	var created int64
	var retired, revoked *int64
	if err := sc.Scan(append([]any{&k.ID, &owner, &k.Alg, &k.Public, &k.State, &created, &retired, &revoked, &k.RevokeReason, &k.Signatures}, extra...)...); err != nil {
		return k, err
	}
	k.Owner = Owner(owner)
	k.CreatedAt = time.UnixMilli(created).UTC()
	if retired != nil {
		t := time.UnixMilli(*retired).UTC()
		k.RetiredAt = &t
	}
	if revoked != nil {
		t := time.UnixMilli(*revoked).UTC()
		k.RevokedAt = &t
	}
	return k, nil
}

// ListKeys returns an owner's keys, newest first.
func ListKeys(ctx context.Context, tx *store.Tx, owner Owner) ([]KeyInfo, error) {
	rows, err := tx.Query(ctx, `SELECT `+keyCols+` FROM signing_keys WHERE owner=? ORDER BY created_at DESC, id DESC`, string(owner))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []KeyInfo{}
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, store.MapError(tx.Dialect(), err)
		}
		out = append(out, k)
	}
	return out, store.MapError(tx.Dialect(), rows.Err())
}

// GetKey returns one key; apperr.NotFound if there is none.
func GetKey(ctx context.Context, tx *store.Tx, id string) (KeyInfo, error) {
	k, err := scanKey(tx.QueryRow(ctx, `SELECT `+keyCols+` FROM signing_keys WHERE id=?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return k, apperr.New(apperr.NotFound, "sign.key_not_found", "签名密钥不存在", "no such signing key")
	}
	return k, store.MapError(tx.Dialect(), err)
}

// KeysByID loads the keys with the given ids (those that exist).
func KeysByID(ctx context.Context, tx *store.Tx, ids []string) (map[string]KeyInfo, error) {
	out := map[string]KeyInfo{}
	if len(ids) == 0 {
		return out, nil
	}
	seen := map[string]bool{}
	var args []any
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	rows, err := tx.Query(ctx, `SELECT `+keyCols+` FROM signing_keys WHERE id IN (?`+strings.Repeat(",?", len(args)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, store.MapError(tx.Dialect(), err)
		}
		out[k.ID] = k
	}
	return out, store.MapError(tx.Dialect(), rows.Err())
}

// activeKey returns the owner's active key with its sealed private key,
// locking the row (PostgreSQL, MySQL) so that a revocation waits for the
// signature being made, or the signature for the revocation. ok is false
// when the owner has no active key.
func activeKey(ctx context.Context, tx *store.Tx, owner Owner) (k KeyInfo, sealed []byte, ok bool, err error) {
	q := `SELECT ` + keyCols + `, sealed_private FROM signing_keys WHERE active_owner=?`
	if tx.Dialect() != store.SQLite {
		q += ` FOR UPDATE`
	}
	k, err = scanKey(tx.QueryRow(ctx, q, string(owner)), &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return k, nil, false, nil
	}
	if err != nil {
		return k, nil, false, store.MapError(tx.Dialect(), err)
	}
	return k, sealed, true, nil
}

// ensureActive returns the owner's active key, making one (sealed, with its
// key.create event) when it has none.
func (r *Keyring) ensureActive(ctx context.Context, tx *store.Tx, owner Owner, actor Actor, why string, at time.Time) (KeyInfo, *sm2.PrivateKey, error) {
	k, sealed, ok, err := activeKey(ctx, tx, owner)
	if err != nil {
		return k, nil, err
	}
	if !ok {
		if err := r.create(ctx, tx, owner, actor, why, at); err != nil {
			return k, nil, err
		}
		// Read back: a concurrent first use may have won the insert.
		if k, sealed, ok, err = activeKey(ctx, tx, owner); err != nil {
			return k, nil, err
		} else if !ok {
			return k, nil, apperr.Wrap(errors.New("active key vanished"), "signing key")
		}
	}
	priv, err := r.openKey(k, sealed)
	return k, priv, err
}

// create makes a new active key for owner, unless another transaction did
// so first (then nothing is written).
func (r *Keyring) create(ctx context.Context, tx *store.Tx, owner Owner, actor Actor, why string, at time.Time) error {
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return apperr.Wrap(err, "generate SM2 key")
	}
	pub, err := sm2PublicBytes(&priv.PublicKey)
	if err != nil {
		return err
	}
	id := store.NewID()
	sealed, err := r.master.Seal(priv.D.FillBytes(make([]byte, 32)), keyAAD(id, owner, pub))
	if err != nil {
		return err
	}
	now := at.UTC()
	inserted, err := tx.InsertIgnore(ctx, "signing_keys",
		[]string{"id", "owner", "active_owner", "algorithm", "public_key", "sealed_private", "state", "created_at"},
		[]any{id, string(owner), string(owner), AlgSM2Name, pub, sealed, KeyActive, now.UnixMilli()}, []string{"active_owner"})
	if err != nil || !inserted {
		return err
	}
	r.remember(id, priv)
	return r.keyEvent(ctx, tx, EventKeyCreate, actor, why, at, map[string]any{"key": id, "owner": string(owner), "alg": AlgSM2Name, "pub": hex.EncodeToString(pub)})
}

func (r *Keyring) keyEvent(ctx context.Context, tx *store.Tx, kind string, actor Actor, opinion string, at time.Time, data map[string]any) error {
	_, err := store.AppendEvent(ctx, tx, store.Event{ProjectID: KeysRecord, Kind: kind, ActorID: actor.ID, ActorName: actor.Name, ActorRole: actor.Role,
		Opinion: opinion, Data: data, At: at}, r.hook)
	return err
}

// Rotate retires the owner's active key, if any, and makes a new one. The
// retired key still verifies what it signed and signs nothing new.
func (r *Keyring) Rotate(ctx context.Context, tx *store.Tx, owner Owner, actor Actor, reason string, at time.Time) (KeyInfo, error) {
	k, _, ok, err := activeKey(ctx, tx, owner)
	if err != nil {
		return KeyInfo{}, err
	}
	if ok {
		if _, err := tx.Exec(ctx, `UPDATE signing_keys SET state=?, active_owner=NULL, retired_at=? WHERE id=?`, KeyRetired, at.UTC().UnixMilli(), k.ID); err != nil {
			return KeyInfo{}, err
		}
		r.forget(k.ID)
		if err := r.keyEvent(ctx, tx, EventKeyRetire, actor, reason, at, map[string]any{"key": k.ID, "owner": string(owner)}); err != nil {
			return KeyInfo{}, err
		}
	}
	if err := r.create(ctx, tx, owner, actor, reason, at); err != nil {
		return KeyInfo{}, err
	}
	nk, _, ok, err := activeKey(ctx, tx, owner)
	if err == nil && !ok {
		err = apperr.Wrap(errors.New("new key not found"), "rotate key")
	}
	return nk, err
}

// Revoke withdraws a key for good: it signs nothing from now on (its owner
// gets a new key on next use). What it signed before stays on the record;
// the ledger orders the revocation after it.
func (r *Keyring) Revoke(ctx context.Context, tx *store.Tx, id string, actor Actor, reason string, at time.Time) (KeyInfo, error) {
	reason = strings.TrimSpace(reason)
	if err := CheckRevokeReason(reason); err != nil {
		return KeyInfo{}, err
	}
	k, err := GetKey(ctx, tx, id)
	if err != nil {
		return k, err
	}
	if k.State == KeyRevoked {
		return k, apperr.New(apperr.Conflict, "sign.key_revoked_already", "该密钥已吊销", "this key is revoked already")
	}
	res, err := tx.Exec(ctx, `UPDATE signing_keys SET state=?, active_owner=NULL, revoked_at=?, revoke_reason=? WHERE id=? AND state<>?`,
		KeyRevoked, at.UTC().UnixMilli(), reason, id, KeyRevoked)
	if err != nil {
		return k, err
	}
	if err := store.CheckVersion(res); err != nil {
		return k, err
	}
	r.forget(id)
	if err := r.keyEvent(ctx, tx, EventKeyRevoke, actor, reason, at, map[string]any{"key": id, "owner": string(k.Owner), "reason": reason}); err != nil {
		return k, err
	}
	return GetKey(ctx, tx, id)
}

// CheckRevokeReason refuses an empty or overlong reason for revoking.
func CheckRevokeReason(reason string) error {
	if r := strings.TrimSpace(reason); r == "" || len([]rune(r)) > 200 {
		return apperr.New(apperr.Invalid, "sign.revoke_reason", "请填写吊销原因（1–200 字）", "give the reason for revoking (1–200 characters)").
			WithField("reason", "invalid", "1–200 字", "1–200 characters")
	}
	return nil
}

// Signature is an SM2 signature (SM3, default user ID) by a stored key.
type Signature struct {
	KeyID  string
	Public []byte // the key's public point, uncompressed
	Value  []byte // ASN.1 DER (r, s)
}

// Sign signs msg with the owner's active key inside tx, making the key on
// first use (at: the time recorded for a new key). The key's row stays locked until tx ends, so a revocation
// cannot slip between the choice of the key and the commit.
func (r *Keyring) Sign(ctx context.Context, tx *store.Tx, owner Owner, msg []byte, at time.Time) (Signature, error) {
	k, priv, err := r.ensureActive(ctx, tx, owner, SystemActor, "首次签名时生成", at)
	if err != nil {
		return Signature{}, err
	}
	sig, err := priv.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
	if err != nil {
		return Signature{}, apperr.Wrap(err, "SM2 sign")
	}
	if _, err := tx.Exec(ctx, `UPDATE signing_keys SET signatures=signatures+1 WHERE id=?`, k.ID); err != nil {
		return Signature{}, err
	}
	return Signature{KeyID: k.ID, Public: k.Public, Value: sig}, nil
}

// VerifySM2 checks an SM2 signature (SM3 with the default user ID
// 1234567812345678, GB/T 32918 and GB/T 35276) by an uncompressed public
// point over msg.
func VerifySM2(pub, msg, sig []byte) bool {
	pk, err := sm2.NewPublicKey(pub)
	if err != nil {
		return false
	}
	return sm2.VerifyASN1WithSM2(pk, nil, msg, sig)
}

// ParsePublic parses an uncompressed SM2 public point.
func ParsePublic(pub []byte) (*ecdsa.PublicKey, error) { return sm2.NewPublicKey(pub) }

func (r *Keyring) openKey(k KeyInfo, sealed []byte) (*sm2.PrivateKey, error) {
	r.mu.Lock()
	priv := r.open[k.ID]
	r.mu.Unlock()
	if priv != nil {
		return priv, nil
	}
	raw, err := r.master.Open(sealed, keyAAD(k.ID, k.Owner, k.Public))
	if err != nil {
		return nil, wrongMaster(err)
	}
	if priv, err = sm2.NewPrivateKey(raw); err != nil {
		return nil, corruptKey(k.ID, err)
	}
	if pub, err := sm2PublicBytes(&priv.PublicKey); err != nil || string(pub) != string(k.Public) {
		return nil, corruptKey(k.ID, errors.New("private key does not match the stored public key"))
	}
	r.remember(k.ID, priv)
	return priv, nil
}

func (r *Keyring) remember(id string, priv *sm2.PrivateKey) {
	r.mu.Lock()
	r.open[id] = priv
	r.mu.Unlock()
}

func (r *Keyring) forget(id string) {
	r.mu.Lock()
	delete(r.open, id)
	r.mu.Unlock()
}

// keyAAD binds a sealed signing key to its row: id, owner and public key.
func keyAAD(id string, owner Owner, pub []byte) []byte {
	b := []byte("tongban/signing-key/v1\n" + id + "\n" + string(owner) + "\n" + AlgSM2Name + "\n")
	return append(b, pub...)
}
