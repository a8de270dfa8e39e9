package ledger_test

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"

	"github.com/tongban/tongban/internal/ledger"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSM3KnownAnswers checks SM3 against the examples of GB/T 32905-2016
// (appendix A) and the digest of the empty string.
func TestSM3KnownAnswers(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"abc", "66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0"},
		{strings.Repeat("abcd", 16), "debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732"},
		{"", "1ab21d83 55cfa17f 8e611948 31e81a8f 22bec8c7 28fefb74 7ed035eb 5082aa2b"},
	} {
		got := sm3.Sum([]byte(c.in))
		if want := unhex(t, c.want); !bytes.Equal(got[:], want) {
			t.Errorf("SM3(%q) = %x, want %x", c.in, got, want)
		}
	}
}

func TestHasher(t *testing.T) {
	h := ledger.Hasher{}
	if h.Size() != 32 {
		t.Errorf("Size = %d, want 32", h.Size())
	}
	if got, want := h.EmptyRoot(), unhex(t, "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"); !bytes.Equal(got, want) {
		t.Errorf("EmptyRoot = %x, want %x", got, want)
	}
	leaf := sm3.Sum([]byte("\x00abc"))
	if got := h.HashLeaf([]byte("abc")); !bytes.Equal(got, leaf[:]) {
		t.Errorf("HashLeaf(abc) = %x, want SM3(0x00||abc) = %x", got, leaf)
	}
	l, r := bytes.Repeat([]byte{0xaa}, 32), bytes.Repeat([]byte{0xbb}, 32)
	node := sm3.Sum(append(append([]byte{0x01}, l...), r...))
	if got := h.HashChildren(l, r); !bytes.Equal(got, node[:]) {
		t.Errorf("HashChildren = %x, want SM3(0x01||l||r) = %x", got, node)
	}
	// Golden root of the tree of leaves "leaf 0" … "leaf 6", so a change of
	// the hashing rules cannot pass unnoticed.
	rt := newRef()
	for i := range 7 {
		rt.add(leafData(i))
	}
	if got, want := hex.EncodeToString(rt.root(7)), goldenRoot7; got != want {
		t.Errorf("root of 7 leaves = %s, want %s", got, want)
	}
}

// goldenRoot7 was computed independently of this code, with OpenSSL's SM3
// (Python hashlib.new("sm3")) and the RFC 6962 MTH definition.
const goldenRoot7 = "3c5f82a412484065b04e04b396fcdd521733baa7e2901b9b7d4487873eab1380"

// TestTreeAgainstMerkleLibrary builds every tree of 1 … 300 leaves and
// checks, with transparency-dev/merkle's own verifiers and the SM3 hasher:
// the compact range's root equals the RFC's MTH; proofs assembled from
// perfect-subtree nodes the way the ledger does it (proof.Inclusion /
// proof.Consistency, then Rehash) equal the RFC's PATH and PROOF; and those
// verify. Inclusion is checked for every (index, size), consistency for
// every (size1, size2) with size2 ≤ 100 and a sample above.
func TestTreeAgainstMerkleLibrary(t *testing.T) {
	const maxSize = 300
	h := ledger.Hasher{}
	rt := newRef()
	stored := map[compact.NodeID][]byte{}
	rf := &compact.RangeFactory{Hash: h.HashChildren}
	cr := rf.NewEmptyRange(0)
	roots := [][]byte{h.EmptyRoot()}
	rng := rand.New(rand.NewPCG(1, 2))
	fetch := func(t *testing.T, n proof.Nodes) [][]byte {
		t.Helper()
		hs := make([][]byte, len(n.IDs))
		for i, id := range n.IDs {
			if hs[i] = stored[id]; hs[i] == nil {
				t.Fatalf("node %+v not stored", id)
			}
		}
		p, err := n.Rehash(hs, h.HashChildren)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for size := 1; size <= maxSize; size++ {
		rt.add(leafData(size - 1))
		if err := cr.Append(rt.leaves[size-1], func(id compact.NodeID, hash []byte) { stored[id] = hash }); err != nil {
			t.Fatal(err)
		}
		root, err := cr.GetRootHash(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(root, rt.root(size)) {
			t.Fatalf("size %d: compact root %x, MTH %x", size, root, rt.root(size))
		}
		roots = append(roots, root)
		for i := range size {
			n, err := proof.Inclusion(uint64(i), uint64(size))
			if err != nil {
				t.Fatal(err)
			}
			got := fetch(t, n)
			if want := rt.path(i, 0, size); !equalProofs(got, want) {
				t.Fatalf("inclusion (%d, %d): %x, want %x", i, size, got, want)
			}
			if err := proof.VerifyInclusion(h, uint64(i), uint64(size), rt.leaves[i], got, root); err != nil {
				t.Fatalf("inclusion (%d, %d): %v", i, size, err)
			}
		}
		for m := 0; m <= size; m++ {
			if size > 100 && m != 0 && m != size && rng.IntN(size) > 8 {
				continue
			}
			n, err := proof.Consistency(uint64(m), uint64(size))
			if err != nil {
				t.Fatal(err)
			}
			got := fetch(t, n)
			if want := rt.proof(m, size); !equalProofs(got, want) {
				t.Fatalf("consistency (%d, %d): %x, want %x", m, size, got, want)
			}
			if err := proof.VerifyConsistency(h, uint64(m), uint64(size), got, roots[m], root); err != nil {
				t.Fatalf("consistency (%d, %d): %v", m, size, err)
			}
		}
	}
	// A proof for the wrong leaf or root must fail.
	if err := proof.VerifyInclusion(h, 3, 7, rt.leaves[4], rt.path(3, 0, 7), rt.root(7)); err == nil {
		t.Error("inclusion proof verified for the wrong leaf")
	}
	if err := proof.VerifyConsistency(h, 5, 9, rt.proof(5, 9), rt.root(6), rt.root(9)); err == nil {
		t.Error("consistency proof verified against the wrong old root")
	}
}

func equalProofs(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
