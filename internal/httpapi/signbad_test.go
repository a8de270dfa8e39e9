package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/demo"
	"github.com/tongban/tongban/internal/store"
)

// TestBadSignatureKeyAndCertificateInput feeds the routes of issue 4 wrong
// input: handwritten signatures that are not PNG, too big, too large in
// pixels or badly encoded; key owners and revocation reasons that are
// wrong; certificate numbers and uploads that are wrong. Each gets its
// problem with a message in both languages, and nothing is recorded.
func TestBadSignatureKeyAndCertificateInput(t *testing.T) {
	ctx := context.Background()
	sy := boot(t)
	a, base, pass := sy.a, sy.base, sy.pass
	flows := a.Service.Catalog().Flows()
	applicant := principalOf(t, sy, demo.Enterprises[0].Username)
	fx := apitest.MustProjectWithStage1(t, a.Service, applicant, flows[0].ID, "2025-350211-47-03-000912")
	clerk := login(t, base, demo.OfficerUsername(fx.TaskDept, auth.Clerk), pass[demo.OfficerUsername(fx.TaskDept, auth.Clerk)])
	var version int64
	for _, tr := range fx.Tasks {
		if tr.ID == fx.TaskID {
			version = tr.Version
		}
	}
	counts := func() (events, keys int) {
		if err := a.DB.Read(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM events`).Scan(&events); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM signing_keys`).Scan(&keys)
		}); err != nil {
			t.Fatal(err)
		}
		return
	}
	events0, keys0 := counts()
	pngOf := func(w, h int) string {
		var b bytes.Buffer
		_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)))
		return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
	}
	big := make([]byte, 300<<10)
	for i := range big {
		big[i] = byte(i * 7919)
	}
	for _, c := range []struct {
		name, handwriting string
	}{
		{"not a data URL", "https://example.com/sig.png"},
		{"a JPEG data URL", "data:image/jpeg;base64,/9j/4AAQ"},
		{"bad base64", "data:image/png;base64,%%%"},
		{"not a PNG inside", "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("GIF89a not a png"))},
		{"truncated PNG", pngOf(10, 10)[:60]},
		{"too many pixels", pngOf(4000, 10)},
		{"too many bytes", "data:image/png;base64," + base64.StdEncoding.EncodeToString(append([]byte("\x89PNG\r\n\x1a\n"), big...))},
	} {
		err := clerk.Do(ctx, http.MethodPost, "/api/v1/tasks/"+fx.TaskID+"/actions", map[string]any{"action": "accept", "version": version, "handwriting": c.handwriting}, nil)
		p, ok := err.(*apitest.Problem)
		if !ok || (p.Status != 400 && p.Status != 422) || p.Detail == "" {
			t.Errorf("%s: %v, want 400 with a message", c.name, err)
		}
	}
	if e, k := counts(); e != events0 || k != keys0 {
		t.Fatalf("bad handwriting recorded something: events %d → %d, keys %d → %d", events0, e, keys0, k)
	}

	// Keys: an owner that is malformed, a department that does not exist,
	// an applicant's key, another officer's keys, a revocation without a
	// reason or of a key that does not exist.
	anquan := login(t, base, "anquan", pass["anquan"])
	app := login(t, base, demo.Enterprises[0].Username, pass[demo.Enterprises[0].Username])
	var ks []map[string]any
	wantProblem(t, anquan.Do(ctx, http.MethodGet, "/api/v1/keys?owner=root", nil, &ks), 400, "sign.bad_owner")
	wantProblem(t, anquan.Do(ctx, http.MethodPost, "/api/v1/keys/rotate", map[string]any{"owner": "dept:NOPE"}, nil), 404, "sign.no_department")
	wantProblem(t, anquan.Do(ctx, http.MethodPost, "/api/v1/keys/rotate", map[string]any{"owner": "user:" + applicant.UserID}, nil), 400, "sign.not_officer")
	wantProblem(t, clerk.Do(ctx, http.MethodGet, "/api/v1/keys?owner=dept:"+fx.TaskDept, nil, &ks), 403, "sign.keys_forbidden")
	wantProblem(t, app.Do(ctx, http.MethodGet, "/api/v1/keys?owner=me", nil, &ks), 403, "auth.role")
	wantProblem(t, anquan.Do(ctx, http.MethodPost, "/api/v1/keys/01NOSUCHKEY000000000000000/revoke", map[string]any{"reason": "  "}, nil), 400, "sign.revoke_reason")
	wantProblem(t, anquan.Do(ctx, http.MethodPost, "/api/v1/keys/01NOSUCHKEY000000000000000/revoke", map[string]any{"reason": strings.Repeat("长", 201)}, nil), 400, "sign.revoke_reason")
	wantProblem(t, anquan.Do(ctx, http.MethodPost, "/api/v1/keys/01NOSUCHKEY000000000000000/revoke", map[string]any{"reason": "泄露"}, nil), 404, "sign.key_not_found")
	if e, k := counts(); e != events0 || k != keys0 {
		t.Fatalf("bad key requests recorded something: events %d → %d, keys %d → %d", events0, e, keys0, k)
	}

	// Certificates: a malformed number, an unknown one, uploads that are
	// not multipart, empty, or without the file field; revoking one that
	// does not exist.
	anon := apitest.New(base)
	wantProblem(t, anon.Do(ctx, http.MethodGet, "/api/v1/public/certificates/NO_SUCH", nil, nil), 400, "cert.bad_number")
	var v struct {
		Found  bool   `json:"found"`
		Status string `json:"status"`
	}
	if err := anon.Do(ctx, http.MethodGet, "/api/v1/public/certificates/FGW-2020-999999", nil, &v); err != nil || v.Found || v.Status != "not_found" {
		t.Errorf("unknown number: %+v %v", v, err)
	}
	upload := func(field string, content []byte, ctype string) error {
		var body bytes.Buffer
		if ctype == "" {
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile(field, "x.pdf")
			fw.Write(content)
			mw.Close()
			ctype = mw.FormDataContentType()
		} else {
			body.Write(content)
		}
		return anon.Raw(ctx, http.MethodPost, "/api/v1/public/certificates/verify", &body, map[string]string{"Content-Type": ctype}, nil)
	}
	wantProblem(t, upload("file", []byte("%PDF"), "application/pdf"), 400, "cert.upload")
	wantProblem(t, upload("file", nil, ""), 400, "cert.upload_empty")
	wantProblem(t, upload("other", []byte("%PDF-1.4"), ""), 400, "cert.upload")
	approver := login(t, base, demo.OfficerUsername(fx.TaskDept, auth.Approver), pass[demo.OfficerUsername(fx.TaskDept, auth.Approver)])
	wantProblem(t, approver.Do(ctx, http.MethodPost, "/api/v1/certificates/FGW-2020-999999/revoke", map[string]any{"reason": "x"}, nil), 404, "cert.not_found")
	if e, k := counts(); e != events0 || k != keys0 {
		t.Fatalf("bad certificate requests recorded something: events %d → %d, keys %d → %d", events0, e, keys0, k)
	}
}
