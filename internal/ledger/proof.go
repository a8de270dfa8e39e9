package ledger

import (
	"context"
	"fmt"
	"strings"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// InclusionProof returns the RFC 6962 inclusion proof (audit path) of leaf
// index in the tree of the given size, which must not exceed the current
// size. It reads the O(log size) stored nodes the proof needs; the one
// node of an imperfect subtree a proof may contain is hashed from the
// stored nodes under it (proof.Nodes.Rehash).
func InclusionProof(ctx context.Context, tx *store.Tx, index, size uint64) ([][]byte, error) {
	if err := checkSize(ctx, tx, size); err != nil {
		return nil, err
	}
	if index >= size {
		return nil, apperr.Newf(apperr.Invalid, "ledger.bad_index", "条目序号 %d 超出账本规模 %d", "entry %d is beyond the tree size %d", index, size)
	}
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, apperr.Wrap(err, "inclusion proof")
	}
	return rehash(ctx, tx, nodes)
}

// ConsistencyProof returns the RFC 6962 consistency proof between the trees
// of size1 and size2 (0 ≤ size1 ≤ size2 ≤ current size), from stored nodes.
func ConsistencyProof(ctx context.Context, tx *store.Tx, size1, size2 uint64) ([][]byte, error) {
	if size1 > size2 {
		return nil, apperr.Newf(apperr.Invalid, "ledger.bad_size", "规模 %d 大于 %d，无法证明一致性", "size %d is larger than %d: no consistency proof", size1, size2)
	}
	if err := checkSize(ctx, tx, size2); err != nil {
		return nil, err
	}
	nodes, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, apperr.Wrap(err, "consistency proof")
	}
	return rehash(ctx, tx, nodes)
}

// RootAt returns the root of the tree when it had size leaves (size ≤ the
// current size), folded from the O(log size) stored perfect subtrees that
// make up that tree.
func RootAt(ctx context.Context, tx *store.Tx, size uint64) ([]byte, error) {
	if err := checkSize(ctx, tx, size); err != nil {
		return nil, err
	}
	if size == 0 {
		return Hasher{}.EmptyRoot(), nil
	}
	ids := compact.RangeNodes(0, size, nil)
	hashes, err := readNodes(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	r, err := rf.NewRange(0, size, hashes)
	if err != nil {
		return nil, corrupt(err)
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		return nil, corrupt(err)
	}
	return root, nil
}

func checkSize(ctx context.Context, tx *store.Tx, size uint64) error {
	h, err := ReadHead(ctx, tx)
	if err != nil {
		return err
	}
	if size > h.Size {
		return apperr.Newf(apperr.Invalid, "ledger.bad_size", "账本规模 %d 尚未达到（当前 %d）", "the tree has not reached size %d (it has %d entries)", size, h.Size)
	}
	return nil
}

func rehash(ctx context.Context, tx *store.Tx, nodes proof.Nodes) ([][]byte, error) {
	hashes, err := readNodes(ctx, tx, nodes.IDs)
	if err != nil {
		return nil, err
	}
	p, err := nodes.Rehash(hashes, Hasher{}.HashChildren)
	if err != nil {
		return nil, corrupt(err)
	}
	return p, nil
}

// readNodes returns the stored hashes of ids, in the order of ids, in one
// query: level-0 nodes are leaf hashes, the others come from ledger_nodes.
// A missing node means the stored tree is damaged.
func readNodes(ctx context.Context, tx *store.Tx, ids []compact.NodeID) ([][]byte, error) {
	if len(ids) == 0 {
		return [][]byte{}, nil
	}
	var leaves, inner []string
	var leafArgs, innerArgs []any
	for _, id := range ids {
		if id.Level == 0 {
			leaves = append(leaves, "?")
			leafArgs = append(leafArgs, int64(id.Index))
		} else {
			inner = append(inner, "(node_level=? AND node_index=?)")
			innerArgs = append(innerArgs, int(id.Level), int64(id.Index))
		}
	}
	var parts []string
	if len(leaves) > 0 {
		parts = append(parts, `SELECT 0, leaf_index, leaf_hash FROM ledger_leaves WHERE leaf_index IN (`+strings.Join(leaves, ",")+`)`)
	}
	if len(inner) > 0 {
		parts = append(parts, `SELECT node_level, node_index, hash FROM ledger_nodes WHERE `+strings.Join(inner, " OR "))
	}
	rows, err := tx.Query(ctx, strings.Join(parts, " UNION ALL "), append(leafArgs, innerArgs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := make(map[compact.NodeID][]byte, len(ids))
	for rows.Next() {
		var level int
		var index int64
		var hash []byte
		if err := rows.Scan(&level, &index, &hash); err != nil {
			return nil, store.MapError(tx.Dialect(), err)
		}
		got[compact.NewNodeID(uint(level), uint64(index))] = hash
	}
	if err := rows.Err(); err != nil {
		return nil, store.MapError(tx.Dialect(), err)
	}
	out := make([][]byte, len(ids))
	for i, id := range ids {
		h, ok := got[id]
		if !ok || len(h) != HashSize {
			return nil, corrupt(fmt.Errorf("node (level %d, index %d) missing or malformed", id.Level, id.Index))
		}
		out[i] = h
	}
	return out, nil
}
