package ledger

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// Signature type identifiers of C2SP signed-note key IDs:
//
//	key ID = SHA-256(key name || 0x0A || type || public key)[:4]
//
// Ed25519 is the spec's 0x01. SM2 has no assigned byte, so it uses 0xff
// (reserved for unassigned types) followed by the identifier SM2Algorithm;
// its public key is the 65-byte uncompressed point 0x04 || X || Y.
const (
	Ed25519Type  byte = 0x01
	SM2Type      byte = 0xff
	SM2Algorithm      = "tongban/sm2-sm3"
)

// Checkpoint is a C2SP tlog-checkpoint: the log's origin, a tree size and
// the root of the tree of that size, plus optional extension lines.
type Checkpoint struct {
	Origin     string
	Size       uint64
	Root       []byte
	Extensions []string // each one line, without its newline
}

// Text returns the checkpoint body, the text that is signed:
//
//	<origin>\n<size in decimal>\n<base64 root>\n[<extension>\n]...
func (c Checkpoint) Text() ([]byte, error) {
	if c.Origin == "" || !isPrintableLine(c.Origin) {
		return nil, badCheckpoint("origin is empty or not a printable line")
	}
	if len(c.Root) != HashSize {
		return nil, badCheckpoint(fmt.Sprintf("root of %d bytes, want %d", len(c.Root), HashSize))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root))
	for _, e := range c.Extensions {
		if e == "" || !isPrintableLine(e) {
			return nil, badCheckpoint("extension line is empty or not a printable line")
		}
		b.WriteString(e + "\n")
	}
	return b.Bytes(), nil
}

// ParseCheckpoint parses a checkpoint body (a note's text), strictly: size
// in decimal without leading zeros, root in padded standard base64 of
// exactly HashSize bytes, no empty extension line.
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	s := string(text)
	if !strings.HasSuffix(s, "\n") || !utf8.ValidString(s) {
		return Checkpoint{}, badCheckpoint("text is not UTF-8 lines ending in a newline")
	}
	lines := strings.Split(s[:len(s)-1], "\n")
	if len(lines) < 3 {
		return Checkpoint{}, badCheckpoint("fewer than three lines (origin, size, root)")
	}
	c := Checkpoint{Origin: lines[0]}
	if c.Origin == "" || !isPrintableLine(c.Origin) {
		return Checkpoint{}, badCheckpoint("origin line is empty or not printable")
	}
	sz := lines[1]
	n, err := strconv.ParseUint(sz, 10, 64)
	if err != nil || (len(sz) > 1 && sz[0] == '0') {
		return Checkpoint{}, badCheckpoint(fmt.Sprintf("size %q is not a decimal number", sz))
	}
	c.Size = n
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != HashSize {
		return Checkpoint{}, badCheckpoint(fmt.Sprintf("root %q is not the base64 of a %d-byte hash", lines[2], HashSize))
	}
	c.Root = root
	for _, e := range lines[3:] {
		if e == "" || !isPrintableLine(e) {
			return Checkpoint{}, badCheckpoint("extension line is empty or not printable")
		}
		c.Extensions = append(c.Extensions, e)
	}
	return c, nil
}

// Sign returns the checkpoint as a signed note (C2SP signed-note) with one
// signature line per signer, in order: typically the system's SM2 key and
// its Ed25519 key (NewSM2Signer, NewEd25519Signer).
func Sign(c Checkpoint, signers ...note.Signer) ([]byte, error) {
	if len(signers) == 0 {
		return nil, apperr.New(apperr.Invalid, "ledger.no_signer", "签署检查点需要至少一个密钥", "signing a checkpoint needs at least one key")
	}
	text, err := c.Text()
	if err != nil {
		return nil, err
	}
	msg, err := note.Sign(&note.Note{Text: string(text)}, signers...)
	if err != nil {
		return nil, apperr.Wrap(err, "sign checkpoint")
	}
	return msg, nil
}

