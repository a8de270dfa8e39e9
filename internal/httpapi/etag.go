package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// The web UI polls the project page and the to-do list every few seconds
// (see web/src/composables/usePolling.ts). Most polls find nothing changed,
// so API reads carry an ETag of their body and "Cache-Control: private,
// no-cache": the browser revalidates every time with If-None-Match and a
// 304 sends no body. The server still builds the answer (correctness does
// not depend on tracking every change that could alter it); what is saved
// is the transfer and the client's parsing and re-rendering, which matter
// on a phone.

// etagged reports whether a request's answer gets an ETag: API reads,
// except file downloads, which stream and have their own caching.
func etagged(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/") && !strings.HasSuffix(r.URL.Path, "/content")
}

// etagWriter holds a response back until it is complete, to hash it.
type etagWriter struct {
	w      http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (e *etagWriter) Header() http.Header { return e.w.Header() }

func (e *etagWriter) WriteHeader(code int) {
	if e.status == 0 {
		e.status = code
	}
}

func (e *etagWriter) Write(b []byte) (int, error) {
	if e.status == 0 {
		e.status = http.StatusOK
	}
	return e.body.Write(b)
}

// finish sends the held response: a 200 with its ETag, or 304 when the
// client already has that body.
func (e *etagWriter) finish(r *http.Request) {
	if e.status == 0 {
		e.status = http.StatusOK
	}
	if e.status == http.StatusOK {
		sum := sha256.Sum256(e.body.Bytes())
		tag := `"` + hex.EncodeToString(sum[:16]) + `"`
		h := e.w.Header()
		h.Set("ETag", tag)
		h.Set("Cache-Control", "private, no-cache")
		if matchesETag(r.Header.Get("If-None-Match"), tag) {
			h.Del("Content-Length")
			h.Del("Content-Type")
			e.w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	e.w.WriteHeader(e.status)
	_, _ = e.w.Write(e.body.Bytes())
}

// matchesETag applies If-None-Match's weak comparison (RFC 9110 13.1.2).
func matchesETag(header, tag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == "*" || v == tag {
			return true
		}
	}
	return false
}
