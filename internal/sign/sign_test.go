package sign_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/emmansun/gmsm/sm4"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

// SM4 known answer, GB/T 32907-2016 appendix A, example 1.
func TestSM4KnownAnswer(t *testing.T) {
	key, _ := hex.DecodeString("0123456789abcdeffedcba9876543210")
	want, _ := hex.DecodeString("681edf34d206965e86b3e94f536e4246")
	b, err := sm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 16)
	b.Encrypt(got, key) // the example encrypts the key itself
	if !bytes.Equal(got, want) {
		t.Errorf("SM4 = %x, want %x", got, want)
	}
}

func TestSealOpen(t *testing.T) {
	var k, other sign.MasterKey
	k[0], other[0] = 1, 2
	secret, aad := []byte("私钥 private key"), []byte("row 1")
	sealed, err := k.Seal(secret, aad)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, secret) {
		t.Fatal("sealed blob holds the plaintext")
	}
	if got, err := k.Open(sealed, aad); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := k.Seal(secret, aad)
	if bytes.Equal(again, sealed) {
		t.Error("two seals of one plaintext are equal: nonce reused")
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	for name, c := range map[string]struct {
		key    sign.MasterKey
		sealed []byte
		aad    []byte
	}{
		"wrong key":   {other, sealed, aad},
		"other row":   {k, sealed, []byte("row 2")},
		"altered":     {k, flipped, aad},
		"truncated":   {k, sealed[:20], aad},
		"bad version": {k, append([]byte{9}, sealed[1:]...), aad},
	} {
		if _, err := c.key.Open(c.sealed, c.aad); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
}

func TestLoadMasterKey(t *testing.T) {
	const hexKey = "00112233445566778899aabbccddeeff"
	dir := t.TempDir()
	file := filepath.Join(dir, "given.key")
	if err := os.WriteFile(file, []byte(" "+hexKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.key")
	if err := os.WriteFile(bad, []byte("not hex"), 0o600); err != nil {
		t.Fatal(err)
	}
	want, _ := sign.ParseMasterKey(hexKey)
	for _, c := range []struct {
		name      string
		src       sign.MasterKeySource
		generate  bool
		wantKey   string // error key, or "" for success
		generated bool
	}{
		{"hex", sign.MasterKeySource{Hex: hexKey, DataDir: dir}, false, "", false},
		{"file", sign.MasterKeySource{File: file, DataDir: dir}, false, "", false},
		{"both", sign.MasterKeySource{File: file, Hex: hexKey, DataDir: dir}, true, "sign.master_key_twice", false},
		{"bad hex", sign.MasterKeySource{Hex: "abc", DataDir: dir}, true, "sign.master_key_bad", false},
		{"bad file", sign.MasterKeySource{File: bad, DataDir: dir}, true, "sign.master_key_bad", false},
		{"missing file", sign.MasterKeySource{File: filepath.Join(dir, "none"), DataDir: dir}, true, "sign.master_key_file", false},
		{"none, keys exist", sign.MasterKeySource{DataDir: dir}, false, "sign.master_key_missing", false},
		{"none, first start", sign.MasterKeySource{DataDir: dir}, true, "", true},
		{"none, second start", sign.MasterKeySource{DataDir: dir}, false, "", false},
	} {
		r, err := sign.LoadMasterKey(c.src, c.generate)
		if c.wantKey != "" {
			if e := apperr.As(err); err == nil || e.Key != c.wantKey || e.ZH == "" || e.EN == "" {
				t.Errorf("%s: err = %v, want %s", c.name, err, c.wantKey)
			}
			continue
		}
		if err != nil || r.Generated != c.generated {
			t.Errorf("%s: %+v, %v", c.name, r, err)
			continue
		}
		if c.src.Hex != "" || c.src.File != "" {
			if r.Key != want {
				t.Errorf("%s: key %x", c.name, r.Key)
			}
		}
	}
	st, err := os.Stat(filepath.Join(dir, sign.MasterKeyFileName))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("generated master key file: %v, %v; want mode 0600", st, err)
	}
}

// The system keys are generated once, sealed; the same master key opens
// them again, a wrong one is refused and changes nothing, and a replaced
// public key no longer opens.
func TestSystemKeys(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mk, wrong sign.MasterKey
		mk[5], wrong[5] = 7, 8
		has := func() bool {
			var h bool
			if err := db.Read(ctx, func(tx *store.Tx) (err error) { h, err = sign.HasSystemKeys(ctx, tx); return err }); err != nil {
				t.Fatal(err)
			}
			return h
		}
		if has() {
			t.Fatal("keys before the first start")
		}
		k1, err := sign.LoadSystemKeys(ctx, db, mk)
		if err != nil {
			t.Fatal(err)
		}
		if !has() {
			t.Fatal("no keys after the first start")
		}
		k2, err := sign.LoadSystemKeys(ctx, db, mk)
		if err != nil || !k1.SM2.Equal(k2.SM2) || !k1.Ed25519.Equal(k2.Ed25519) {
			t.Fatalf("second start: %v, or other keys", err)
		}
		rows := func() string {
			var b bytes.Buffer
			if err := db.Read(ctx, func(tx *store.Tx) error {
				rs, err := tx.Query(ctx, `SELECT purpose, public_key, sealed_private FROM system_keys ORDER BY purpose`)
				if err != nil {
					return err
				}
				defer rs.Close()
				for rs.Next() {
					var p string
					var pub, priv []byte
					if err := rs.Scan(&p, &pub, &priv); err != nil {
						return err
					}
					if bytes.Contains(priv, k1.SM2.D.Bytes()) || bytes.Contains(priv, k1.Ed25519.Seed()) {
						t.Errorf("%s: the private key is stored in the clear", p)
					}
					b.WriteString(p + hex.EncodeToString(pub) + hex.EncodeToString(priv))
				}
				return rs.Err()
			}); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}
		before := rows()
		_, err = sign.LoadSystemKeys(ctx, db, wrong)
		if e := apperr.As(err); e.Key != "sign.master_key_wrong" {
			t.Errorf("wrong master key: %v", err)
		}
		if rows() != before {
			t.Error("a wrong master key changed the stored keys")
		}
		pub, err := readPublic(db)
		if err != nil || !pub.SM2.Equal(&k1.SM2.PublicKey) || !pub.Ed25519.Equal(k1.Ed25519.Public()) {
			t.Errorf("ReadPublicKeys: %v", err)
		}
		// A public key replaced (to make checkpoints of one's own verify)
		// no longer opens its sealed private key.
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE system_keys SET public_key=? WHERE purpose=?`, []byte(k1.Ed25519[32:]), sign.PurposeLedgerSM2)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := sign.LoadSystemKeys(ctx, db, mk); apperr.As(err).Key != "sign.master_key_wrong" {
			t.Errorf("replaced public key: %v", err)
		}
	})
}

func readPublic(db *store.DB) (sign.PublicKeys, error) {
	var pk sign.PublicKeys
	err := db.Read(context.Background(), func(tx *store.Tx) (err error) {
		pk, err = sign.ReadPublicKeys(context.Background(), tx)
		return err
	})
	return pk, err
}
