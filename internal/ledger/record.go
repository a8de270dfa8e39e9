package ledger

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"math/bits"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// RecordFormat names the layout of a downloaded project record.
const RecordFormat = "tongban/record/v1"

// Record is a project's record as an applicant downloads it: every event
// with the stored fields its leaf is computed from (docs/ledger.md section
// 1), its leaf index and its inclusion proof against the checkpoint, the
// signed checkpoint note and the public keys. It verifies offline
// (VerifyRecord, `tongban ledger verify --record`). Hashes are hex.
type Record struct {
	Format     string        `json:"format" doc:"tongban/record/v1"`
	ProjectID  string        `json:"project_id"`
	Origin     string        `json:"origin" doc:"The log's name, first line of the checkpoint"`
	Checkpoint string        `json:"checkpoint" doc:"The latest signed checkpoint (C2SP signed note); empty if none yet"`
	TreeSize   uint64        `json:"tree_size" doc:"Size of the checkpoint's tree"`
	Root       string        `json:"root" doc:"Root of the checkpoint's tree, hex"`
	Keys       []PublicKey   `json:"keys" doc:"The keys that sign checkpoints; compare them with the published ones"`
	Events     []RecordEvent `json:"events"`
}

// RecordEvent is one event of a Record: the stored fields, named as the
// columns of the events table, and where it is in the ledger.
type RecordEvent struct {
	Seq       int64           `json:"seq"`
	ID        string          `json:"id"`
	ProjectID string          `json:"project_id"`
	StageID   string          `json:"stage_id"`
	TaskID    string          `json:"task_id"`
	Kind      string          `json:"kind"`
	ActorID   string          `json:"actor_id"`
	ActorName string          `json:"actor_name"`
	ActorRole string          `json:"actor_role"`
	FromState string          `json:"from_state"`
	ToState   string          `json:"to_state"`
	FromLevel int64           `json:"from_level"`
	ToLevel   int64           `json:"to_level"`
	Opinion   string          `json:"opinion"`
	Data      json.RawMessage `json:"data" doc:"The data column's JSON; its canonical form enters the leaf"`
	AtMS      int64           `json:"at_ms" doc:"Time, unix milliseconds UTC: what enters the leaf"`
	At        time.Time       `json:"at" doc:"The same time, for reading"`
	LeafIndex *uint64         `json:"leaf_index" doc:"Index of the event's leaf; null if the event is not in the ledger"`
	LeafHash  string          `json:"leaf_hash,omitempty" doc:"SM3(0x00 || leaf), hex, as stored"`
	Pending   bool            `json:"pending" doc:"In the ledger but not yet under the checkpoint: no proof until the next one"`
	Proof     []string        `json:"proof" doc:"Inclusion proof against the checkpoint, hex hashes from the leaf up"`
}

// Event returns the event as the store holds it, for EventLeafRaw; data
// stays in r.Data.
func (r RecordEvent) Event() store.Event {
	return store.Event{Seq: r.Seq, ID: r.ID, ProjectID: r.ProjectID, StageID: r.StageID, TaskID: r.TaskID, Kind: r.Kind,
		ActorID: r.ActorID, ActorName: r.ActorName, ActorRole: r.ActorRole, From: r.FromState, To: r.ToState,
		FromLevel: int(r.FromLevel), ToLevel: int(r.ToLevel), Opinion: r.Opinion, At: time.UnixMilli(r.AtMS).UTC()}
}

// eventCols are the events columns a leaf is computed from, in the order
// scanEvent reads them.
const eventCols = `e.seq, e.id, e.project_id, e.stage_id, e.task_id, e.kind, e.actor_id, e.actor_name, e.actor_role,
e.from_state, e.to_state, e.from_level, e.to_level, e.opinion, e.data, e.at`

func scanEvent(sc interface{ Scan(...any) error }, extra ...any) (RecordEvent, error) {
	var r RecordEvent
	var data string
	err := sc.Scan(append([]any{&r.Seq, &r.ID, &r.ProjectID, &r.StageID, &r.TaskID, &r.Kind, &r.ActorID, &r.ActorName, &r.ActorRole,
		&r.FromState, &r.ToState, &r.FromLevel, &r.ToLevel, &r.Opinion, &data, &r.AtMS}, extra...)...)
	if data == "" {
		data = "{}"
	}
	r.Data = json.RawMessage(data)
	r.At = time.UnixMilli(r.AtMS).UTC()
	return r, err
}

