package ledger

import (
	"context"

	"github.com/tongban/tongban/internal/store"
)

// backfillChunk is how many events Backfill reads and appends at a time.
const backfillChunk = 2000

// Backfill puts into an empty ledger the events stored before the ledger
// was enabled, in sequence order, in one transaction, and reports how
// many. It does nothing once the ledger has a leaf: from then on every
// event enters the ledger with its own transaction, and an event without a
// leaf is something VerifyStore reports, never something to append
// quietly.
func Backfill(ctx context.Context, db *store.DB) (int, error) {
	n := 0
	err := db.Write(ctx, func(tx *store.Tx) error {
		n = 0
		size, _, err := lockHead(ctx, tx)
		if err != nil || size > 0 {
			return err
		}
		after := int64(0)
		for {
			rows, err := tx.Query(ctx, `SELECT `+eventCols+` FROM events e WHERE e.seq > ? ORDER BY e.seq LIMIT ?`, after, backfillChunk)
			if err != nil {
				return err
			}
			var leaves []newLeaf
			for rows.Next() {
				r, err := scanEvent(rows)
				if err != nil {
					rows.Close()
					return store.MapError(tx.Dialect(), err)
				}
				data, err := EventLeafRaw(r.Event(), r.Data)
				if err != nil {
					rows.Close()
					return err
				}
				leaves = append(leaves, newLeaf{hash: Hasher{}.HashLeaf(data), seq: r.Seq, id: r.ID})
				after = r.Seq
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return store.MapError(tx.Dialect(), err)
			}
			if len(leaves) == 0 {
				return nil
			}
			if _, err := appendLeaves(ctx, tx, leaves); err != nil {
				return err
			}
			n += len(leaves)
		}
	})
	return n, err
}
