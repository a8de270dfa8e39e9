package sign

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm2"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// Purposes of the system's key pairs (system_keys.purpose).
const (
	PurposeLedgerSM2     = "ledger-sm2"     // signs ledger checkpoints (SM2 with SM3)
	PurposeLedgerEd25519 = "ledger-ed25519" // cosigns ledger checkpoints, for standard signed-note tools
)

// Algorithms (system_keys.algorithm).
const (
	AlgSM2     = "sm2"
	AlgEd25519 = "ed25519"
)

// SystemKeys are the system's key pairs, private keys opened.
type SystemKeys struct {
	SM2     *sm2.PrivateKey
	Ed25519 ed25519.PrivateKey
}

// PublicKeys are the system's public keys, as stored in the clear: enough
// to verify, with no master key.
type PublicKeys struct {
	SM2     *ecdsa.PublicKey
	Ed25519 ed25519.PublicKey
}

// HasSystemKeys reports whether the system's keys have been generated.
func HasSystemKeys(ctx context.Context, tx *store.Tx) (bool, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM system_keys WHERE purpose IN (?,?)`, PurposeLedgerSM2, PurposeLedgerEd25519).Scan(&n); err != nil {
		return false, store.MapError(tx.Dialect(), err)
	}
	return n > 0, nil
}

// LoadSystemKeys opens the system's private keys with the master key,
// generating and storing them (sealed) on first start. Several instances
// starting at once agree on one pair: the first insert wins and the others
// read it back. A master key that does not open stored keys is an error
// that names the cause and changes nothing.
func LoadSystemKeys(ctx context.Context, db *store.DB, master MasterKey) (SystemKeys, error) {
	var keys SystemKeys
	err := db.Write(ctx, func(tx *store.Tx) error {
		sm2Key, err := sm2.GenerateKey(rand.Reader)
		if err != nil {
			return apperr.Wrap(err, "generate SM2 key")
		}
		_, edKey, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return apperr.Wrap(err, "generate Ed25519 key")
		}
		sm2Pub, err := sm2PublicBytes(&sm2Key.PublicKey)
		if err != nil {
			return err
		}
		for _, k := range []struct {
			purpose, alg string
			pub, priv    []byte
		}{
			{PurposeLedgerSM2, AlgSM2, sm2Pub, sm2Key.D.FillBytes(make([]byte, 32))},
			{PurposeLedgerEd25519, AlgEd25519, edKey.Public().(ed25519.PublicKey), edKey.Seed()},
		} {
			sealed, err := master.Seal(k.priv, sealAAD(k.purpose, k.alg, k.pub))
			if err != nil {
				return err
			}
			if _, err := tx.InsertIgnore(ctx, "system_keys", []string{"purpose", "algorithm", "public_key", "sealed_private", "created_at"},
				[]any{k.purpose, k.alg, k.pub, sealed, tx.Now().UTC().UnixMilli()}, []string{"purpose"}); err != nil {
				return err
			}
		}
		keys, err = openSystemKeys(ctx, tx, master)
		return err
	})
	return keys, err
}

// ReadPublicKeys returns the system's public keys from the database, for
// verifiers that hold no master key. apperr.NotFound if there are none yet.
func ReadPublicKeys(ctx context.Context, tx *store.Tx) (PublicKeys, error) {
	rows, err := readRows(ctx, tx)
	if err != nil {
		return PublicKeys{}, err
	}
	var pk PublicKeys
	if pk.SM2, err = sm2.NewPublicKey(rows[PurposeLedgerSM2].pub); err != nil {
		return PublicKeys{}, corruptKey(PurposeLedgerSM2, err)
	}
	if p := rows[PurposeLedgerEd25519].pub; len(p) == ed25519.PublicKeySize {
		pk.Ed25519 = ed25519.PublicKey(p)
	} else {
		return PublicKeys{}, corruptKey(PurposeLedgerEd25519, fmt.Errorf("public key of %d bytes", len(p)))
	}
	return pk, nil
}

type keyRow struct {
	alg          string
	pub, private []byte
}

func readRows(ctx context.Context, tx *store.Tx) (map[string]keyRow, error) {
	rows, err := tx.Query(ctx, `SELECT purpose, algorithm, public_key, sealed_private FROM system_keys WHERE purpose IN (?,?)`, PurposeLedgerSM2, PurposeLedgerEd25519)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]keyRow{}
	for rows.Next() {
		var p string
		var r keyRow
		if err := rows.Scan(&p, &r.alg, &r.pub, &r.private); err != nil {
			return nil, store.MapError(tx.Dialect(), err)
		}
		out[p] = r
	}
	if err := rows.Err(); err != nil {
		return nil, store.MapError(tx.Dialect(), err)
	}
	if len(out) == 0 {
		return nil, apperr.New(apperr.NotFound, "sign.no_system_keys", "系统密钥尚未生成（服务首次启动时生成）", "the system keys have not been generated yet (the server generates them on first start)")
	}
	for _, p := range []string{PurposeLedgerSM2, PurposeLedgerEd25519} {
		if _, ok := out[p]; !ok {
			return nil, corruptKey(p, errors.New("row missing"))
		}
	}
	return out, nil
}

func openSystemKeys(ctx context.Context, tx *store.Tx, master MasterKey) (SystemKeys, error) {
	rows, err := readRows(ctx, tx)
	if err != nil {
		return SystemKeys{}, err
	}
	var keys SystemKeys
	r := rows[PurposeLedgerSM2]
	raw, err := master.Open(r.private, sealAAD(PurposeLedgerSM2, r.alg, r.pub))
	if err != nil {
		return SystemKeys{}, wrongMaster(err)
	}
	if keys.SM2, err = sm2.NewPrivateKey(raw); err != nil {
		return SystemKeys{}, corruptKey(PurposeLedgerSM2, err)
	}
	if pub, err := sm2PublicBytes(&keys.SM2.PublicKey); err != nil || string(pub) != string(r.pub) {
		return SystemKeys{}, corruptKey(PurposeLedgerSM2, errors.New("private key does not match the stored public key"))
	}
	r = rows[PurposeLedgerEd25519]
	seed, err := master.Open(r.private, sealAAD(PurposeLedgerEd25519, r.alg, r.pub))
	if err != nil {
		return SystemKeys{}, wrongMaster(err)
	}
	if len(seed) != ed25519.SeedSize {
		return SystemKeys{}, corruptKey(PurposeLedgerEd25519, fmt.Errorf("seed of %d bytes", len(seed)))
	}
	keys.Ed25519 = ed25519.NewKeyFromSeed(seed)
	if string(keys.Ed25519.Public().(ed25519.PublicKey)) != string(r.pub) {
		return SystemKeys{}, corruptKey(PurposeLedgerEd25519, errors.New("private key does not match the stored public key"))
	}
	return keys, nil
}

// sealAAD binds a sealed private key to its row: purpose, algorithm and
// public key. A sealed key copied to another row, or a public key
// replaced, no longer opens.
func sealAAD(purpose, alg string, pub []byte) []byte {
	b := []byte("tongban/system-key/v1\n" + purpose + "\n" + alg + "\n")
	return append(b, pub...)
}

func sm2PublicBytes(pub *ecdsa.PublicKey) ([]byte, error) {
	k, err := sm2.PublicKeyToECDH(pub)
	if err != nil {
		return nil, apperr.Wrap(err, "SM2 public key")
	}
	return k.Bytes(), nil
}

func wrongMaster(cause error) error {
	e := apperr.New(apperr.Invalid, "sign.master_key_wrong",
		"主密钥无法解开数据库中的系统密钥：主密钥不对（不是生成这些密钥时所用的那一把），或密钥记录被改动。未作任何改动；请提供正确的主密钥",
		"the master key does not open the system keys stored in the database: it is not the key they were sealed with, or their rows were altered. Nothing was changed; give the right master key")
	e.Err = cause
	return e
}

func corruptKey(purpose string, cause error) error {
	e := apperr.Newf(apperr.Internal, "sign.key_corrupt", "系统密钥 %s 的记录有误", "the stored system key %s is damaged", purpose)
	e.Err = cause
	return e
}