// Verify opens a signed checkpoint note. It succeeds only if every
// signature by a key in verifiers is valid, every one of verifiers signed
// (a note without the SM2 signature fails when the SM2 verifier is given,
// even if its Ed25519 one is good), the body is a well-formed checkpoint
// and, when origin is not empty, the checkpoint's origin is origin.
// Signatures by other keys are ignored, as the signed-note spec requires.
func Verify(msg []byte, origin string, verifiers ...note.Verifier) (Checkpoint, error) {
	if len(verifiers) == 0 {
		return Checkpoint{}, apperr.New(apperr.Invalid, "ledger.no_verifier", "校验检查点需要至少一个公钥", "verifying a checkpoint needs at least one public key")
	}
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	if err != nil {
		var bad *note.InvalidSignatureError
		var unverified *note.UnverifiedNoteError
		switch {
		case errors.As(err, &bad):
			return Checkpoint{}, badSignature(fmt.Sprintf("%s+%08x", bad.Name, bad.Hash), err)
		case errors.As(err, &unverified):
			e := apperr.New(apperr.Invalid, "ledger.checkpoint_untrusted", "检查点没有受信任密钥的签名", "the checkpoint carries no signature by a trusted key")
			e.Err = err
			return Checkpoint{}, e
		}
		e := apperr.New(apperr.Invalid, "ledger.bad_checkpoint", "检查点格式有误（不是签名的 note）", "the checkpoint is malformed (not a signed note)")
		e.Err = err
		return Checkpoint{}, e
	}
	for _, v := range verifiers {
		signed := false
		for _, s := range n.Sigs {
			signed = signed || (s.Name == v.Name() && s.Hash == v.KeyHash())
		}
		if !signed {
			return Checkpoint{}, apperr.Newf(apperr.Invalid, "ledger.checkpoint_unsigned", "检查点缺少密钥 %s 的签名", "the checkpoint lacks the signature of key %s", fmt.Sprintf("%s+%08x", v.Name(), v.KeyHash()))
		}
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, err
	}
	if origin != "" && c.Origin != origin {
		return Checkpoint{}, apperr.Newf(apperr.Invalid, "ledger.checkpoint_origin", "检查点来自 %q，而不是 %q", "the checkpoint is from %q, not %q", c.Origin, origin)
	}
	return c, nil
}

func badCheckpoint(detail string) error {
	return apperr.Newf(apperr.Invalid, "ledger.bad_checkpoint", "检查点格式有误：%s", "the checkpoint is malformed: %s", detail)
}

func badSignature(key string, cause error) error {
	e := apperr.Newf(apperr.Invalid, "ledger.checkpoint_bad_signature", "检查点上密钥 %s 的签名无效（内容或签名被改动）", "the checkpoint's signature by key %s does not verify (text or signature altered)", key)
	e.Err = cause
	return e
}

// KeyID computes a signed-note key ID: the first four bytes, big-endian,
// of SHA-256(name || 0x0A || sigType || pub), where sigType is the type
// byte followed by any identifier the type requires.
func KeyID(name string, sigType, pub []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n'})
	h.Write(sigType)
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

func sm2TypeBytes() []byte { return append([]byte{SM2Type}, SM2Algorithm...) }

// validName is the signed-note rule for key names: not empty, UTF-8, no
// Unicode space and no '+'.
func validName(name string) bool {
	return name != "" && utf8.ValidString(name) && !strings.ContainsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || r == '+' || r < 0x20
	})
}

func badKey(what string) error {
	return apperr.Newf(apperr.Invalid, "ledger.bad_key", "密钥有误：%s", "bad key: %s", what)
}

// signer is a note.Signer over a crypto.Signer.
type signer struct {
	name string
	hash uint32
	sign func(msg []byte) ([]byte, error)
}

func (s *signer) Name() string                    { return s.name }
func (s *signer) KeyHash() uint32                 { return s.hash }
func (s *signer) Sign(msg []byte) ([]byte, error) { return s.sign(msg) }

// NewEd25519Signer returns a note signer for an Ed25519 key (an
// ed25519.PrivateKey, or any crypto.Signer whose public key is an
// ed25519.PublicKey, such as a key in a hardware module). Its signatures
// verify with the plain golang.org/x/mod/sumdb/note verifier of the key.
func NewEd25519Signer(name string, key crypto.Signer) (note.Signer, error) {
	if !validName(name) {
		return nil, badKey(fmt.Sprintf("name %q is empty or contains a space or '+'", name))
	}
	pub, ok := key.Public().(ed25519.PublicKey)
	if !ok || len(pub) != ed25519.PublicKeySize {
		return nil, badKey("not an Ed25519 key")
	}
	return &signer{
		name: name,
		hash: KeyID(name, []byte{Ed25519Type}, pub),
		sign: func(msg []byte) ([]byte, error) { return key.Sign(rand.Reader, msg, crypto.Hash(0)) },
	}, nil
}

// NewEd25519Verifier returns the standard note verifier for an Ed25519
// public key: the one golang.org/x/mod/sumdb/note itself builds.
func NewEd25519Verifier(name string, pub ed25519.PublicKey) (note.Verifier, error) {
	vkey, err := note.NewEd25519VerifierKey(name, pub)
	if err != nil {
		return nil, badKey(err.Error())
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, badKey(err.Error())
	}
	return v, nil
}

// NewSM2Signer returns a note signer for an SM2 key: an *sm2.PrivateKey,
// or any crypto.Signer with an SM2 public key that honours
// sm2.DefaultSM2SignerOpts (sign the raw message: SM3 over Z_A || M with
// the default user ID "1234567812345678", GB/T 32918.2 and GB/T 35276).
// Signatures are DER-encoded SEQUENCE { r, s }.
func NewSM2Signer(name string, key crypto.Signer) (note.Signer, error) {
	if !validName(name) {
		return nil, badKey(fmt.Sprintf("name %q is empty or contains a space or '+'", name))
	}
	pub, ok := key.Public().(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, badKey("not an SM2 key")
	}
	raw, err := sm2PublicBytes(pub)
	if err != nil {
		return nil, err
	}
	return &signer{
		name: name,
		hash: KeyID(name, sm2TypeBytes(), raw),
		sign: func(msg []byte) ([]byte, error) { return key.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts) },
	}, nil
}

