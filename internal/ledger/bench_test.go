package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

// benchSizes are the tree sizes the benchmarks start from: 10k and 100k
// leaves, and 1M with TONGBAN_BENCH_LARGE=1. Flat figures across them show
// that appends and proofs cost O(log n), not O(n).
func benchSizes() []uint64 {
	s := []uint64{10_000, 100_000}
	if os.Getenv("TONGBAN_BENCH_LARGE") != "" {
		s = append(s, 1_000_000)
	}
	return s
}

// seeded returns a database of dialect d whose ledger holds size leaves,
// built with BulkAppend (same rows as Append, multi-row inserts).
func seeded(b *testing.B, d store.Dialect, size uint64) *store.DB {
	b.Helper()
	db := storetest.Open(b, d)
	ctx := context.Background()
	const step = 50_000
	for done := uint64(0); done < size; done += step {
		write(b, db, func(tx *store.Tx) error {
			return ledger.BulkAppend(ctx, tx, min(step, size-done), func(i uint64) []byte { return leafData(int(i)) })
		})
	}
	return db
}

func sizeName(n uint64) string {
	if n >= 1_000_000 {
		return fmt.Sprintf("%dM", n/1_000_000)
	}
	return fmt.Sprintf("%dk", n/1000)
}

// BenchmarkAppend measures Append on a tree of each size: "batch" appends
// 100 leaves per transaction (ns/append is the ledger's own cost inside a
// caller's transaction); "tx" gives every append a transaction of its own,
// from 8 goroutines per core (on SQLite they share group commits), so
// ns/op there includes the commit and is the throughput ceiling.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	for _, d := range storetest.Dialects() {
		for _, size := range benchSizes() {
			db := seeded(b, d, size)
			b.Run(fmt.Sprintf("%s/size=%s/batch", d, sizeName(size)), func(b *testing.B) {
				const batch = 100
				n := 0
				for b.Loop() {
					write(b, db, func(tx *store.Tx) error {
						for range batch {
							if _, err := ledger.Append(ctx, tx, leafData(n)); err != nil {
								return err
							}
							n++
						}
						return nil
					})
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/append")
			})
			b.Run(fmt.Sprintf("%s/size=%s/tx", d, sizeName(size)), func(b *testing.B) {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						write(b, db, func(tx *store.Tx) error {
							_, err := ledger.Append(ctx, tx, []byte("parallel leaf"))
							return err
						})
					}
				})
			})
		}
	}
}

// BenchmarkInclusionProof measures one inclusion proof for a random leaf in
// the whole tree, each in a read transaction of its own, as the API will
// serve it.
func BenchmarkInclusionProof(b *testing.B) {
	ctx := context.Background()
	for _, d := range storetest.Dialects() {
		for _, size := range benchSizes() {
			db := seeded(b, d, size)
			rng := rand.New(rand.NewPCG(uint64(size), 7))
			b.Run(fmt.Sprintf("%s/size=%s", d, sizeName(size)), func(b *testing.B) {
				for b.Loop() {
					read(b, db, func(tx *store.Tx) error {
						_, err := ledger.InclusionProof(ctx, tx, rng.Uint64N(size), size)
						return err
					})
				}
			})
			b.Run(fmt.Sprintf("%s/size=%s/consistency", d, sizeName(size)), func(b *testing.B) {
				for b.Loop() {
					read(b, db, func(tx *store.Tx) error {
						m := 1 + rng.Uint64N(size-1)
						_, err := ledger.ConsistencyProof(ctx, tx, m, size)
						return err
					})
				}
			})
		}
	}
}
