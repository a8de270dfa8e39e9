package ledger_test

// Benchmarks of issue 4's performance targets (docs/benchmarks.md, section
// "Ledger"); `make bench` runs them with the environment below:
//
//	BenchmarkEventAppendCheckpointed  ≥ 5,000 entries/s on SQLite, a checkpoint every second
//	BenchmarkInclusionProof10M        an inclusion proof under 1 ms at 10 million entries
//	                                  (SQLite; runs only with TONGBAN_BENCH_10M=1)
//	BenchmarkVerifyStore              a full verification of 1 million entries under 30 s
//	                                  (SQLite; 100k entries, and 1M with TONGBAN_BENCH_LARGE=1)
//
// The large databases take minutes to build, so they are built once and
// kept under TONGBAN_BENCH_CACHE (default: the system's temporary
// directory), named after benchCacheVersion; a later run opens them again.

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

// benchCacheVersion names the cached databases. Change it when what they
// hold changes (leaf data, events, checkpoints, keys, the ledger's tables)
// so that runs stop opening the old files.
const benchCacheVersion = 1

// benchWriters is how many goroutines write events at once: about the 50
// officers of tongbench's decisions scenario, and SQLite's group commit
// takes up to 64 writes a transaction.
const benchWriters = 64

// benchKeys are the checkpoint keys of the benchmarks, derived from fixed
// seeds so that a cached database's checkpoints verify in a later run.
// Never do this outside a benchmark.
func benchKeys(b *testing.B) (*sm2.PrivateKey, ed25519.PrivateKey) {
	b.Helper()
	seed := sha256.Sum256([]byte("tongban bench sm2"))
	sk, err := sm2.NewPrivateKey(seed[:])
	if err != nil {
		b.Fatal(err)
	}
	edSeed := sha256.Sum256([]byte("tongban bench ed25519"))
	return sk, ed25519.NewKeyFromSeed(edSeed[:])
}

