package ledger

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/hex"
	"errors"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// SM2KeySuffix is appended to the origin to name the SM2 key; the Ed25519
// key is named by the origin itself, as signed-note logs usually do.
const SM2KeySuffix = "/sm2"

// PublicKey describes one of the keys that sign checkpoints.
type PublicKey struct {
	Name        string `json:"name" doc:"Key name in the signed note"`
	Algorithm   string `json:"algorithm" enum:"sm2,ed25519"`
	KeyID       string `json:"key_id" doc:"Signed-note key ID, 8 hex digits"`
	VerifierKey string `json:"verifier_key" doc:"name+keyid+base64(type || public key), as golang.org/x/mod/sumdb/note writes verifier keys"`
	PublicKey   string `json:"public_key" doc:"Hex: SM2 uncompressed point 04||X||Y, or the 32-byte Ed25519 key"`
}

// Notary signs checkpoints of the tree for one origin with the system's
// SM2 key and its Ed25519 key (docs/ledger.md section 5).
type Notary struct {
	origin    string
	signers   []note.Signer
	verifiers []note.Verifier
	keys      []PublicKey
}

// NewNotary returns the notary of origin; edKey may be a nil key only in
// tests that want SM2 alone (never in the server).
func NewNotary(origin string, sm2Key *sm2.PrivateKey, edKey ed25519.PrivateKey) (*Notary, error) {
	n := &Notary{origin: origin}
	if sm2Key != nil {
		s, err := NewSM2Signer(origin+SM2KeySuffix, sm2Key)
		if err != nil {
			return nil, err
		}
		n.signers = append(n.signers, s)
	}
	if edKey != nil {
		s, err := NewEd25519Signer(origin, edKey)
		if err != nil {
			return nil, err
		}
		n.signers = append(n.signers, s)
	}
	var sm2Pub *ecdsa.PublicKey
	if sm2Key != nil {
		sm2Pub = &sm2Key.PublicKey
	}
	var edPub ed25519.PublicKey
	if edKey != nil {
		edPub = edKey.Public().(ed25519.PublicKey)
	}
	var err error
	if n.verifiers, n.keys, err = PublicKeys(origin, sm2Pub, edPub); err != nil {
		return nil, err
	}
	if len(n.signers) == 0 {
		return nil, badKey("a notary needs at least one key")
	}
	return n, nil
}

// PublicKeys returns the verifiers and descriptions of the checkpoint keys
// of origin (either key may be nil): the SM2 key first.
func PublicKeys(origin string, sm2Pub *ecdsa.PublicKey, edPub ed25519.PublicKey) ([]note.Verifier, []PublicKey, error) {
	var vs []note.Verifier
	var ks []PublicKey
	if sm2Pub != nil {
		name := origin + SM2KeySuffix
		vkey, err := SM2VerifierKey(name, sm2Pub)
		if err != nil {
			return nil, nil, err
		}
		v, err := NewVerifier(vkey)
		if err != nil {
			return nil, nil, err
		}
		raw, _ := sm2PublicBytes(sm2Pub) // checked by SM2VerifierKey
		vs = append(vs, v)
		ks = append(ks, PublicKey{Name: name, Algorithm: "sm2", KeyID: hexID(v.KeyHash()), VerifierKey: vkey, PublicKey: hex.EncodeToString(raw)})
	}
	if edPub != nil {
		vkey, err := note.NewEd25519VerifierKey(origin, edPub)
		if err != nil {
			return nil, nil, badKey(err.Error())
		}
		v, err := NewVerifier(vkey)
		if err != nil {
			return nil, nil, err
		}
		vs = append(vs, v)
		ks = append(ks, PublicKey{Name: origin, Algorithm: "ed25519", KeyID: hexID(v.KeyHash()), VerifierKey: vkey, PublicKey: hex.EncodeToString(edPub)})
	}
	return vs, ks, nil
}

func hexID(h uint32) string {
	return hex.EncodeToString([]byte{byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h)})
}

// Origin is the log's name, the first line of its checkpoints.
func (n *Notary) Origin() string { return n.origin }

// Keys describes the public keys, SM2 first.
func (n *Notary) Keys() []PublicKey { return append([]PublicKey(nil), n.keys...) }

// Verifiers returns verifiers of the notary's own keys.
func (n *Notary) Verifiers() []note.Verifier { return append([]note.Verifier(nil), n.verifiers...) }

// SignedCheckpoint is a stored checkpoint: the parsed body and the note.
type SignedCheckpoint struct {
	Checkpoint
	Note []byte
}

// Checkpoint signs and stores a checkpoint of the tree as of tx if the tree
// grew since the latest stored one (or none is stored yet), and returns
// the latest checkpoint and whether it is new. It reads the head without
// locking it: appenders do not wait for it. Two notaries racing on one
// size store one note; the other's call returns it.
func (n *Notary) Checkpoint(ctx context.Context, tx *store.Tx) (SignedCheckpoint, bool, error) {
	latest, err := Latest(ctx, tx)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return SignedCheckpoint{}, false, err
	}
	h, err := ReadHead(ctx, tx)
	if err != nil {
		return SignedCheckpoint{}, false, err
	}
	if latest.Note != nil && h.Size <= latest.Size {
		return latest, false, nil
	}
	c := Checkpoint{Origin: n.origin, Size: h.Size, Root: h.Root}
	signed, err := Sign(c, n.signers...)
	if err != nil {
		return SignedCheckpoint{}, false, err
	}
	ok, err := tx.InsertIgnore(ctx, "ledger_checkpoints", []string{"tree_size", "root", "note", "created_at"},
		[]any{int64(c.Size), c.Root, string(signed), tx.Now().UTC().UnixMilli()}, []string{"tree_size"})
	if err != nil {
		return SignedCheckpoint{}, false, err
	}
	if !ok {
		latest, err := Latest(ctx, tx)
		return latest, false, err
	}
	return SignedCheckpoint{Checkpoint: c, Note: signed}, true, nil
}

// Latest returns the stored checkpoint of the largest size, parsed (not
// verified: the caller verifies with the keys it trusts): apperr.NotFound
// when none is stored.
func Latest(ctx context.Context, tx *store.Tx) (SignedCheckpoint, error) {
	msg, err := LatestCheckpoint(ctx, tx)
	if err != nil {
		return SignedCheckpoint{}, err
	}
	c, err := parseNote(msg)
	if err != nil {
		return SignedCheckpoint{}, corrupt(err)
	}
	return SignedCheckpoint{Checkpoint: c, Note: msg}, nil
}

// parseNote parses a signed note's checkpoint body without checking its
// signatures.
func parseNote(msg []byte) (Checkpoint, error) {
	text, _, ok := cutNote(msg)
	if !ok {
		return Checkpoint{}, errors.New("not a signed note")
	}
	return ParseCheckpoint(text)
}

// cutNote splits a signed note into its text (with its final newline) and
// its signature lines.
func cutNote(msg []byte) (text, sigs []byte, ok bool) {
	s := string(msg)
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '\n' && s[i+1] == '\n' {
			return msg[:i+1], msg[i+2:], true
		}
	}
	return nil, nil, false
}
