package workflow

import (
	"context"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/jobs"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/store"
)

// JobLedgerCheckpoint signs a checkpoint of the ledger when it grew, then
// arms itself again CheckpointEvery later. One such job waits at a time
// (its unique key), whatever the number of instances.
const JobLedgerCheckpoint = "ledger_checkpoint"

// DefaultCheckpointEvery is the checkpoint interval when none is set.
const DefaultCheckpointEvery = 10 * time.Second

// checkpointHistory is how long completed checkpoint jobs are kept.
const checkpointHistory = time.Hour

// Ledger returns the notary that signs the ledger's checkpoints, or nil
// when the service runs without one (some tests).
func (s *Service) Ledger() *ledger.Notary { return s.notary }

// ArmCheckpoints enqueues the checkpoint job unless one is already
// waiting: the server calls it at start.
func (s *Service) ArmCheckpoints(ctx context.Context) error {
	if s.notary == nil {
		return nil
	}
	return s.db.Write(ctx, func(tx *store.Tx) error { return s.armCheckpoint(ctx, tx, s.now()) })
}

func (s *Service) armCheckpoint(ctx context.Context, tx *store.Tx, at time.Time) error {
	return jobs.Enqueue(ctx, tx, jobs.Spec{Kind: JobLedgerCheckpoint, RunAt: at, UniqueKey: JobLedgerCheckpoint, MaxAttempts: 1000})
}

// HandleCheckpoint is the job handler of JobLedgerCheckpoint.
func (s *Service) HandleCheckpoint(ctx context.Context, tx *store.Tx, _ jobs.Job) error {
	if s.notary == nil {
		return nil
	}
	if _, _, err := s.notary.Checkpoint(ctx, tx); err != nil {
		return err
	}
	now := s.now()
	if err := jobs.PruneKind(ctx, tx, JobLedgerCheckpoint, now.Add(-checkpointHistory)); err != nil {
		return err
	}
	return s.armCheckpoint(ctx, tx, now.Add(s.checkpointEvery))
}

// CheckpointNow signs a checkpoint at once if the tree grew since the
// latest, and returns the latest checkpoint and whether it is new.
func (s *Service) CheckpointNow(ctx context.Context) (ledger.SignedCheckpoint, bool, error) {
	if s.notary == nil {
		return ledger.SignedCheckpoint{}, false, noLedger()
	}
	var c ledger.SignedCheckpoint
	var fresh bool
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		c, fresh, err = s.notary.Checkpoint(ctx, tx)
		return err
	})
	return c, fresh, err
}

// LatestCheckpoint returns the latest signed checkpoint: public.
func (s *Service) LatestCheckpoint(ctx context.Context) (ledger.SignedCheckpoint, time.Time, error) {
	var c ledger.SignedCheckpoint
	var at int64
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = ledger.Latest(ctx, tx); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT created_at FROM ledger_checkpoints WHERE tree_size=?`, int64(c.Size)).Scan(&at)
	})
	return c, time.UnixMilli(at).UTC(), err
}

// LedgerConsistency returns the consistency proof between the trees of
// sizes from and to (from ≤ to ≤ the tree's size): public.
func (s *Service) LedgerConsistency(ctx context.Context, from, to uint64) ([][]byte, error) {
	var p [][]byte
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		p, err = ledger.ConsistencyProof(ctx, tx, from, to)
		return err
	})
	return p, err
}

// ProjectRecord returns a project's record with its ledger proofs, for
// download and offline verification (ledger.VerifyRecord). Same scope as
// GetProject: one snapshot for the events, the checkpoint and the proofs.
func (s *Service) ProjectRecord(ctx context.Context, p auth.Principal, projectID string) (ledger.Record, error) {
	if s.notary == nil {
		return ledger.Record{}, noLedger()
	}
	var rec ledger.Record
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.loadProjectFor(ctx, tx, p, projectID); err != nil {
			return err
		}
		var err error
		rec, err = ledger.BuildRecord(ctx, tx, projectID, s.notary.Origin(), s.notary.Keys())
		return err
	})
	return rec, err
}

func noLedger() error {
	return apperr.New(apperr.NotFound, "ledger.off", "本系统未启用账本", "the ledger is not enabled on this system")
}