func benchNotary(b *testing.B) *ledger.Notary {
	b.Helper()
	sk, ek := benchKeys(b)
	n, err := ledger.NewNotary(testOrigin, sk, ek)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// benchSigners are benchNotary's signers, for checkpoints of past sizes
// (the notary signs only the current head).
func benchSigners(b *testing.B) []note.Signer {
	b.Helper()
	sk, ek := benchKeys(b)
	s1, err := ledger.NewSM2Signer(testOrigin+ledger.SM2KeySuffix, sk)
	if err != nil {
		b.Fatal(err)
	}
	s2, err := ledger.NewEd25519Signer(testOrigin, ek)
	if err != nil {
		b.Fatal(err)
	}
	return []note.Signer{s1, s2}
}

// benchEvent is a task decision as the workflow records it: ids, actor,
// states, an opinion in Chinese and a little data.
func benchEvent(i int, at time.Time) store.Event {
	opinion := fmt.Sprintf("同意。材料齐全，符合受理条件（第 %d 件）。", i)
	return store.Event{
		ProjectID: fmt.Sprintf("01JBENCHPROJECT%011d", i/40), StageID: fmt.Sprintf("01JBENCHSTAGE%013d", i/10),
		TaskID: fmt.Sprintf("01JBENCHTASK%014d", i/3), Kind: "task.approve",
		ActorID: fmt.Sprintf("01JBENCHUSER%014d", i%50), ActorName: "王五", ActorRole: "officer",
		From: "in_review", To: "approved", FromLevel: 1, ToLevel: 2, Opinion: opinion,
		Data: map[string]any{"opinion": opinion, "level": 2, "dept": "ZRGH"}, At: at,
	}
}

// BenchmarkEventAppendCheckpointed measures the ledger's throughput as the
// server uses it: events stored with store.AppendEvent and ledger.Hook, one
// event per db.Write, from benchWriters goroutines (on SQLite they share
// group commits), while another goroutine signs a checkpoint (SM2 and
// Ed25519, in a write of its own, as the checkpoint job does) every
// second. entries/s is events in the ledger per second; cpu-µs/entry the
// process's CPU time (all goroutines: writers, SQLite, signing, GC) per
// event, which a shared machine's load does not inflate as much;
// writes/commit the group commit's batch size (SQLite). The tree starts
// empty and grows by every round the benchmark runs.
func BenchmarkEventAppendCheckpointed(b *testing.B) {
	ctx := context.Background()
	notary := benchNotary(b)
	for _, d := range storetest.Dialects() {
		db := storetest.Open(b, d)
		b.Run(string(d), func(b *testing.B) {
			var checkpoints int
			var cpErr error
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				tick := time.NewTicker(time.Second)
				defer tick.Stop()
				for {
					select {
					case <-stop:
						return
					case <-tick.C:
					}
					var fresh bool
					err := db.Write(ctx, func(tx *store.Tx) (err error) {
						_, fresh, err = notary.Checkpoint(ctx, tx)
						return err
					})
					if err != nil {
						cpErr = err
						return
					}
					if fresh {
						checkpoints++
					}
				}
			})
			before, cpu0 := db.Stats(), cpuTime()
			at := time.Now()
			b.SetParallelism((benchWriters + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := rand.IntN(1 << 20)
				for pb.Next() {
					i++
					err := db.Write(ctx, func(tx *store.Tx) error {
						_, err := store.AppendEvent(ctx, tx, benchEvent(i, at), ledger.Hook)
						return err
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			cpu := cpuTime() - cpu0
			close(stop)
			wg.Wait()
			if cpErr != nil {
				b.Fatalf("checkpoint: %v", cpErr)
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/s, "entries/s")
			b.ReportMetric(float64(checkpoints)/s, "checkpoints/s")
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/entry")
			}
			if after := db.Stats(); after.Transactions > before.Transactions {
				b.ReportMetric(float64(after.Writes-before.Writes)/float64(after.Transactions-before.Transactions), "writes/commit")
			}
		})
		// Every event has its leaf and the tree is whole.
		var events int
		var h ledger.Head
		read(b, db, func(tx *store.Tx) (err error) {
			if err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM events`).Scan(&events); err != nil {
				return err
			}
			h, err = ledger.Audit(ctx, tx, nil)
			return err
		})
		if h.Size != uint64(events) {
			b.Fatalf("%s: %d events, %d leaves", d, events, h.Size)
		}
	}
}

// BenchmarkInclusionProof10M measures inclusion and consistency proofs
// for random leaves of a 10-million-leaf tree on SQLite, each in a read
// transaction of its own as the API serves them, one at a time: ns/op, the
// 99th percentile and the CPU time per proof. The tree is built with
// BulkAppend (leaf data as the other benchmarks' leafData) once and
// cached.
func BenchmarkInclusionProof10M(b *testing.B) {
	if os.Getenv("TONGBAN_BENCH_10M") == "" {
		b.Skip("set TONGBAN_BENCH_10M=1 (make bench does): builds, once, a 10-million-leaf SQLite database of about 2 GB")
	}
	const size = 10_000_000
	ctx := context.Background()
	db := cachedDB(b, "10m", size, func(db *store.DB) error {
		const step = 100_000
		for done := uint64(0); done < size; done += step {
			err := db.Write(ctx, func(tx *store.Tx) error {
				return ledger.BulkAppend(ctx, tx, step, func(i uint64) []byte { return leafData(int(i)) })
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	rng := rand.New(rand.NewPCG(size, 7))
	b.Run("inclusion", func(b *testing.B) {
		lat := make([]time.Duration, 0, 1<<16)
		cpu0 := cpuTime()
		for b.Loop() {
			t0 := time.Now()
			read(b, db, func(tx *store.Tx) error {
				_, err := ledger.InclusionProof(ctx, tx, rng.Uint64N(size), size)
				return err
			})
			lat = append(lat, time.Since(t0))
		}
		reportLatency(b, lat, cpuTime()-cpu0)
	})
	b.Run("consistency", func(b *testing.B) {
		lat := make([]time.Duration, 0, 1<<16)
		cpu0 := cpuTime()
		for b.Loop() {
			t0 := time.Now()
			read(b, db, func(tx *store.Tx) error {
				_, err := ledger.ConsistencyProof(ctx, tx, 1+rng.Uint64N(size-1), size)
				return err
			})
			lat = append(lat, time.Since(t0))
		}
		reportLatency(b, lat, cpuTime()-cpu0)
	})
}

// reportLatency reports the 99th percentile of the operations' times and
// the process's CPU time per operation.
func reportLatency(b *testing.B, lat []time.Duration, cpu time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(len(lat)), "cpu-µs/op")
	}
}

// verifySizes are the ledger sizes BenchmarkVerifyStore verifies: 100k,
// and 1M with TONGBAN_BENCH_LARGE=1.
func verifySizes() []int {
	if os.Getenv("TONGBAN_BENCH_LARGE") != "" {
		return []int{100_000, 1_000_000}
	}
	return []int{100_000}
}

// checkpointEvery is the spacing of the stored checkpoints in
// BenchmarkVerifyStore's databases: one per 1,000 entries, as a server
// signing every 10 s at 100 events/s would store.
const checkpointEvery = 1000

// BenchmarkVerifyStore measures what `tongban ledger verify --data DIR`
// does on a SQLite database of n events, every one in the ledger, with a
// signed checkpoint every checkpointEvery entries: ledger.VerifyStore
// rebuilds the tree from the stored leaves and compares every node and
// the head, recomputes every event's leaf from its row, and verifies every
// checkpoint's two signatures and root. s/verify is one full
// verification and cpu-s/verify the process's CPU time for it (it reads
// on one core and recomputes leaves on another); audit-s, events-s and
// checkpoints-s are its three parts, timed once more after the loop.
func BenchmarkVerifyStore(b *testing.B) {
	ctx := context.Background()
	notary := benchNotary(b)
	trust := ledger.FixedVerifiers(notary.Verifiers()...)
	signers := benchSigners(b)
	for _, n := range verifySizes() {
		db := cachedDB(b, "verify-"+sizeName(uint64(n)), uint64(n), func(db *store.DB) error { return seedVerify(ctx, db, n, signers) })
		b.Run("size="+sizeName(uint64(n)), func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				var rep ledger.StoreReport
				read(b, db, func(tx *store.Tx) (err error) {
					rep, err = ledger.VerifyStore(ctx, tx, trust)
					return err
				})
				if rep.Head.Size != uint64(n) || rep.Events != n || rep.Checkpoints != n/checkpointEvery {
					b.Fatalf("verified %d entries, %d events, %d checkpoints; want %d, %d, %d", rep.Head.Size, rep.Events, rep.Checkpoints, n, n, n/checkpointEvery)
				}
			}
			b.StopTimer()
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/verify")
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/verify")
			}
			read(b, db, func(tx *store.Tx) error {
				for _, part := range []struct {
					unit string
					run  func() error
				}{
					{"audit-s", func() error { _, err := ledger.Audit(ctx, tx, nil); return err }},
					{"events-s", func() error { _, err := ledger.CheckEvents(ctx, tx); return err }},
					{"checkpoints-s", func() error { _, _, err := ledger.CheckCheckpoints(ctx, tx, trust); return err }},
				} {
					t0 := time.Now()
					if err := part.run(); err != nil {
						return err
					}
					b.ReportMetric(time.Since(t0).Seconds(), part.unit)
				}
				return nil
			})
		})
	}
}

// seedVerify stores n events with multi-row inserts, puts them into the
// ledger with ledger.Backfill (the same leaves and nodes as ledger.Hook
// would write, in batches) and signs a checkpoint of every
// checkpointEvery entries.
func seedVerify(ctx context.Context, db *store.DB, n int, signers []note.Signer) error {
	const step = 50_000
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for from := 0; from < n; from += step {
		if err := db.Write(ctx, func(tx *store.Tx) error { return insertEvents(ctx, tx, from, min(step, n-from), at) }); err != nil {
			return err
		}
	}
	if got, err := ledger.Backfill(ctx, db); err != nil || got != n {
		return fmt.Errorf("backfill: %d events, %v", got, err)
	}
	return db.Write(ctx, func(tx *store.Tx) error {
		for size := uint64(checkpointEvery); size <= uint64(n); size += checkpointEvery {
			root, err := ledger.RootAt(ctx, tx, size)
			if err != nil {
				return err
			}
			c := ledger.Checkpoint{Origin: testOrigin, Size: size, Root: root}
			note, err := ledger.Sign(c, signers...)
			if err != nil {
				return err
			}
			if err := ledger.SaveCheckpoint(ctx, tx, c, note); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertEvents inserts benchEvent(from) … benchEvent(from+n-1), 400 rows a
// statement, with the columns store.AppendEvent writes.
func insertEvents(ctx context.Context, tx *store.Tx, from, n int, at time.Time) error {
	const per, rows = 15, 400
	row := "(" + strings.Repeat("?,", per-1) + "?)"
	args := make([]any, 0, per*rows)
	for i := from; i < from+n; i += rows {
		k := min(rows, from+n-i)
		args = args[:0]
		for j := i; j < i+k; j++ {
			e := benchEvent(j, at.Add(time.Duration(j)*time.Second))
			data, err := json.Marshal(e.Data)
			if err != nil {
				return err
			}
			args = append(args, store.NewID(), e.ProjectID, e.StageID, e.TaskID, e.Kind, e.ActorID, e.ActorName, e.ActorRole,
				e.From, e.To, e.FromLevel, e.ToLevel, e.Opinion, string(data), e.At.UnixMilli())
		}
		q := `INSERT INTO events (id, project_id, stage_id, task_id, kind, actor_id, actor_name, actor_role, from_state, to_state, from_level, to_level, opinion, data, at) VALUES ` +
			row + strings.Repeat(","+row, k-1)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// cachedDB returns the SQLite database <cache>/tongban-bench-<name>-v<benchCacheVersion>,
// which holds a ledger of size leaves: opened again if an earlier run built
// it, otherwise built with build in a directory of its own and renamed into
// place only when complete, so that an interrupted build leaves no cache.
func cachedDB(b *testing.B, name string, size uint64, build func(db *store.DB) error) *store.DB {
	b.Helper()
	root := os.Getenv("TONGBAN_BENCH_CACHE")
	if root == "" {
		root = os.TempDir()
	}
	dir := filepath.Join(root, fmt.Sprintf("tongban-bench-%s-v%d", name, benchCacheVersion))
	if _, err := os.Stat(filepath.Join(dir, "tongban.db")); err == nil {
		db := storetest.OpenDSN(b, "", dir)
		if h := mustHead(b, db); h.Size == size {
			b.Logf("cached database %s: %d leaves", dir, size)
			return db
		}
		b.Fatalf("cached database %s does not hold %d leaves: delete it", dir, size)
	}
	tmp := fmt.Sprintf("%s.building-%d", dir, os.Getpid())
	start := time.Now()
	err := func() error {
		ctx := context.Background()
		db, err := store.Open(ctx, "", tmp)
		if err != nil {
			return err
		}
		err = db.Migrate(ctx)
		if err == nil {
			err = build(db)
		}
		return errors.Join(err, db.Close())
	}()
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		b.Fatalf("build %s: %v", dir, err)
	}
	b.Logf("built %s (%d leaves) in %s; later runs reuse it", dir, size, time.Since(start).Round(time.Second))
	return storetest.OpenDSN(b, "", dir)
}
