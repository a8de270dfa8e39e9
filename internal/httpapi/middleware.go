package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tongban_http_requests_total", Help: "HTTP requests by route pattern and status."}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "tongban_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	_ = reg.Register(collectors.NewGoCollector())
	_ = reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func promhttpHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush lets streaming responses through.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// middleware wraps every request: security headers, language, session and
// CSRF, recovery, JSON access log and metrics.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		ctx := context.WithValue(r.Context(), keyLang, pickLang(r))
		r = r.WithContext(ctx)
		defer func() {
			if v := recover(); v != nil {
				s.log.ErrorContext(ctx, "panic", "panic", v, "path", r.URL.Path)
				if sw.status == 0 {
					writeProblem(sw, r, nil, apperr.New(apperr.Internal, "internal", "系统内部错误，请稍后重试", "internal error"))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(r.Method, route, strconv.Itoa(sw.status)).Inc()
			s.metrics.duration.WithLabelValues(r.Method, route).Observe(d.Seconds())
			if r.URL.Path != "/healthz" && r.URL.Path != "/metrics" {
				s.log.InfoContext(ctx, "http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes,
					"ms", float64(d.Microseconds())/1000, "user", userOf(r.Context()))
			}
		}()
		if strings.HasPrefix(r.URL.Path, "/api/") {
			var err error
			if r, err = s.authenticate(r); err != nil {
				writeProblem(sw, r, s.log, err)
				return
			}
		}
		if etagged(r) {
			ew := &etagWriter{w: sw}
			next.ServeHTTP(ew, r)
			ew.finish(r)
			return
		}
		next.ServeHTTP(sw, r)
	})
}

func userOf(ctx context.Context) string {
	p, _ := ctx.Value(keyPrincipal).(auth.Principal)
	return p.Username
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// authenticate resolves the session cookie. A request with no cookie is
// anonymous (routes decide); a request with a dead cookie is anonymous too,
// so login still works; an unsafe request with a live session must carry
// the session's CSRF token.
func (s *Server) authenticate(r *http.Request) (*http.Request, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return r, nil
	}
	u, csrf, err := s.svc.Authenticate(r.Context(), c.Value)
	if err != nil {
		if apperr.Is(err, apperr.Unauthenticated) {
			return r, nil
		}
		return r, err
	}
	if unsafeMethod(r.Method) && !auth.EqualToken(r.Header.Get(CSRFHeader), csrf) {
		return r, apperr.New(apperr.Forbidden, "auth.csrf", "请求缺少有效的 CSRF 令牌，请刷新页面后重试", "missing or wrong CSRF token; reload the page and try again")
	}
	return r.WithContext(context.WithValue(r.Context(), keyPrincipal, u.Principal())), nil
}
