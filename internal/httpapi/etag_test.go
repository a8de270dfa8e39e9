package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/demo"
)

// Polled reads carry an ETag; a poll that finds nothing changed gets 304
// and no body; a change gives a new tag; errors and writes get none.
func TestETagOnPolledReads(t *testing.T) {
	s := boot(t)
	ctx := context.Background()
	fx := apitest.MustProjectWithStage1(t, s.a.Service, principalOf(t, s, "qiye"), s.a.Service.Catalog().Flows()[0].ID, "2025-350211-47-03-000933")
	app := login(t, s.base, "qiye", s.pass["qiye"])
	get := func(c *apitest.Client, path, inm string) (int, string, []byte) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+path, nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		resp, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == http.StatusOK && resp.Header.Get("Cache-Control") != "private, no-cache" {
			t.Errorf("GET %s: Cache-Control %q", path, resp.Header.Get("Cache-Control"))
		}
		return resp.StatusCode, resp.Header.Get("ETag"), b
	}
	path := "/api/v1/projects/" + fx.ProjectID
	st, tag, body := get(app, path, "")
	if st != 200 || tag == "" || len(body) == 0 {
		t.Fatalf("first read: %d, tag %q, %d bytes", st, tag, len(body))
	}
	if st, tag2, body := get(app, path, tag); st != http.StatusNotModified || tag2 != tag || len(body) != 0 {
		t.Fatalf("unchanged read: %d, tag %q, %d bytes; want 304, %q, no body", st, tag2, len(body), tag)
	}
	if st, _, _ := get(app, path, `"other", W/`+tag); st != http.StatusNotModified {
		t.Errorf("a list holding the weak form of the tag: %d, want 304", st)
	}

	tk := fx.Tasks[0]
	u := demo.OfficerUsername(tk.DeptCode, auth.Clerk)
	clerk := login(t, s.base, u, s.pass[u])
	if err := clerk.Do(ctx, http.MethodPost, "/api/v1/tasks/"+tk.ID+"/actions", map[string]any{"action": "accept", "version": tk.Version}, nil); err != nil {
		t.Fatal(err)
	}
	if st, tag3, body := get(app, path, tag); st != 200 || tag3 == tag || len(body) == 0 {
		t.Errorf("after a decision: %d, tag %q (was %q), %d bytes; want 200 with a new tag", st, tag3, tag, len(body))
	}

	// Another applicant's read of the same path is a 404 problem, never a 304 on a guessed tag.
	other := login(t, s.base, "qiye2", s.pass["qiye2"])
	if st, tag4, _ := get(other, path, tag); st != http.StatusNotFound || tag4 != "" {
		t.Errorf("someone else's project with its tag: %d, tag %q; want 404 without a tag", st, tag4)
	}
}
