// Package apitest is a small HTTP client for tests and benchmarks that
// speak to a running Tongban server: login with cookie + CSRF, JSON calls,
// raw uploads, problem details decoded.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/demo"
)

// Client is one logged-in (or anonymous) user agent.
type Client struct {
	Base string
	HTTP *http.Client
	CSRF string
	Lang string
	User map[string]any
}

// New returns an anonymous client for base (e.g. "http://127.0.0.1:8080").
func New(base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{Base: strings.TrimRight(base, "/"), HTTP: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
}

// Problem is a decoded problem-details answer.
type Problem struct {
	Status   int                       `json:"status"`
	Code     string                    `json:"code"`
	Key      string                    `json:"key"`
	Detail   string                    `json:"detail"`
	DetailEN string                    `json:"detail_en"`
	Fields   map[string]map[string]any `json:"fields"`
}

// Error implements error.
func (p *Problem) Error() string {
	return fmt.Sprintf("%d %s [%s]: %s / %s %v", p.Status, p.Code, p.Key, p.Detail, p.DetailEN, p.Fields)
}

// Login logs in and keeps the cookie and CSRF token.
func (c *Client) Login(ctx context.Context, user, pass string) error {
	var out struct {
		User      map[string]any `json:"user"`
		CSRFToken string         `json:"csrf_token"`
	}
	if err := c.Do(ctx, http.MethodPost, "/api/v1/auth/login", map[string]string{"username": user, "password": pass}, &out); err != nil {
		return err
	}
	c.CSRF, c.User = out.CSRFToken, out.User
	return nil
}

// Do sends a JSON request and decodes a JSON answer into out (if not nil).
// A non-2xx answer is returned as *Problem.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(req, out)
}

// Raw sends a request with a raw body and headers.
func (c *Client) Raw(ctx context.Context, method, path string, body io.Reader, hdr map[string]string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, body)
	if err != nil {
		return err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return c.send(req, out)
}

// Upload puts a file for a material of a stage.
func (c *Client) Upload(ctx context.Context, projectID string, stage int, code, name string, content []byte, out any) error {
	return c.Raw(ctx, http.MethodPut, fmt.Sprintf("/api/v1/projects/%s/stages/%d/materials/%s", projectID, stage, url.PathEscape(code)),
		bytes.NewReader(content), map[string]string{"X-File-Name": url.PathEscape(name), "Content-Type": "application/octet-stream"}, out)
}

func (c *Client) send(req *http.Request, out any) error {
	if c.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		p := &Problem{Status: resp.StatusCode}
		if jerr := json.Unmarshal(b, p); jerr != nil || p.Code == "" {
			p.Detail = string(b)
		}
		p.Status = resp.StatusCode
		return p
	}
	if raw, ok := out.(*[]byte); ok {
		*raw = b // the body as it came (a download)
		return nil
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("decode %s %s: %w: %s", req.Method, req.URL.Path, err, b)
		}
	}
	return nil
}

// StatusOf returns the HTTP status an error carries (200 for nil, 0 for a
// transport failure).
func StatusOf(err error) int {
	if err == nil {
		return 200
	}
	if p, ok := err.(*Problem); ok {
		return p.Status
	}
	return 0
}

// PDF returns a small valid one-page PDF whose content varies with seed.
func PDF(seed string) []byte { return demo.SamplePDF("Tongban test document", seed) }
