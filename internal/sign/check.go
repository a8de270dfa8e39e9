package sign

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// StoreSignatures is what CheckStore checked.
type StoreSignatures struct {
	Keys   int // signing keys whose rows agree with their events
	Signed int // signed events whose signatures verified
}

// keyHistory is a key as its events tell it.
type keyHistory struct {
	owner   string
	pub     []byte
	state   string
	endSeq  int64 // sequence number of the event that retired or revoked it; 0 while active
	created int64 // sequence number of its key.create event
}

// CheckStore verifies the signatures of the whole record, as `tongban
// ledger verify` does after the ledger itself (which already proved that
// no event was changed, deleted or reordered since it was recorded):
//
//  1. the key events (record "signing-keys") replayed in order give every
//     signing key's owner, public key and state, and the signing_keys
//     table agrees with them (a key row altered, added or removed, or its
//     state changed, is found);
//  2. every signed event's signature verifies over its content
//     (DecisionContent) with the public key that key's key.create event
//     recorded, and the event comes after that key.create and before the
//     key was retired or revoked: a key signs nothing after it left
//     service.
//
// The first difference, by sequence number, is an apperr.Conflict with key
// ledger.tampered. Signatures are verified on all cores.
func CheckStore(ctx context.Context, tx *store.Tx) (StoreSignatures, error) {
	var rep StoreSignatures
	hist, err := replayKeys(ctx, tx)
	if err != nil {
		return rep, err
	}
	if rep.Keys, err = compareKeyRows(ctx, tx, hist); err != nil {
		return rep, err
	}
	rows, err := tx.Query(ctx, `SELECT seq, id, project_id, stage_id, task_id, kind, actor_id, actor_name, actor_role, from_state, to_state, from_level, to_level, opinion, data, at
FROM events ORDER BY seq`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	type job struct {
		e    store.Event
		data []byte
		pub  []byte
	}
	var (
		mu       sync.Mutex
		firstBad int64
		badMsg   [2]string
		wg       sync.WaitGroup
	)
	fail := func(seq int64, en, zh string) {
		mu.Lock()
		if firstBad == 0 || seq < firstBad {
			firstBad, badMsg = seq, [2]string{en, zh}
		}
		mu.Unlock()
	}
	jobs := make(chan job, 256)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				s, _, _ := SignatureOf(j.data)
				msg, err := DecisionContent(j.e, j.data)
				sig, err2 := decodeSig(s.Sig)
				if err != nil || err2 != nil || !VerifySM2(j.pub, msg, sig) {
					fail(j.e.Seq, fmt.Sprintf("event %d (%s, %s): its signature does not verify: the event or its signature was changed", j.e.Seq, j.e.ID, j.e.Kind),
						fmt.Sprintf("事件 %d（%s，%s）：签名验证失败，事件或其签名被改动", j.e.Seq, j.e.ID, j.e.Kind))
				}
			}
		}()
	}
	for rows.Next() {
		var e store.Event
		var data []byte
		var at int64
		if err := rows.Scan(&e.Seq, &e.ID, &e.ProjectID, &e.StageID, &e.TaskID, &e.Kind, &e.ActorID, &e.ActorName, &e.ActorRole,
			&e.From, &e.To, &e.FromLevel, &e.ToLevel, &e.Opinion, &data, &at); err != nil {
			close(jobs)
			wg.Wait()
			return rep, store.MapError(tx.Dialect(), err)
		}
		if !bytes.Contains(data, []byte(`"`+DataKey+`"`)) {
			continue
		}
		e.At = time.UnixMilli(at).UTC()
		s, ok, err := SignatureOf(data)
		if err != nil || !ok {
			continue // not a signed event (the ledger already vouches for the text)
		}
		h, known := hist[s.Key]
		pub, perr := hex.DecodeString(s.Pub)
		switch {
		case !known:
			fail(e.Seq, fmt.Sprintf("event %d (%s): signed with key %s, which no key event created", e.Seq, e.ID, s.Key),
				fmt.Sprintf("事件 %d（%s）：签名所用密钥 %s 没有生成记录", e.Seq, e.ID, s.Key))
			continue
		case perr != nil || !bytes.Equal(pub, h.pub) || s.Owner != h.owner:
			fail(e.Seq, fmt.Sprintf("event %d (%s): its signature names key %s but carries another public key or owner", e.Seq, e.ID, s.Key),
				fmt.Sprintf("事件 %d（%s）：签名所称密钥 %s 与其公钥或所有者不符", e.Seq, e.ID, s.Key))
			continue
		case e.Seq < h.created || (h.endSeq != 0 && e.Seq > h.endSeq):
			fail(e.Seq, fmt.Sprintf("event %d (%s): signed with key %s outside the time it was in service", e.Seq, e.ID, s.Key),
				fmt.Sprintf("事件 %d（%s）：密钥 %s 在其有效期之外签名", e.Seq, e.ID, s.Key))
			continue
		}
		rep.Signed++
		jobs <- job{e: e, data: data, pub: pub}
	}
	close(jobs)
	wg.Wait()
	if err := rows.Err(); err != nil {
		return rep, store.MapError(tx.Dialect(), err)
	}
	if firstBad != 0 {
		return rep, tamperedSig(badMsg[0], badMsg[1])
	}
	return rep, nil
}

