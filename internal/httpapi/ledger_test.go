package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/demo"
	"github.com/tongban/tongban/internal/ledger"
)

// The ledger's public routes answer without a login; a project's record
// only to those who may see the project, and it verifies offline.
func TestLedgerRoutes(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	anon := apitest.New(s.base)
	applicant := auth.Principal{Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: demo.Enterprises[0].USCC, UserID: mustUserID(t, s.a, demo.Enterprises[0].Username)}
	fx := apitest.MustProjectWithStage1(t, s.a.Service, applicant, s.a.Service.Catalog().Flows()[0].ID, "2025-350211-47-03-000888")
	if _, _, err := s.a.Service.CheckpointNow(ctx); err != nil {
		t.Fatal(err)
	}

	var cp struct {
		Origin   string `json:"origin"`
		TreeSize uint64 `json:"tree_size"`
		Note     string `json:"note"`
	}
	if err := anon.Do(ctx, http.MethodGet, "/api/v1/ledger/checkpoint", nil, &cp); err != nil {
		t.Fatal(err)
	}
	var keys struct {
		Keys []ledger.PublicKey `json:"keys"`
	}
	if err := anon.Do(ctx, http.MethodGet, "/api/v1/ledger/keys", nil, &keys); err != nil || len(keys.Keys) != 2 {
		t.Fatalf("keys: %+v, %v", keys, err)
	}
	c, err := ledger.Verify([]byte(cp.Note), cp.Origin, verifiers(t, keys.Keys)...)
	if err != nil || c.Size != cp.TreeSize || c.Size == 0 || cp.Origin != "tongban.local/ledger" {
		t.Fatalf("checkpoint %+v does not verify with the published keys: %v", cp, err)
	}
	var cons struct {
		Proof []string `json:"proof"`
	}
	if err := anon.Do(ctx, http.MethodGet, "/api/v1/ledger/consistency?from=1&to="+itoa(c.Size), nil, &cons); err != nil || (c.Size > 1 && len(cons.Proof) == 0) {
		t.Errorf("consistency 1→%d: %+v, %v", c.Size, cons, err)
	}

	own := login(t, s.base, demo.Enterprises[0].Username, s.pass[demo.Enterprises[0].Username])
	var rec ledger.Record
	if err := own.Do(ctx, http.MethodGet, "/api/v1/projects/"+fx.ProjectID+"/record", nil, &rec); err != nil {
		t.Fatal(err)
	}
	rep := ledger.VerifyRecord(rec, nil, nil)
	okN, pending, failed := rep.Counts()
	if !rep.OK() || okN == 0 || pending != 0 || failed != 0 || okN != len(rec.Events) {
		t.Errorf("record: %d ok, %d pending, %d failed, err %v", okN, pending, failed, rep.Err)
	}
	other := login(t, s.base, demo.Enterprises[1].Username, s.pass[demo.Enterprises[1].Username])
	wantProblem(t, other.Do(ctx, http.MethodGet, "/api/v1/projects/"+fx.ProjectID+"/record", nil, nil), 404, "")
	wantProblem(t, anon.Do(ctx, http.MethodGet, "/api/v1/projects/"+fx.ProjectID+"/record", nil, nil), 401, "")
}

func TestLedgerBadInput(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	anon := apitest.New(s.base)
	var cp struct {
		TreeSize uint64 `json:"tree_size"`
	}
	if err := anon.Do(ctx, http.MethodGet, "/api/v1/ledger/checkpoint", nil, &cp); err != nil {
		t.Fatal(err)
	}
	beyond := itoa(cp.TreeSize + 1)
	for _, c := range []struct {
		query  string
		status int
		key    string
		says   string
	}{
		{"?from=3&to=2", 400, "ledger.bad_size", "larger than"},
		{"?from=0&to=" + beyond, 400, "ledger.bad_size", "has not reached size " + beyond},
		{"?from=-1&to=2", 0, "", "from"},
		{"?from=x&to=2", 0, "", "from"},
		{"?to=2", 0, "", "from"},
		{"?from=1", 0, "", "to"},
	} {
		err := anon.Do(ctx, http.MethodGet, "/api/v1/ledger/consistency"+c.query, nil, nil)
		p, ok := err.(*apitest.Problem)
		if !ok || (c.status != 0 && p.Status != c.status) || p.Status < 400 || p.Status >= 500 || (c.key != "" && p.Key != c.key) {
			t.Errorf("%s: got %v, want a %d %s problem", c.query, err, c.status, c.key)
			continue
		}
		if all := p.Detail + p.DetailEN + fieldsText(p); !strings.Contains(all, c.says) {
			t.Errorf("%s: problem %+v does not say %q", c.query, p, c.says)
		}
	}
	admin := login(t, s.base, "jiancha", s.pass["jiancha"])
	wantProblem(t, admin.Do(ctx, http.MethodGet, "/api/v1/projects/01JNOSUCHPROJECT0000000000/record", nil, nil), 404, "")
}

func verifiers(t *testing.T, keys []ledger.PublicKey) []note.Verifier {
	t.Helper()
	var vs []note.Verifier
	for _, k := range keys {
		v, err := ledger.NewVerifier(k.VerifierKey)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

func fieldsText(p *apitest.Problem) string {
	var b strings.Builder
	for k, v := range p.Fields {
		fmt.Fprint(&b, k, v)
	}
	return b.String()
}
