package ledger

import (
	"bytes"
	"context"

	"github.com/transparency-dev/merkle/compact"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// Audit rebuilds the whole tree from the stored leaf hashes in index order
// and checks it against everything stored: the leaf indexes run 0, 1, 2 …
// without a gap, every stored node equals the rebuilt one and no node is
// missing or extra, and the head's size, frontier and root match. check,
// if not nil, is called with every leaf in order (to recompute its hash
// from the event it records); an error from it stops the audit.
//
// It returns the rebuilt head, or an apperr.Conflict (key ledger.tampered)
// naming the first thing that differs. Memory is HashSize bytes per stored
// node (about 32 MB per million leaves).
func Audit(ctx context.Context, tx *store.Tx, check func(Leaf) error) (Head, error) {
	r := rf.NewEmptyRange(0)
	var levels [][][]byte // levels[l-1] holds the rebuilt nodes of level l, by index
	visit := func(id compact.NodeID, hash []byte) {
		if id.Level == 0 {
			return
		}
		for int(id.Level) > len(levels) {
			levels = append(levels, nil)
		}
		levels[id.Level-1] = append(levels[id.Level-1], hash)
	}
	rows, err := tx.Query(ctx, `SELECT leaf_index, event_seq, event_id, leaf_hash FROM ledger_leaves ORDER BY leaf_index`)
	if err != nil {
		return Head{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var idx int64
		var seq *int64
		var id *string
		var l Leaf
		if err := rows.Scan(&idx, &seq, &id, &l.Hash); err != nil {
			return Head{}, store.MapError(tx.Dialect(), err)
		}
		l.Index = uint64(idx)
		if seq != nil {
			l.EventSeq = *seq
		}
		if id != nil {
			l.EventID = *id
		}
		if idx < 0 || l.Index != r.End() {
			return Head{}, tampered("leaf %d is missing (found leaf %d next)", "第 %d 条缺失（其后为第 %d 条）", r.End(), idx)
		}
		if len(l.Hash) != HashSize {
			return Head{}, tampered("leaf %d: hash of %d bytes", "第 %d 条：哈希长度 %d 字节有误", l.Index, len(l.Hash))
		}
		if check != nil {
			if err := check(l); err != nil {
				return Head{}, err
			}
		}
		if err := r.Append(l.Hash, visit); err != nil {
			return Head{}, apperr.Wrap(err, "rebuild tree")
		}
	}
	if err := rows.Err(); err != nil {
		return Head{}, store.MapError(tx.Dialect(), err)
	}
	rows.Close()
	size := r.End()
	if err := compareNodes(ctx, tx, levels); err != nil {
		return Head{}, err
	}
	root := Hasher{}.EmptyRoot()
	if size > 0 {
		if root, err = r.GetRootHash(nil); err != nil {
			return Head{}, apperr.Wrap(err, "rebuild root")
		}
	}
	var storedSize int64
	var storedRoot, frontier []byte
	if err := tx.QueryRow(ctx, `SELECT tree_size, root, frontier FROM ledger_head WHERE id=?`, headID).Scan(&storedSize, &storedRoot, &frontier); err != nil {
		return Head{}, headError(tx, err)
	}
	switch {
	case storedSize < 0 || uint64(storedSize) != size:
		return Head{}, tampered("the head says %d leaves, %d are stored", "账本头记录 %d 条，实际存有 %d 条", storedSize, size)
	case size > 0 && !bytes.Equal(storedRoot, root):
		return Head{}, tampered("the head's root %x differs from the rebuilt root %x", "账本头的根哈希 %x 与重算的 %x 不符", storedRoot, root)
	case !bytes.Equal(frontier, joinHashes(r.Hashes())):
		return Head{}, tampered("the head's frontier differs from the rebuilt tree (size %d)", "账本头的边界哈希与重算结果不符（规模 %d）", size)
	}
	return Head{Size: size, Root: root}, nil
}

// compareNodes streams ledger_nodes in (level, index) order against the
// rebuilt levels.
func compareNodes(ctx context.Context, tx *store.Tx, levels [][][]byte) error {
	rows, err := tx.Query(ctx, `SELECT node_level, node_index, hash FROM ledger_nodes ORDER BY node_level, node_index`)
	if err != nil {
		return err
	}
	defer rows.Close()
	level, index := 1, int64(0) // the next node expected
	next := func() {
		index++
		for level <= len(levels) && index >= int64(len(levels[level-1])) {
			level, index = level+1, 0
		}
	}
	for rows.Next() {
		var l int
		var i int64
		var h []byte
		if err := rows.Scan(&l, &i, &h); err != nil {
			return store.MapError(tx.Dialect(), err)
		}
		if level > len(levels) {
			return tampered("node (level %d, index %d) is not part of the tree", "节点（层 %d，序号 %d）不属于该树", l, i)
		}
		if l != level || i != index {
			if l > level || (l == level && i > index) {
				return tampered("node (level %d, index %d) is missing", "节点（层 %d，序号 %d）缺失", level, index)
			}
			return tampered("node (level %d, index %d) is not part of the tree", "节点（层 %d，序号 %d）不属于该树", l, i)
		}
		if !bytes.Equal(h, levels[level-1][index]) {
			return tampered("node (level %d, index %d) differs from the rebuilt tree", "节点（层 %d，序号 %d）与重算结果不符", l, i)
		}
		next()
	}
	if err := rows.Err(); err != nil {
		return store.MapError(tx.Dialect(), err)
	}
	if level <= len(levels) {
		return tampered("node (level %d, index %d) is missing", "节点（层 %d，序号 %d）缺失", level, index)
	}
	return nil
}

func tampered(enFormat, zhFormat string, args ...any) error {
	return apperr.Newf(apperr.Conflict, "ledger.tampered", "账本校验失败："+zhFormat, "ledger verification failed: "+enFormat, args...)
}
