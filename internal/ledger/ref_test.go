package ledger_test

import (
	"fmt"
	"math/bits"

	"github.com/tongban/tongban/internal/ledger"
)

// ref is a deliberately naive RFC 6962 (section 2.1) Merkle tree, written
// straight from the RFC's recursive definitions and independent of
// transparency-dev/merkle, to check the ledger against. Subtree hashes are
// memoised so that exhaustive tests stay fast.
type ref struct {
	leaves [][]byte // leaf hashes
	memo   map[[2]int][]byte
}

func newRef() *ref { return &ref{memo: map[[2]int][]byte{}} }

func (r *ref) add(data []byte) { r.leaves = append(r.leaves, ledger.Hasher{}.HashLeaf(data)) }

// split returns k, the largest power of two smaller than n (n > 1).
func split(n int) int { return 1 << (bits.Len(uint(n-1)) - 1) }

// mth is MTH(D[lo:hi]).
func (r *ref) mth(lo, hi int) []byte {
	n := hi - lo
	switch {
	case n == 0:
		return ledger.Hasher{}.EmptyRoot()
	case n == 1:
		return r.leaves[lo]
	}
	if h, ok := r.memo[[2]int{lo, hi}]; ok {
		return h
	}
	k := split(n)
	h := ledger.Hasher{}.HashChildren(r.mth(lo, lo+k), r.mth(lo+k, hi))
	r.memo[[2]int{lo, hi}] = h
	return h
}

func (r *ref) root(size int) []byte { return r.mth(0, size) }

// path is PATH(m, D[lo:hi]), the inclusion proof of leaf lo+m.
func (r *ref) path(m, lo, hi int) [][]byte {
	n := hi - lo
	if n == 1 {
		return [][]byte{}
	}
	k := split(n)
	if m < k {
		return append(r.path(m, lo, lo+k), r.mth(lo+k, hi))
	}
	return append(r.path(m-k, lo+k, hi), r.mth(lo, lo+k))
}

// proof is PROOF(m, D[0:n]), the consistency proof between sizes m and n.
func (r *ref) proof(m, n int) [][]byte {
	if m == 0 || m == n {
		return [][]byte{}
	}
	return r.subproof(m, 0, n, true)
}

func (r *ref) subproof(m, lo, hi int, b bool) [][]byte {
	n := hi - lo
	if m == n {
		if b {
			return [][]byte{}
		}
		return [][]byte{r.mth(lo, hi)}
	}
	k := split(n)
	if m <= k {
		return append(r.subproof(m, lo, lo+k, b), r.mth(lo+k, hi))
	}
	return append(r.subproof(m-k, lo+k, hi, false), r.mth(lo, lo+k))
}

func leafData(i int) []byte { return fmt.Appendf(nil, "leaf %d", i) }
