package sign_test

import (
	"context"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

// SM2 signature known answer on the recommended curve, GM/T 0003.5-2012
// (GB/T 32918.5-2017) example: private key, message "message digest", the
// default user ID 1234567812345678, and the signature (r, s) it gives.
func TestSM2KnownAnswer(t *testing.T) {
	d, _ := hex.DecodeString("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
	k, err := sm2.NewPrivateKey(d)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(k.PublicKey.X.FillBytes(make([]byte, 32))); got != "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020" {
		t.Fatalf("public key x = %s", got)
	}
	r, _ := new(big.Int).SetString("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3", 16)
	s, _ := new(big.Int).SetString("B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA", 16)
	sig, _ := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	pub := append([]byte{4}, append(k.PublicKey.X.FillBytes(make([]byte, 32)), k.PublicKey.Y.FillBytes(make([]byte, 32))...)...)
	if !sign.VerifySM2(pub, []byte("message digest"), sig) {
		t.Fatal("the standard's signature does not verify")
	}
	if sign.VerifySM2(pub, []byte("message digesT"), sig) {
		t.Fatal("verifies another message")
	}
}

func write(t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestKeysSignRotateRevoke(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mk sign.MasterKey
		mk[0] = 9
		kr := sign.NewKeyring(mk, ledger.Hook)
		officer := sign.UserOwner("01OFFICER0000000000000000A")
		at := time.Date(2026, 11, 2, 9, 30, 0, 123e6, time.UTC)
		decide := func(opinion string) store.Event {
			var e store.Event
			write(t, db, func(tx *store.Tx) error {
				e = store.Event{ProjectID: "01PROJECT00000000000000000", TaskID: "01TASK", Kind: "approve", ActorID: officer.ID(), ActorName: "张三", ActorRole: "approver",
					From: "30", To: "90", FromLevel: 2, ToLevel: 2, Opinion: opinion, At: at, Data: map[string]any{"item": "XM-ZRGH-002", "dept": "ZRGH"}}
				if err := kr.SignEvent(ctx, tx, officer, &e); err != nil {
					return err
				}
				var err error
				e, err = store.AppendEvent(ctx, tx, e, ledger.Hook)
				return err
			})
			return e
		}
		readBack := func(e store.Event) (store.Event, map[string]sign.KeyInfo) {
			var got store.Event
			var keys map[string]sign.KeyInfo
			if err := db.Read(ctx, func(tx *store.Tx) (err error) {
				if got, err = store.GetEvent(ctx, tx, e.ID); err != nil {
					return err
				}
				s, _, _ := sign.SignatureOf([]byte(got.DataText))
				keys, err = sign.KeysByID(ctx, tx, []string{s.Key})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return got, keys
		}
		e1 := decide("同意。")
		got, keys := readBack(e1)
		v := sign.VerifyEvent(got, []byte(got.DataText), keys)
		if !v.Signed || v.Status != sign.SigValid || v.Owner != officer {
			t.Fatalf("first decision: %+v", v)
		}
		// The content is what the record shows: another opinion, another
		// time, another key: not valid.
		for name, change := range map[string]func(*store.Event){
			"opinion": func(e *store.Event) { e.Opinion = "不同意" },
			"time":    func(e *store.Event) { e.At = e.At.Add(time.Millisecond) },
			"level":   func(e *store.Event) { e.ToLevel = 3 },
			"project": func(e *store.Event) { e.ProjectID = "01OTHER" },
		} {
			c := got
			change(&c)
			if v := sign.VerifyEvent(c, []byte(c.DataText), keys); v.Status != sign.SigInvalid {
				t.Errorf("%s changed: %+v", name, v)
			}
		}
		data := strings.Replace(got.DataText, "XM-ZRGH-002", "XM-ZRGH-003", 1)
		if v := sign.VerifyEvent(got, []byte(data), keys); v.Status != sign.SigInvalid {
			t.Errorf("data changed: %+v", v)
		}
		if v := sign.VerifyEvent(got, []byte(got.DataText), map[string]sign.KeyInfo{}); v.Status != sign.SigKeyUnknown {
			t.Errorf("key unknown: %+v", v)
		}
		// Rotation: the old key still verifies its signature; new
		// decisions use the new key.
		var list []sign.KeyInfo
		write(t, db, func(tx *store.Tx) (err error) {
			_, err = kr.Rotate(ctx, tx, officer, sign.Actor{ID: "sec", Name: "安全管理员", Role: "secadmin"}, "年度轮换", at)
			return err
		})
		e2 := decide("同意，轮换后。")
		got2, keys2 := readBack(e2)
		if v2 := sign.VerifyEvent(got2, []byte(got2.DataText), keys2); v2.Status != sign.SigValid || v2.KeyID == v.KeyID {
			t.Fatalf("after rotation: %+v (old key %s)", v2, v.KeyID)
		}
		got, keys = readBack(e1)
		if v := sign.VerifyEvent(got, []byte(got.DataText), keys); v.Status != sign.SigValid || keys[v.KeyID].State != sign.KeyRetired {
			t.Fatalf("old signature after rotation: %+v %+v", v, keys[v.KeyID])
		}
		// Revocation: the revoked key signs nothing; the next decision gets
		// a new key; revoking twice is a conflict; a reason is required.
		current := sign.VerifyEvent(got2, []byte(got2.DataText), keys2).KeyID
		write(t, db, func(tx *store.Tx) error {
			if _, err := kr.Revoke(ctx, tx, current, sign.Actor{ID: "sec"}, " ", at); !apperr.Is(err, apperr.Invalid) {
				return fmt.Errorf("revoke without reason: %v", err)
			}
			k, err := kr.Revoke(ctx, tx, current, sign.Actor{ID: "sec", Name: "安全管理员", Role: "secadmin"}, "私钥可能泄露", at)
			if err != nil || k.State != sign.KeyRevoked || k.RevokedAt == nil {
				return fmt.Errorf("revoke: %+v %v", k, err)
			}
			return nil
		})
		write(t, db, func(tx *store.Tx) error {
			if _, err := kr.Revoke(ctx, tx, current, sign.Actor{ID: "sec"}, "again", at); !apperr.Is(err, apperr.Conflict) {
				return fmt.Errorf("revoke twice: %v", err)
			}
			return nil
		})
		e3 := decide("同意，吊销后。")
		got3, keys3 := readBack(e3)
		v3 := sign.VerifyEvent(got3, []byte(got3.DataText), keys3)
		if v3.Status != sign.SigValid || v3.KeyID == current {
			t.Fatalf("after revocation, signed with %s (revoked %s): %+v", v3.KeyID, current, v3)
		}
		if err := db.Read(ctx, func(tx *store.Tx) (err error) { list, err = sign.ListKeys(ctx, tx, officer); return err }); err != nil {
			t.Fatal(err)
		}
		var states []string
		for _, k := range list {
			states = append(states, k.State)
		}
		if strings.Join(states, ",") != "active,revoked,retired" || list[0].Signatures != 1 {
			t.Fatalf("keys: %v, %+v", states, list[0])
		}
		// The whole store checks out.
		var rep sign.StoreSignatures
		if err := db.Read(ctx, func(tx *store.Tx) (err error) { rep, err = sign.CheckStore(ctx, tx); return err }); err != nil || rep.Signed != 3 || rep.Keys != 3 {
			t.Fatalf("check store: %+v %v", rep, err)
		}
		// A master key that did not seal the keys opens none.
		var other sign.MasterKey
		other[0] = 10
		kr2 := sign.NewKeyring(other, ledger.Hook)
		err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := kr2.Sign(ctx, tx, officer, []byte("x"), at)
			return err
		})
		if ae := apperr.As(err); ae.Key != "sign.master_key_wrong" {
			t.Fatalf("wrong master key: %v", err)
		}
	})
}

// TestCheckStoreDetectsTampering edits, deletes and reorders signatures and
// key rows directly in each database and expects sign.CheckStore (the
// second half of `tongban ledger verify`) to name the first bad entry.
func TestCheckStoreDetectsTampering(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mk sign.MasterKey
		mk[0] = 3
		kr := sign.NewKeyring(mk, ledger.Hook)
		a, b := sign.UserOwner("01A"), sign.UserOwner("01B")
		at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		var seqs []int64
		for i, o := range []sign.Owner{a, b, a, b} {
			write(t, db, func(tx *store.Tx) error {
				e := store.Event{ProjectID: "P1", TaskID: "T", Kind: "approve", ActorID: o.ID(), ActorName: "官员" + o.ID(), ActorRole: "approver",
					Opinion: fmt.Sprint("意见 ", i), At: at.Add(time.Duration(i) * time.Minute), Data: map[string]any{"i": i}}
				if err := kr.SignEvent(ctx, tx, o, &e); err != nil {
					return err
				}
				e, err := store.AppendEvent(ctx, tx, e, ledger.Hook)
				seqs = append(seqs, e.Seq)
				return err
			})
		}
		write(t, db, func(tx *store.Tx) error {
			_, err := kr.Rotate(ctx, tx, b, sign.SystemActor, "rotate", at)
			return err
		})
		undo := errors.New("undo")
		exec := func(qs ...string) func(*store.Tx) error {
			return func(tx *store.Tx) error {
				for _, q := range qs {
					if _, err := tx.Exec(ctx, q); err != nil {
						return fmt.Errorf("%s: %w", q, err)
					}
				}
				return nil
			}
		}
		sigOf := func(seq int64) string {
			var d string
			if err := db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT data FROM events WHERE seq=?`, seq).Scan(&d)
			}); err != nil {
				t.Fatal(err)
			}
			s, _, _ := sign.SignatureOf([]byte(d))
			return s.Sig
		}
		for _, c := range []struct {
			name, want string
			tamper     func(*store.Tx) error
		}{
			{"untouched", "", exec()},
			{"opinion edited", fmt.Sprintf("event %d (", seqs[2]), exec(fmt.Sprintf(`UPDATE events SET opinion='不同意' WHERE seq=%d`, seqs[2]))},
			{"signatures swapped", fmt.Sprintf("event %d (", seqs[0]), exec(
				fmt.Sprintf(`UPDATE events SET data=REPLACE(data, '%s', '%s') WHERE seq=%d`, sigOf(seqs[0]), sigOf(seqs[2]), seqs[0]))},
			{"key row public key replaced", "its row differs from its key events", func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE signing_keys SET public_key=? WHERE owner=?`, []byte("forged public key"), string(a))
				return err
			}},
			{"revoked key reactivated", "its row differs from its key events", exec(`UPDATE signing_keys SET state='active' WHERE state='retired'`)},
			{"key row deleted", "its row is gone", exec(fmt.Sprintf(`DELETE FROM signing_keys WHERE owner='%s'`, a))},
			{"key event deleted", "its row differs from its key events", exec(fmt.Sprintf(`DELETE FROM events WHERE project_id='%s' AND kind='key.create' AND data LIKE '%%%s%%'`, sign.KeysRecord, a))},
		} {
			err := db.Write(ctx, func(tx *store.Tx) error {
				if err := c.tamper(tx); err != nil {
					return err
				}
				_, err := sign.CheckStore(ctx, tx)
				ae := apperr.As(err)
				switch {
				case c.want == "" && err != nil:
					t.Errorf("%s: %v, want no finding", c.name, err)
				case c.want != "" && (ae.Key != "ledger.tampered" || !strings.Contains(ae.EN, c.want)):
					t.Errorf("%s: %v, want a finding naming %q", c.name, err, c.want)
				}
				return undo
			})
			if !errors.Is(err, undo) {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
	})
}
