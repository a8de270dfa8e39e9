// Package sign holds the system's keys and what protects them. Today: the
// master key (from a file or the environment, or generated on first start)
// and the system's key pairs, SM2 and Ed25519, which sign the ledger's
// checkpoints. Their private keys are stored only sealed with SM4-GCM under
// the master key; the master key itself is never stored in the database.
//
// Officers' and departments' keys, signed decisions and certificates
// (issue 4, parts 2–4) belong here too and are not written yet.
package sign

import (
	"crypto/cipher"
	"crypto/rand"
	"errors"

	"github.com/emmansun/gmsm/sm4"

	"github.com/tongban/tongban/internal/apperr"
)

// MasterKeySize is the size of the master key: one SM4 key (128 bits).
const MasterKeySize = 16

// MasterKey is the key that seals private keys at rest (SM4-GCM).
type MasterKey [MasterKeySize]byte

// sealVersion starts every sealed blob: the layout is
//
//	0x01 || nonce (12 bytes) || SM4-GCM ciphertext || tag (16 bytes)
const sealVersion = 0x01

const nonceSize = 12

// Seal encrypts plaintext with SM4-GCM under the master key, binding it to
// aad (authenticated, not encrypted): a sealed blob opens only with the
// same aad, so one cannot be moved to another key's row.
func (m MasterKey) Seal(plaintext, aad []byte) ([]byte, error) {
	aead, err := m.aead()
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+nonceSize, 1+nonceSize+len(plaintext)+aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1 : 1+nonceSize]); err != nil {
		return nil, apperr.Wrap(err, "seal: nonce")
	}
	return aead.Seal(out, out[1:1+nonceSize], plaintext, aad), nil
}

// Open decrypts a blob made by Seal with the same aad. A wrong master key
// and an altered blob look the same: errOpen.
func (m MasterKey) Open(sealed, aad []byte) ([]byte, error) {
	aead, err := m.aead()
	if err != nil {
		return nil, err
	}
	if len(sealed) < 1+nonceSize+aead.Overhead() || sealed[0] != sealVersion {
		return nil, errOpen
	}
	pt, err := aead.Open(nil, sealed[1:1+nonceSize], sealed[1+nonceSize:], aad)
	if err != nil {
		return nil, errOpen
	}
	return pt, nil
}

// errOpen: the master key does not open the blob (wrong key, or the blob
// or its row was altered).
var errOpen = errors.New("sealed key does not open with this master key")

func (m MasterKey) aead() (cipher.AEAD, error) {
	block, err := sm4.NewCipher(m[:])
	if err != nil {
		return nil, apperr.Wrap(err, "SM4 cipher")
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, apperr.Wrap(err, "SM4-GCM")
	}
	return aead, nil
}
