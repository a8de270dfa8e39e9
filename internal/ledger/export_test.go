package ledger

import (
	"context"
	"strings"

	"github.com/transparency-dev/merkle/compact"

	"github.com/tongban/tongban/internal/store"
)

// BulkAppend appends n leaves, data(i) for i = size … size+n-1, writing
// the same rows as n calls of Append but with multi-row inserts: benchmarks
// use it to build large trees quickly. Tests check it against Append.
func BulkAppend(ctx context.Context, tx *store.Tx, n uint64, data func(i uint64) []byte) error {
	if n == 0 {
		return nil
	}
	size, frontier, err := lockHead(ctx, tx)
	if err != nil {
		return err
	}
	r, err := rf.NewRange(0, size, frontier)
	if err != nil {
		return err
	}
	const chunk = 400
	var leaves, nodes []any
	flush := func(force bool) error {
		for _, b := range []struct {
			rows *[]any
			cols string
			per  int
		}{
			{&leaves, "ledger_leaves (leaf_index, event_seq, event_id, leaf_hash, appended_at)", 5},
			{&nodes, "ledger_nodes (node_level, node_index, hash)", 3},
		} {
			k := len(*b.rows) / b.per
			if k == 0 || (!force && k < chunk) {
				continue
			}
			row := "(" + strings.Repeat("?,", b.per-1) + "?)"
			q := "INSERT INTO " + b.cols + " VALUES " + strings.Repeat(row+",", k-1) + row
			if _, err := tx.Exec(ctx, q, *b.rows...); err != nil {
				return err
			}
			*b.rows = (*b.rows)[:0]
		}
		return nil
	}
	now := tx.Now().UnixMilli()
	for i := size; i < size+n; i++ {
		h := Hasher{}.HashLeaf(data(i))
		leaves = append(leaves, int64(i), nil, nil, h, now)
		if err := r.Append(h, func(id compact.NodeID, hash []byte) {
			if id.Level > 0 {
				nodes = append(nodes, int(id.Level), int64(id.Index), hash)
			}
		}); err != nil {
			return err
		}
		if err := flush(false); err != nil {
			return err
		}
	}
	if err := flush(true); err != nil {
		return err
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE ledger_head SET tree_size=?, root=?, frontier=?, updated_at=? WHERE id=1`,
		int64(size+n), root, joinHashes(r.Hashes()), now)
	return err
}
