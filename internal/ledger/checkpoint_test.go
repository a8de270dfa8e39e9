package ledger_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ledger"
)

const testOrigin = "tongban.example/ledger"

type keys struct {
	sm2Key *sm2.PrivateKey
	edKey  ed25519.PrivateKey
}

func newKeys(t testing.TB) keys {
	t.Helper()
	sk, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ek, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return keys{sk, ek}
}

func (k keys) signers(t testing.TB) []note.Signer {
	t.Helper()
	s1, err := ledger.NewSM2Signer(testOrigin+"/sm2", k.sm2Key)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := ledger.NewEd25519Signer(testOrigin+"/ed25519", k.edKey)
	if err != nil {
		t.Fatal(err)
	}
	return []note.Signer{s1, s2}
}

func (k keys) verifiers(t testing.TB) []note.Verifier {
	t.Helper()
	v1, err := ledger.NewSM2Verifier(testOrigin+"/sm2", &k.sm2Key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := ledger.NewEd25519Verifier(testOrigin+"/ed25519", k.edKey.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return []note.Verifier{v1, v2}
}

func testKeys(t testing.TB) ([]note.Signer, []note.Verifier) {
	k := newKeys(t)
	return k.signers(t), k.verifiers(t)
}

func testCheckpoint() ledger.Checkpoint {
	return ledger.Checkpoint{Origin: testOrigin, Size: 12345, Root: ledger.Hasher{}.HashLeaf([]byte("root"))}
}

func wantKey(t *testing.T, what string, err error, key string) {
	t.Helper()
	ae := apperr.As(err)
	if err == nil || ae.Key != key || ae.ZH == "" || ae.EN == "" {
		t.Errorf("%s: err = %v, want key %s with zh and en messages", what, err, key)
	}
}

func TestSignVerify(t *testing.T) {
	k := newKeys(t)
	signers, verifiers := k.signers(t), k.verifiers(t)
	c := testCheckpoint()
	c.Extensions = []string{"extra line"}
	msg, err := ledger.Sign(c, signers...)
	if err != nil {
		t.Fatal(err)
	}
	text, sigs, _ := strings.Cut(string(msg), "\n\n")
	if want := fmt.Sprintf("%s\n12345\n%s\nextra line", testOrigin, base64.StdEncoding.EncodeToString(c.Root)); text != want {
		t.Errorf("note text = %q, want %q", text, want)
	}
	if lines := strings.Split(strings.TrimSuffix(sigs, "\n"), "\n"); len(lines) != 2 ||
		!strings.HasPrefix(lines[0], "— "+testOrigin+"/sm2 ") || !strings.HasPrefix(lines[1], "— "+testOrigin+"/ed25519 ") {
		t.Errorf("signature lines = %q", lines)
	}
	got, err := ledger.Verify(msg, testOrigin, verifiers...)
	if err != nil {
		t.Fatal(err)
	}
	if got.Origin != c.Origin || got.Size != c.Size || !bytes.Equal(got.Root, c.Root) || len(got.Extensions) != 1 || got.Extensions[0] != "extra line" {
		t.Errorf("Verify = %+v, want %+v", got, c)
	}
	// Either key alone is enough when it is the only one asked for.
	for _, v := range verifiers {
		if _, err := ledger.Verify(msg, "", v); err != nil {
			t.Errorf("Verify with %s alone: %v", v.Name(), err)
		}
	}
}

// TestStandardToolingVerifiesEd25519 opens the doubly signed note with
// nothing but golang.org/x/mod/sumdb/note and the Ed25519 public key: the
// Ed25519 signature verifies and the SM2 one is set aside as unknown.
func TestStandardToolingVerifiesEd25519(t *testing.T) {
	k := newKeys(t)
	msg, err := ledger.Sign(testCheckpoint(), k.signers(t)...)
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := note.NewEd25519VerifierKey(testOrigin+"/ed25519", k.edKey.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		t.Fatalf("x/mod note.Open: %v", err)
	}
	if len(n.Sigs) != 1 || n.Sigs[0].Name != testOrigin+"/ed25519" || len(n.UnverifiedSigs) != 1 || n.UnverifiedSigs[0].Name != testOrigin+"/sm2" {
		t.Errorf("verified %+v, unverified %+v", n.Sigs, n.UnverifiedSigs)
	}
	// And the text form of our verifier keys reads back.
	if v2, err := ledger.NewVerifier(vkey); err != nil || v2.KeyHash() != v.KeyHash() {
		t.Errorf("NewVerifier(ed25519 key) = %v, %v", v2, err)
	}
}

// TestSM2Signature checks the SM2 line against the conventions an outside
// verifier relies on: key ID from 0xff || "tongban/sm2-sm3" || 04||X||Y,
// a DER signature over the note text with SM3 and user ID
// "1234567812345678".
func TestSM2Signature(t *testing.T) {
	k := newKeys(t)
	name := testOrigin + "/sm2"
	msg, err := ledger.Sign(testCheckpoint(), k.signers(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	text, sigLine, _ := strings.Cut(string(msg), "\n\n")
	text += "\n"
	b64, ok := strings.CutPrefix(strings.TrimSuffix(sigLine, "\n"), "— "+name+" ")
	if !ok {
		t.Fatalf("signature line %q", sigLine)
	}
	sig, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := sm2.PublicKeyToECDH(&k.sm2Key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(append([]byte(name+"\n\xfftongban/sm2-sm3"), pub.Bytes()...))
	if got, want := binary.BigEndian.Uint32(sig[:4]), binary.BigEndian.Uint32(h[:4]); got != want {
		t.Errorf("key ID %08x, want %08x", got, want)
	}
	if !sm2.VerifyASN1WithSM2(&k.sm2Key.PublicKey, []byte("1234567812345678"), []byte(text), sig[4:]) {
		t.Error("the SM2 signature does not verify with the standard user ID")
	}
	vkey, err := ledger.SM2VerifierKey(name, &k.sm2Key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ledger.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Verify(msg, testOrigin, v); err != nil {
		t.Errorf("Verify with the parsed SM2 key: %v", err)
	}
	// A key ID that does not match the key is refused.
	i := strings.Index(vkey, "+")
	bad := vkey[:i+1] + "00000000" + vkey[i+9:]
	_, err = ledger.NewVerifier(bad)
	wantKey(t, "wrong key ID", err, "ledger.bad_key")
}

func TestVerifyRejects(t *testing.T) {
	k := newKeys(t)
	signers, verifiers := k.signers(t), k.verifiers(t)
	c := testCheckpoint()
	msg, err := ledger.Sign(c, signers...)
	if err != nil {
		t.Fatal(err)
	}
	s := string(msg)
	otherRoot := base64.StdEncoding.EncodeToString(ledger.Hasher{}.HashLeaf([]byte("other")))
	flip := func(line int) string { // change one base64 character of a signature line
		lines := strings.Split(s, "\n")
		sig := []byte(lines[line])
		j := len(sig) - 10
		if sig[j] == 'A' {
			sig[j] = 'B'
		} else {
			sig[j] = 'A'
		}
		lines[line] = string(sig)
		return strings.Join(lines, "\n")
	}
	onlyEd, _ := ledger.Sign(c, signers[1])
	other := newKeys(t)
	for _, tc := range []struct {
		name, msg, origin string
		verifiers         []note.Verifier
		key               string
	}{
		{"size changed", strings.Replace(s, "\n12345\n", "\n12346\n", 1), testOrigin, verifiers, "ledger.checkpoint_bad_signature"},
		{"root changed", strings.Replace(s, base64.StdEncoding.EncodeToString(c.Root), otherRoot, 1), testOrigin, verifiers, "ledger.checkpoint_bad_signature"},
		{"origin changed", strings.Replace(s, testOrigin+"\n", "evil.example/log\n", 1), "", verifiers, "ledger.checkpoint_bad_signature"},
		{"SM2 signature altered", flip(4), testOrigin, verifiers, "ledger.checkpoint_bad_signature"},
		{"Ed25519 signature altered", flip(5), testOrigin, verifiers, "ledger.checkpoint_bad_signature"},
		{"unknown keys", s, testOrigin, other.verifiers(t), "ledger.checkpoint_untrusted"},
		{"SM2 signature missing", string(onlyEd), testOrigin, verifiers, "ledger.checkpoint_unsigned"},
		{"other origin", s, "another.example/log", verifiers, "ledger.checkpoint_origin"},
		{"not a note", "hello", testOrigin, verifiers, "ledger.bad_checkpoint"},
		{"no verifier", s, testOrigin, nil, "ledger.no_verifier"},
	} {
		_, err := ledger.Verify([]byte(tc.msg), tc.origin, tc.verifiers...)
		wantKey(t, tc.name, err, tc.key)
	}
	// The error names the key whose signature failed.
	_, err = ledger.Verify([]byte(flip(4)), testOrigin, verifiers...)
	if ae := apperr.As(err); !strings.Contains(ae.EN, testOrigin+"/sm2+") {
		t.Errorf("altered SM2 signature: %q does not name the key", ae.EN)
	}
	// A well-signed note whose text is not a checkpoint.
	sk, vk, _ := note.GenerateKey(rand.Reader, "plain")
	ps, _ := note.NewSigner(sk)
	pv, _ := note.NewVerifier(vk)
	plain, _ := note.Sign(&note.Note{Text: "just text\n"}, ps)
	_, err = ledger.Verify(plain, "", pv)
	wantKey(t, "signed non-checkpoint", err, "ledger.bad_checkpoint")
}

func TestSignRejects(t *testing.T) {
	signers, _ := testKeys(t)
	for name, c := range map[string]ledger.Checkpoint{
		"empty origin":     {Size: 1, Root: make([]byte, 32)},
		"origin newline":   {Origin: "a\nb", Size: 1, Root: make([]byte, 32)},
		"short root":       {Origin: "o", Size: 1, Root: make([]byte, 20)},
		"empty extension":  {Origin: "o", Size: 1, Root: make([]byte, 32), Extensions: []string{""}},
		"control in extra": {Origin: "o", Size: 1, Root: make([]byte, 32), Extensions: []string{"a\tb"}},
	} {
		_, err := ledger.Sign(c, signers...)
		wantKey(t, name, err, "ledger.bad_checkpoint")
	}
	_, err := ledger.Sign(testCheckpoint())
	wantKey(t, "no signer", err, "ledger.no_signer")
	k := newKeys(t)
	for name, err := range map[string]error{
		"SM2 signer, Ed25519 key": second(ledger.NewSM2Signer("n", k.edKey)),
		"Ed25519 signer, SM2 key": second(ledger.NewEd25519Signer("n", k.sm2Key)),
		"name with space":         second(ledger.NewSM2Signer("a b", k.sm2Key)),
		"name with plus":          second(ledger.NewEd25519Signer("a+b", k.edKey)),
		"empty name":              second(ledger.NewSM2Verifier("", &k.sm2Key.PublicKey)),
		"verifier key garbage":    second(ledger.NewVerifier("x+y")),
		"verifier key bad type":   second(ledger.NewVerifier("n+00000000+" + base64.StdEncoding.EncodeToString([]byte{9, 1, 2}))),
	} {
		wantKey(t, name, err, "ledger.bad_key")
	}
}

func second[T any](_ T, err error) error { return err }

func TestParseCheckpoint(t *testing.T) {
	root := base64.StdEncoding.EncodeToString(make([]byte, 32))
	good := "o\n0\n" + root + "\n"
	if c, err := ledger.ParseCheckpoint([]byte(good)); err != nil || c.Size != 0 || c.Origin != "o" {
		t.Errorf("ParseCheckpoint(%q) = %+v, %v", good, c, err)
	}
	for _, bad := range []string{
		"o\n1\n" + root,                                // no final newline
		"o\n1\n",                                       // no root
		"\n1\n" + root + "\n",                          // empty origin
		"o\n01\n" + root + "\n",                        // leading zero
		"o\n-1\n" + root + "\n",                        // negative
		"o\n+1\n" + root + "\n",                        // sign
		"o\n1 \n" + root + "\n",                        // space
		"o\n18446744073709551616\n" + root + "\n",      // overflow
		"o\n1\n" + root[:40] + "\n",                    // short root
		"o\n1\n" + strings.TrimRight(root, "=") + "\n", // unpadded
		"o\n1\n" + root + "\n\n",                       // empty extension
		"o\x01\n1\n" + root + "\n",                     // control character
	} {
		_, err := ledger.ParseCheckpoint([]byte(bad))
		wantKey(t, fmt.Sprintf("%q", bad), err, "ledger.bad_checkpoint")
	}
}

func FuzzParseCheckpoint(f *testing.F) {
	root := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for _, s := range []string{"o\n0\n" + root + "\n", "o\n12\n" + root + "\next\n", "o\n01\n" + root + "\n", "\n\n\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ledger.ParseCheckpoint(in)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != apperr.Invalid {
				t.Fatalf("error %v is not apperr.Invalid", err)
			}
			return
		}
		// Parsing is strict: what parses prints back unchanged.
		out, err := c.Text()
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("ParseCheckpoint(%q) → Text() = %q, %v", in, out, err)
		}
	})
}
