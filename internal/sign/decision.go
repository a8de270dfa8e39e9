package sign

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/store"
)

// DataKey is the member of an event's data that holds its signature.
const DataKey = "signature"

// SignatureAlg names the signature scheme in records and the API.
const SignatureAlg = "SM2-SM3"

// decisionTag starts every signed decision's content; a new layout gets a
// new tag.
const decisionTag = "tongban/decision/v1"

// EventSignature is the data member "signature" of a signed event.
type EventSignature struct {
	Alg   string `json:"alg"`
	Key   string `json:"key"`
	Owner string `json:"owner"`
	Pub   string `json:"pub"` // hex, uncompressed point
	Sig   string `json:"sig"` // base64 DER
}

// DecisionContent is what an officer signs for an event: the canonical
// JSON (docs/ledger.md, section 1) of
//
//	{"v":"tongban/decision/v1","id":…,"project_id":…,"stage_id":…,"task_id":…,
//	 "kind":…,"actor_id":…,"actor_name":…,"actor_role":…,"from_state":…,
//	 "to_state":…,"from_level":n,"to_level":n,"opinion":…,"data":{…},"at":ms}
//
// where data is the event's data without its "signature" member. Every
// field the record shows of a decision is in it; the sequence number and
// ledger position are not (they are given after signing, and the ledger
// protects them).
func DecisionContent(e store.Event, dataJSON []byte) ([]byte, error) {
	data := map[string]json.RawMessage{}
	if len(dataJSON) > 0 {
		if err := json.Unmarshal(dataJSON, &data); err != nil {
			return nil, apperr.Wrap(err, "decision data")
		}
	}
	delete(data, DataKey)
	d, err := json.Marshal(data)
	if err != nil {
		return nil, apperr.Wrap(err, "decision data")
	}
	doc := struct {
		V         string          `json:"v"`
		ID        string          `json:"id"`
		ProjectID string          `json:"project_id"`
		StageID   string          `json:"stage_id"`
		TaskID    string          `json:"task_id"`
		Kind      string          `json:"kind"`
		ActorID   string          `json:"actor_id"`
		ActorName string          `json:"actor_name"`
		ActorRole string          `json:"actor_role"`
		From      string          `json:"from_state"`
		To        string          `json:"to_state"`
		FromLevel int             `json:"from_level"`
		ToLevel   int             `json:"to_level"`
		Opinion   string          `json:"opinion"`
		Data      json.RawMessage `json:"data"`
		At        int64           `json:"at"`
	}{decisionTag, e.ID, e.ProjectID, e.StageID, e.TaskID, e.Kind, e.ActorID, e.ActorName, e.ActorRole, e.From, e.To,
		e.FromLevel, e.ToLevel, e.Opinion, d, e.At.UTC().UnixMilli()}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, apperr.Wrap(err, "decision content")
	}
	return ledger.CanonicalJSON(raw)
}

// SignEvent signs e for owner and puts the signature into e.Data. e must
// have its id and time set (they are signed) and be stored as it is now.
func (r *Keyring) SignEvent(ctx context.Context, tx *store.Tx, owner Owner, e *store.Event) error {
	if e.ID == "" {
		e.ID = store.NewID()
	}
	e.At = e.At.UTC().Truncate(time.Millisecond) // milliseconds, as stored
	var dataJSON []byte
	if len(e.Data) > 0 {
		var err error
		if dataJSON, err = json.Marshal(e.Data); err != nil {
			return apperr.Wrap(err, "decision data")
		}
	}
	msg, err := DecisionContent(*e, dataJSON)
	if err != nil {
		return err
	}
	sig, err := r.Sign(ctx, tx, owner, msg, e.At)
	if err != nil {
		return err
	}
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	e.Data[DataKey] = EventSignature{Alg: SignatureAlg, Key: sig.KeyID, Owner: string(owner), Pub: hex.EncodeToString(sig.Public),
		Sig: base64.StdEncoding.EncodeToString(sig.Value)}
	return nil
}

// Verdict of a signed event, as every read that shows it reports.
const (
	SigValid      = "valid"       // the signature is the key's over the event as stored
	SigInvalid    = "invalid"     // the event no longer matches what was signed
	SigKeyUnknown = "key_unknown" // the signature names a key that is not the stored key
)

// EventVerdict is the outcome of checking an event's signature.
type EventVerdict struct {
	Signed      bool
	Status      string
	KeyID       string
	Owner       Owner
	Fingerprint string
}

// SignatureOf returns the signature member of an event's data text, if any.
func SignatureOf(dataJSON []byte) (EventSignature, bool, error) {
	var d struct {
		Sig *EventSignature `json:"signature"`
	}
	if len(dataJSON) == 0 {
		return EventSignature{}, false, nil
	}
	if err := json.Unmarshal(dataJSON, &d); err != nil {
		return EventSignature{}, false, err
	}
	if d.Sig == nil {
		return EventSignature{}, false, nil
	}
	return *d.Sig, true, nil
}

// VerifyEvent checks the signature of an event against its stored data
// text and the key its signature names (keys: stored keys by id).
func VerifyEvent(e store.Event, dataJSON []byte, keys map[string]KeyInfo) EventVerdict {
	s, ok, err := SignatureOf(dataJSON)
	if err != nil {
		return EventVerdict{Signed: true, Status: SigInvalid}
	}
	if !ok {
		return EventVerdict{}
	}
	v := EventVerdict{Signed: true, KeyID: s.Key, Owner: Owner(s.Owner)}
	pub, err1 := hex.DecodeString(s.Pub)
	sig, err2 := base64.StdEncoding.DecodeString(s.Sig)
	if err1 != nil || err2 != nil || s.Alg != SignatureAlg {
		v.Status = SigInvalid
		return v
	}
	v.Fingerprint = Fingerprint(pub)
	k, known := keys[s.Key]
	if !known || string(k.Public) != string(pub) || string(k.Owner) != s.Owner {
		v.Status = SigKeyUnknown
		return v
	}
	msg, err := DecisionContent(e, dataJSON)
	if err != nil {
		v.Status = SigInvalid
		return v
	}
	if verifyCached(pub, msg, sig) {
		v.Status = SigValid
	} else {
		v.Status = SigInvalid
	}
	return v
}

// verified remembers signatures that verified (by SM3 of key, content and
// signature), so that a timeline polled every few seconds costs one SM3
// per event, not one SM2 verification. Bounded: cleared when full.
var verified = struct {
	sync.Mutex
	m map[[32]byte]struct{}
}{m: map[[32]byte]struct{}{}}

const verifiedMax = 200_000

func verifyCached(pub, msg, sig []byte) bool {
	h := sm3.New()
	for _, b := range [][]byte{pub, msg, sig} {
		h.Write([]byte(strconv.Itoa(len(b)) + ":"))
		h.Write(b)
	}
	var k [32]byte
	copy(k[:], h.Sum(nil))
	verified.Lock()
	_, ok := verified.m[k]
	verified.Unlock()
	if ok {
		return true
	}
	if !VerifySM2(pub, msg, sig) {
		return false
	}
	verified.Lock()
	if len(verified.m) >= verifiedMax {
		clear(verified.m)
	}
	verified.m[k] = struct{}{}
	verified.Unlock()
	return true
}
