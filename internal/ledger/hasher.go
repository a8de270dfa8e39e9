package ledger

import (
	"github.com/emmansun/gmsm/sm3"
	"github.com/transparency-dev/merkle"
)

// HashSize is the size in bytes of every hash in the ledger: an SM3 digest.
const HashSize = sm3.Size

// RFC 6962 domain separation prefixes (section 2.1), which keep a leaf hash
// from ever being mistaken for an interior node hash.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// Hasher is the RFC 6962 Merkle tree hasher with SM3 (GB/T 32905) in place of
// SHA-256. It implements merkle.LogHasher, so transparency-dev/merkle's
// compact ranges and proof verifiers work with it unchanged. The zero value
// is ready to use and safe for concurrent use.
type Hasher struct{}

// SM3 is the ledger's tree hasher.
var SM3 merkle.LogHasher = Hasher{}

// EmptyRoot returns the root of the empty tree: SM3 of the empty string.
func (Hasher) EmptyRoot() []byte {
	h := sm3.Sum(nil)
	return h[:]
}

// HashLeaf returns SM3(0x00 || leaf).
func (Hasher) HashLeaf(leaf []byte) []byte {
	d := sm3.New()
	d.Write([]byte{leafPrefix})
	d.Write(leaf)
	return d.Sum(make([]byte, 0, HashSize))
}

// HashChildren returns SM3(0x01 || l || r).
func (Hasher) HashChildren(l, r []byte) []byte {
	var buf [1 + 2*HashSize]byte
	b := append(append(append(buf[:0], nodePrefix), l...), r...)
	h := sm3.Sum(b)
	return h[:]
}

// Size returns the hash size, 32 bytes.
func (Hasher) Size() int { return HashSize }
