package sign_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"testing"

	"github.com/emmansun/gmsm/sm2"
)

// benchMessage is about the size of what the system signs: a decision's
// content or a checkpoint note's text (~300 bytes).
var benchMessage = bytes.Repeat([]byte("tongban/decision/v1 同意。"), 11)[:300]

// BenchmarkSignature measures signing and verifying a 300-byte message in
// one run with SM2 (SM3 over Z_A || M, default user ID, as the system's
// keys sign), Ed25519 and ECDSA P-256 with SHA-256, so that their ratio
// holds on a shared machine even when the absolute figures move. ops/s is
// one goroutine's rate.
func BenchmarkSignature(b *testing.B) {
	smKey, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	edPub := edKey.Public().(ed25519.PublicKey)
	for _, alg := range []struct {
		name   string
		sign   func() ([]byte, error)
		verify func(sig []byte) bool
	}{
		{"SM2-SM3",
			func() ([]byte, error) { return smKey.Sign(rand.Reader, benchMessage, sm2.DefaultSM2SignerOpts) },
			func(sig []byte) bool { return sm2.VerifyASN1WithSM2(&smKey.PublicKey, nil, benchMessage, sig) }},
		{"Ed25519",
			func() ([]byte, error) { return ed25519.Sign(edKey, benchMessage), nil },
			func(sig []byte) bool { return ed25519.Verify(edPub, benchMessage, sig) }},
		{"ECDSA-P256-SHA256",
			func() ([]byte, error) {
				d := sha256.Sum256(benchMessage)
				return ecKey.Sign(rand.Reader, d[:], crypto.SHA256)
			},
			func(sig []byte) bool {
				d := sha256.Sum256(benchMessage)
				return ecdsa.VerifyASN1(&ecKey.PublicKey, d[:], sig)
			}},
	} {
		sig, err := alg.sign()
		if err != nil || !alg.verify(sig) {
			b.Fatalf("%s: the signature does not verify (%v)", alg.name, err)
		}
		b.Run(alg.name+"/sign", func(b *testing.B) {
			for b.Loop() {
				if _, err := alg.sign(); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b)
		})
		b.Run(alg.name+"/verify", func(b *testing.B) {
			for b.Loop() {
				if !alg.verify(sig) {
					b.Fatal("signature does not verify")
				}
			}
			reportRate(b)
		})
	}
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}
