package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/ledger"
)

// CheckpointDTO is the latest signed checkpoint of the ledger.
type CheckpointDTO struct {
	Origin     string    `json:"origin" doc:"The log's name"`
	TreeSize   uint64    `json:"tree_size"`
	Root       string    `json:"root" doc:"Root hash, hex (the note has it in base64)"`
	RootBase64 string    `json:"root_base64"`
	Note       string    `json:"note" doc:"The checkpoint as signed: a C2SP tlog-checkpoint in a C2SP signed note, with an SM2 and an Ed25519 signature line (docs/ledger.md section 5)"`
	CreatedAt  time.Time `json:"created_at"`
}

type checkpointOut struct{ Body CheckpointDTO }

func (s *Server) ledgerCheckpoint(ctx context.Context, _ auth.Principal, _ *empty) (*checkpointOut, error) {
	c, at, err := s.svc.LatestCheckpoint(ctx)
	if err != nil {
		return nil, err
	}
	return &checkpointOut{Body: CheckpointDTO{Origin: c.Origin, TreeSize: c.Size, Root: hex.EncodeToString(c.Root),
		RootBase64: base64.StdEncoding.EncodeToString(c.Root), Note: string(c.Note), CreatedAt: at}}, nil
}

type ledgerKeysOut struct {
	Body struct {
		Origin string             `json:"origin"`
		Keys   []ledger.PublicKey `json:"keys"`
	}
}

func (s *Server) ledgerKeys(ctx context.Context, _ auth.Principal, _ *empty) (*ledgerKeysOut, error) {
	n := s.svc.Ledger()
	if n == nil {
		return nil, apperr.New(apperr.NotFound, "ledger.off", "本系统未启用账本", "the ledger is not enabled on this system")
	}
	out := &ledgerKeysOut{}
	out.Body.Origin, out.Body.Keys = n.Origin(), n.Keys()
	return out, nil
}

type consistencyIn struct {
	From int64 `query:"from" required:"true" minimum:"0" doc:"Size of the older tree (a checkpoint you trust)"`
	To   int64 `query:"to" required:"true" minimum:"0" doc:"Size of the newer tree, at most the current size"`
}

type consistencyOut struct {
	Body struct {
		From  uint64   `json:"from"`
		To    uint64   `json:"to"`
		Proof []string `json:"proof" doc:"RFC 6962 consistency proof, hex hashes; empty when from is 0 or from = to"`
	}
}

func (s *Server) ledgerConsistency(ctx context.Context, _ auth.Principal, in *consistencyIn) (*consistencyOut, error) {
	p, err := s.svc.LedgerConsistency(ctx, uint64(in.From), uint64(in.To))
	if err != nil {
		return nil, err
	}
	out := &consistencyOut{}
	out.Body.From, out.Body.To, out.Body.Proof = uint64(in.From), uint64(in.To), []string{}
	for _, h := range p {
		out.Body.Proof = append(out.Body.Proof, hex.EncodeToString(h))
	}
	return out, nil
}

type recordOut struct {
	ContentDisposition string `header:"Content-Disposition"`
	Body               ledger.Record
}

func (s *Server) projectRecord(ctx context.Context, p auth.Principal, in *idIn) (*recordOut, error) {
	rec, err := s.svc.ProjectRecord(ctx, p, in.ID)
	if err != nil {
		return nil, err
	}
	return &recordOut{ContentDisposition: `attachment; filename="tongban-record-` + in.ID + `.json"`, Body: rec}, nil
}