func replayKeys(ctx context.Context, tx *store.Tx) (map[string]*keyHistory, error) {
	rows, err := tx.Query(ctx, `SELECT seq, kind, data FROM events WHERE project_id=? ORDER BY seq`, KeysRecord)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	hist := map[string]*keyHistory{}
	for rows.Next() {
		var seq int64
		var kind string
		var data []byte
		if err := rows.Scan(&seq, &kind, &data); err != nil {
			return nil, store.MapError(tx.Dialect(), err)
		}
		var d struct{ Key, Owner, Pub string }
		if err := json.Unmarshal(data, &d); err != nil || d.Key == "" {
			return nil, tamperedSig(fmt.Sprintf("key event %d is malformed", seq), fmt.Sprintf("密钥事件 %d 格式有误", seq))
		}
		h := hist[d.Key]
		switch {
		case kind == EventKeyCreate && h == nil:
			pub, err := hex.DecodeString(d.Pub)
			if err != nil {
				return nil, tamperedSig(fmt.Sprintf("key event %d: bad public key", seq), fmt.Sprintf("密钥事件 %d：公钥有误", seq))
			}
			hist[d.Key] = &keyHistory{owner: d.Owner, pub: pub, state: KeyActive, created: seq}
		case (kind == EventKeyRetire || kind == EventKeyRevoke) && h != nil && h.state == KeyActive:
			h.state, h.endSeq = KeyRetired, seq
			if kind == EventKeyRevoke {
				h.state = KeyRevoked
			}
		case kind == EventKeyRevoke && h != nil && h.state == KeyRetired:
			h.state = KeyRevoked // a retired key revoked later: it signed nothing since retiring anyway
		default:
			return nil, tamperedSig(fmt.Sprintf("key event %d (%s of key %s) does not follow from the ones before it", seq, kind, d.Key),
				fmt.Sprintf("密钥事件 %d（密钥 %s 的 %s）与此前的密钥事件不衔接", seq, d.Key, kind))
		}
	}
	return hist, store.MapError(tx.Dialect(), rows.Err())
}

func compareKeyRows(ctx context.Context, tx *store.Tx, hist map[string]*keyHistory) (int, error) {
	rows, err := tx.Query(ctx, `SELECT `+keyCols+`, active_owner FROM signing_keys ORDER BY id`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var active *string
		k, err := scanKey(rows, &active)
		if err != nil {
			return 0, store.MapError(tx.Dialect(), err)
		}
		h := hist[k.ID]
		activeOK := (k.State == KeyActive) == (active != nil && *active == string(k.Owner))
		if h == nil || string(k.Owner) != h.owner || !bytes.Equal(k.Public, h.pub) || k.State != h.state || !activeOK {
			return 0, tamperedSig(fmt.Sprintf("signing key %s (%s): its row differs from its key events (owner, public key or state changed)", k.ID, k.Owner),
				fmt.Sprintf("签名密钥 %s（%s）的记录与其密钥事件不符（所有者、公钥或状态被改动）", k.ID, k.Owner))
		}
		seen[k.ID] = true
	}
	if err := rows.Err(); err != nil {
		return 0, store.MapError(tx.Dialect(), err)
	}
	for id, h := range hist {
		if !seen[id] {
			return 0, tamperedSig(fmt.Sprintf("signing key %s (%s) is recorded by key event %d but its row is gone", id, h.owner, h.created),
				fmt.Sprintf("密钥事件 %d 记录的签名密钥 %s（%s）已不存在", h.created, id, h.owner))
		}
	}
	return len(seen), nil
}

func decodeSig(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

func tamperedSig(en, zh string) error {
	return &apperr.Error{Code: apperr.Conflict, Key: "ledger.tampered", ZH: "账本校验失败：" + zh, EN: "ledger verification failed: " + en}
}