// BuildRecord assembles the record of a project as of tx: its events in
// sequence order, each with its leaf and, when the latest checkpoint covers
// it, its inclusion proof in that checkpoint's tree. The caller checks that
// the reader may see the project. keys describe the checkpoint keys.
func BuildRecord(ctx context.Context, tx *store.Tx, projectID, origin string, keys []PublicKey) (Record, error) {
	rec := Record{Format: RecordFormat, ProjectID: projectID, Origin: origin, Keys: keys, Events: []RecordEvent{}}
	latest, err := Latest(ctx, tx)
	switch {
	case err == nil:
		rec.Checkpoint, rec.TreeSize, rec.Root = string(latest.Note), latest.Size, hex.EncodeToString(latest.Root)
	case !apperr.Is(err, apperr.NotFound):
		return Record{}, err
	}
	rows, err := tx.Query(ctx, `SELECT `+eventCols+`, l.leaf_index, l.leaf_hash
FROM events e LEFT JOIN ledger_leaves l ON l.event_seq = e.seq WHERE e.project_id=? ORDER BY e.seq`, projectID)
	if err != nil {
		return Record{}, err
	}
	for rows.Next() {
		var idx *int64
		var hash []byte
		r, err := scanEvent(rows, &idx, &hash)
		if err != nil {
			rows.Close()
			return Record{}, store.MapError(tx.Dialect(), err)
		}
		if idx != nil {
			i := uint64(*idx)
			r.LeafIndex, r.LeafHash = &i, hex.EncodeToString(hash)
		}
		rec.Events = append(rec.Events, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Record{}, store.MapError(tx.Dialect(), err)
	}
	// The proofs, once the rows are closed: PostgreSQL and MySQL run one
	// statement at a time on a connection.
	for i := range rec.Events {
		r := &rec.Events[i]
		r.Proof = []string{}
		if r.LeafIndex == nil {
			continue
		}
		if latest.Note == nil || *r.LeafIndex >= latest.Size {
			r.Pending = true
			continue
		}
		p, err := InclusionProof(ctx, tx, *r.LeafIndex, latest.Size)
		if err != nil {
			return Record{}, err
		}
		for _, h := range p {
			r.Proof = append(r.Proof, hex.EncodeToString(h))
		}
	}
	return rec, nil
}

// Verdicts of VerifyRecord for one event.
const (
	VerdictOK      = "ok"      // the event, as listed, is in the checkpoint's tree
	VerdictPending = "pending" // in the ledger after the checkpoint: provable at the next one
	VerdictFailed  = "failed"  // see Err
)

// EventVerdict is VerifyRecord's finding about one event.
type EventVerdict struct {
	Seq       int64
	ID        string
	Kind      string
	At        time.Time
	LeafIndex *uint64
	LeafHash  []byte // recomputed from the listed fields
	Verdict   string
	Err       *apperr.Error // why it failed; nil otherwise
}

// RecordReport is what VerifyRecord found.
type RecordReport struct {
	Checkpoint Checkpoint // the verified checkpoint (zero if Err)
	Events     []EventVerdict
	Err        *apperr.Error // the record as a whole does not verify: no event is checked
}

// Counts returns how many events verified, are pending and failed.
func (r RecordReport) Counts() (ok, pending, failed int) {
	for _, e := range r.Events {
		switch e.Verdict {
		case VerdictOK:
			ok++
		case VerdictPending:
			pending++
		default:
			failed++
		}
	}
	return ok, pending, failed
}

// OK reports whether nothing failed.
func (r RecordReport) OK() bool {
	_, _, failed := r.Counts()
	return r.Err == nil && failed == 0
}

// VerifyRecord checks a downloaded record with no database: the checkpoint
// note (checkpointNote, or the record's own when nil) against the keys
// (verifiers, or the record's own when nil: every given key must have
// signed) and the record's origin; then, for every event, recomputes its
// leaf from the listed fields (docs/ledger.md section 1) and checks its
// inclusion proof against the checkpoint's root.
func VerifyRecord(rec Record, checkpointNote []byte, verifiers []note.Verifier) RecordReport {
	var rep RecordReport
	if rec.Format != RecordFormat {
		rep.Err = apperr.Newf(apperr.Invalid, "ledger.record_format", "不是通办项目档案（format 应为 %q）", "not a Tongban project record (format must be %q)", RecordFormat)
		return rep
	}
	fromRecord := checkpointNote == nil
	if fromRecord {
		checkpointNote = []byte(rec.Checkpoint)
	}
	if len(checkpointNote) == 0 {
		rep.Err = apperr.New(apperr.Invalid, "ledger.record_no_checkpoint", "档案中没有检查点（账本尚未签署检查点），无法校验", "the record carries no checkpoint (none was signed yet): nothing can be verified")
		return rep
	}
	if verifiers == nil {
		for _, k := range rec.Keys {
			v, err := NewVerifier(k.VerifierKey)
			if err != nil {
				rep.Err = apperr.As(err)
				return rep
			}
			verifiers = append(verifiers, v)
		}
	}
	c, err := Verify(checkpointNote, rec.Origin, verifiers...)
	if err != nil {
		rep.Err = apperr.As(err)
		return rep
	}
	rep.Checkpoint = c
	if c.Size != rec.TreeSize || hex.EncodeToString(c.Root) != rec.Root {
		if fromRecord {
			rep.Err = apperr.Newf(apperr.Invalid, "ledger.record_mismatch", "档案的 tree_size/root（%d，%s）与其签名检查点（%d，%x）不符：档案被改动",
				"the record's tree_size/root (%d, %s) disagree with its signed checkpoint (%d, %x): the record was altered", rec.TreeSize, rec.Root, c.Size, c.Root)
		} else {
			rep.Err = apperr.Newf(apperr.Invalid, "ledger.record_other_checkpoint", "档案中的证明针对规模 %d（根 %s）的账本，而所给检查点为规模 %d（根 %x）：请给出档案所依据的检查点，或重新下载档案",
				"the record's proofs are for the tree of size %d (root %s), the checkpoint given is of size %d (root %x): give the checkpoint the record was made against, or download the record again", rec.TreeSize, rec.Root, c.Size, c.Root)
		}
		return rep
	}
	for _, ev := range rec.Events {
		rep.Events = append(rep.Events, verifyEvent(rec.ProjectID, ev, c))
	}
	return rep
}

func verifyEvent(projectID string, ev RecordEvent, c Checkpoint) EventVerdict {
	v := EventVerdict{Seq: ev.Seq, ID: ev.ID, Kind: ev.Kind, At: time.UnixMilli(ev.AtMS).UTC(), LeafIndex: ev.LeafIndex, Verdict: VerdictFailed}
	fail := func(key, zh, en string, args ...any) EventVerdict {
		v.Err = apperr.Newf(apperr.Invalid, key, zh, en, args...)
		return v
	}
	if ev.ProjectID != projectID {
		return fail("ledger.record_other_project", "该事件属于另一项目 %s", "the event belongs to another project, %s", ev.ProjectID)
	}
	leaf, err := EventLeafRaw(ev.Event(), ev.Data)
	if err != nil {
		return fail("ledger.record_bad_event", "事件字段无法编码为账本条目（数据不是有效 JSON 或文字不是 UTF-8）", "the event's fields cannot be encoded as a ledger entry (data is not valid JSON, or text is not UTF-8)")
	}
	v.LeafHash = Hasher{}.HashLeaf(leaf)
	if ev.LeafIndex == nil {
		return fail("ledger.record_not_in_ledger", "该事件不在账本中", "the event is not in the ledger")
	}
	i := *ev.LeafIndex
	if i >= c.Size {
		if ev.Pending {
			v.Verdict = VerdictPending
			return v
		}
		return fail("ledger.record_beyond", "条目 %d 不在检查点（规模 %d）之内，却未标为待定", "entry %d is beyond the checkpoint (size %d) but not marked pending", i, c.Size)
	}
	if len(ev.Proof) == 0 && ev.Pending {
		return fail("ledger.record_no_proof", "条目 %d 在检查点（规模 %d）之内，档案却未给出证明", "entry %d is under the checkpoint (size %d) but the record gives no proof", i, c.Size)
	}
	p := make([][]byte, len(ev.Proof))
	for k, h := range ev.Proof {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != HashSize {
			return fail("ledger.record_bad_proof", "证明的第 %d 个哈希不是 %d 字节的十六进制", "proof hash %d is not %d bytes of hex", k+1, HashSize)
		}
		p[k] = b
	}
	if want := inclusionProofLen(i, c.Size); len(p) != want {
		return fail("ledger.record_proof_length", "证明有 %d 个哈希，规模 %d 的账本中条目 %d 的证明应有 %d 个：证明被改动",
			"the proof has %d hashes; entry %d in a tree of size %d needs %d: the proof was altered", len(p), i, c.Size, want)
	}
	if err := proof.VerifyInclusion(Hasher{}, i, c.Size, v.LeafHash, p, c.Root); err == nil {
		v.Verdict = VerdictOK
		return v
	}
	if stored, err := hex.DecodeString(ev.LeafHash); err == nil && len(stored) == HashSize && string(stored) != string(v.LeafHash) &&
		proof.VerifyInclusion(Hasher{}, i, c.Size, stored, p, c.Root) == nil {
		return fail("ledger.record_event_altered", "事件内容与记入账本时不同（重算的条目哈希 %x，账本中为 %s）：事件被改动",
			"the event's fields differ from what was recorded (recomputed leaf hash %x, the ledger's %s): the event was altered", v.LeafHash, ev.LeafHash)
	}
	return fail("ledger.record_proof_fails", "包含证明不能导出检查点的根：事件、条目序号或证明被改动",
		"the inclusion proof does not lead to the checkpoint's root: the event, its entry index or the proof was altered")
}

// inclusionProofLen is the length of the RFC 6962 inclusion proof of leaf
// index in a tree of size (index < size).
func inclusionProofLen(index, size uint64) int {
	inner := bits.Len64(index ^ (size - 1))
	return inner + bits.OnesCount64(index>>uint(inner))
}