// sm2Verifier is a note.Verifier for an SM2 public key.
type sm2Verifier struct {
	name string
	hash uint32
	pub  *ecdsa.PublicKey
}

func (v *sm2Verifier) Name() string    { return v.name }
func (v *sm2Verifier) KeyHash() uint32 { return v.hash }
func (v *sm2Verifier) Verify(msg, sig []byte) bool {
	return sm2.VerifyASN1WithSM2(v.pub, nil, msg, sig)
}

// NewSM2Verifier returns a note verifier for an SM2 public key.
func NewSM2Verifier(name string, pub *ecdsa.PublicKey) (note.Verifier, error) {
	if !validName(name) {
		return nil, badKey(fmt.Sprintf("name %q is empty or contains a space or '+'", name))
	}
	if pub == nil || !sm2.IsSM2PublicKey(pub) {
		return nil, badKey("not an SM2 public key")
	}
	raw, err := sm2PublicBytes(pub)
	if err != nil {
		return nil, err
	}
	return &sm2Verifier{name: name, hash: KeyID(name, sm2TypeBytes(), raw), pub: pub}, nil
}

func sm2PublicBytes(pub *ecdsa.PublicKey) ([]byte, error) {
	k, err := sm2.PublicKeyToECDH(pub)
	if err != nil {
		return nil, badKey("SM2 public key is not on the curve")
	}
	return k.Bytes(), nil
}

// SM2VerifierKey returns the text form of an SM2 verifier key, in the form
// golang.org/x/mod/sumdb/note uses for Ed25519 keys:
//
//	<name>+<key ID, 8 hex digits>+<base64(type || public key)>
//
// For SM2 the type is 0xff || "tongban/sm2-sm3" and the public key the
// uncompressed point. NewVerifier reads both kinds back.
func SM2VerifierKey(name string, pub *ecdsa.PublicKey) (string, error) {
	v, err := NewSM2Verifier(name, pub)
	if err != nil {
		return "", err
	}
	raw, _ := sm2PublicBytes(pub) // checked by NewSM2Verifier
	return fmt.Sprintf("%s+%08x+%s", name, v.KeyHash(), base64.StdEncoding.EncodeToString(append(sm2TypeBytes(), raw...))), nil
}

// NewVerifier parses a verifier key in text form: an Ed25519 key as
// golang.org/x/mod/sumdb/note writes it, or an SM2 key as SM2VerifierKey
// writes it. The key ID in the text must match the key.
func NewVerifier(vkey string) (note.Verifier, error) {
	name, rest, ok1 := strings.Cut(vkey, "+")
	hash16, key64, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 {
		return nil, badKey("verifier key is not name+id+key")
	}
	key, err := base64.StdEncoding.DecodeString(key64)
	if err != nil || len(key) == 0 {
		return nil, badKey("verifier key is not base64")
	}
	if key[0] == Ed25519Type {
		v, err := note.NewVerifier(vkey)
		if err != nil {
			return nil, badKey(err.Error())
		}
		return v, nil
	}
	t := sm2TypeBytes()
	if !bytes.HasPrefix(key, t) {
		return nil, badKey(fmt.Sprintf("unknown signature type 0x%02x", key[0]))
	}
	pub, err := sm2.ParseUncompressedPublicKey(key[len(t):])
	if err != nil {
		return nil, badKey("SM2 public key is not an uncompressed point on the curve")
	}
	v, err := NewSM2Verifier(name, pub)
	if err != nil {
		return nil, err
	}
	if want := fmt.Sprintf("%08x", v.KeyHash()); hash16 != want {
		return nil, badKey(fmt.Sprintf("key ID %s does not match the key (%s)", hash16, want))
	}
	return v, nil
}

// SaveCheckpoint stores a signed checkpoint note (as Sign made it) for
// c.Size; a second note for the same size is an apperr.Conflict. The
// caller checks that c matches the tree (RootAt) before signing.
func SaveCheckpoint(ctx context.Context, tx *store.Tx, c Checkpoint, signed []byte) error {
	_, err := tx.Exec(ctx, `INSERT INTO ledger_checkpoints (tree_size, root, note, created_at) VALUES (?,?,?,?)`,
		int64(c.Size), c.Root, string(signed), tx.Now().UTC().UnixMilli())
	return err
}

// LatestCheckpoint returns the signed note of the largest stored
// checkpoint: apperr.NotFound when none has been stored yet.
func LatestCheckpoint(ctx context.Context, tx *store.Tx) ([]byte, error) {
	var n string
	err := tx.QueryRow(ctx, `SELECT note FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1`).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "ledger.no_checkpoint", "账本尚无检查点", "the ledger has no checkpoint yet")
	}
	if err != nil {
		return nil, store.MapError(tx.Dialect(), err)
	}
	return []byte(n), nil
}
