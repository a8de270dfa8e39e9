package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/tongban/tongban/internal/httpapi"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestOpenAPIGolden keeps the API document under review: any change to a
// route, parameter or schema shows as a diff of testdata/openapi.golden.json
// (rewrite it with go test ./internal/httpapi -run OpenAPI -update).
func TestOpenAPIGolden(t *testing.T) {
	srv := httpapi.New(httpapi.Options{})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d", rec.Code)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi version %v, want 3.1.0", doc["openapi"])
	}
	got, _ := json.MarshalIndent(doc, "", "  ")
	got = append(got, '\n')
	const golden = "testdata/openapi.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("OpenAPI document differs from %s at line %d:\n got: %s\nwant: %s\n(run with -update after reviewing)", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("OpenAPI document differs from %s in length (run with -update after reviewing)", golden)
	}
	// Every route of the table is in the document.
	paths := doc["paths"].(map[string]any)
	for _, r := range srv.Routes() {
		ops, ok := paths[r.Path].(map[string]any)
		if !ok || ops[strings.ToLower(r.Method)] == nil {
			t.Errorf("route %s %s missing from the document", r.Method, r.Path)
		}
	}
}

// TestProblemDetails checks the error shape for requests that are wrong
// before any handler runs: unknown routes, malformed and oversize JSON,
// unknown fields and wrong types.
func TestProblemDetails(t *testing.T) {
	srv := httpapi.New(httpapi.Options{})
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		lang   string
		status int
		field  string
	}{
		{"malformed json", "POST", "/api/v1/auth/login", `{"username":`, "", 400, ""},
		{"unknown field", "POST", "/api/v1/auth/login", `{"username":"a","password":"b","admin":true}`, "", 400, "body.admin"},
		{"wrong type", "POST", "/api/v1/auth/login", `{"username":1,"password":"b"}`, "en", 400, "body.username"},
		{"oversize", "POST", "/api/v1/auth/login", `{"username":"` + strings.Repeat("a", 300<<10) + `","password":"b"}`, "", 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			if tt.lang != "" {
				req.Header.Set("Accept-Language", tt.lang)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("content type %q", ct)
			}
			var p struct {
				Code     string                    `json:"code"`
				Detail   string                    `json:"detail"`
				DetailEN string                    `json:"detail_en"`
				DetailZH string                    `json:"detail_zh"`
				Fields   map[string]map[string]any `json:"fields"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Code == "" || p.DetailZH == "" || p.DetailEN == "" {
				t.Errorf("problem lacks code or a language: %+v", p)
			}
			if tt.lang == "en" && p.Detail != p.DetailEN {
				t.Errorf("asked for English, detail is %q", p.Detail)
			}
			if tt.lang == "" && p.Detail != p.DetailZH {
				t.Errorf("default should be Chinese, detail is %q", p.Detail)
			}
			if tt.field != "" && p.Fields[tt.field] == nil {
				t.Errorf("no field error for %s: %v", tt.field, p.Fields)
			}
		})
	}
}
