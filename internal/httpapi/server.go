// Package httpapi is the HTTP face of Tongban: one route table under
// /api/v1, documented as OpenAPI 3.1 by huma, errors as RFC 9457 problem
// details in Chinese (default) or English, session cookie + CSRF, role and
// data-scope checks on every route.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/workflow"
)

// Cookie names.
const (
	SessionCookie = "tb_session"
	CSRFHeader    = "X-CSRF-Token"
)

// Options configures the HTTP server.
type Options struct {
	Service      *workflow.Service
	Logger       *slog.Logger
	Registry     *prometheus.Registry // metrics registry; a new one if nil
	UI           http.Handler         // the web UI at /, or nil for the plain page
	SecureCookie bool                 // set Secure on cookies (behind TLS)
	Ready        func(context.Context) error
	Version      string
}

// Route is one API operation and the roles allowed to call it. Roles nil
// means public (no login); the role-matrix test walks this table.
type Route struct {
	Method  string
	Path    string
	OpID    string
	Roles   []auth.Role
	Summary string
}

// Server is the HTTP handler with its route table.
type Server struct {
	opts    Options
	svc     *workflow.Service
	log     *slog.Logger
	api     huma.API
	mux     *http.ServeMux
	routes  []Route
	handler http.Handler
	metrics *metrics
}

// Every role, for routes that any logged-in person may call.
var anyone = []auth.Role{auth.Applicant, auth.Clerk, auth.Reviewer, auth.Approver, auth.LeadCoordinator, auth.Supervisor, auth.SystemAdmin, auth.SecurityAdmin, auth.AuditAdmin}

var (
	officersAndSup = []auth.Role{auth.Clerk, auth.Reviewer, auth.Approver, auth.LeadCoordinator, auth.Supervisor}
	applicants     = []auth.Role{auth.Applicant}
	projectReaders = []auth.Role{auth.Applicant, auth.Clerk, auth.Reviewer, auth.Approver, auth.LeadCoordinator, auth.Supervisor, auth.AuditAdmin}
	deciders       = []auth.Role{auth.Applicant, auth.Clerk, auth.Reviewer, auth.Approver, auth.LeadCoordinator}
	sysAdmins      = []auth.Role{auth.SystemAdmin}
	userAdmins     = []auth.Role{auth.SystemAdmin, auth.SecurityAdmin}
	userReaders    = []auth.Role{auth.SystemAdmin, auth.SecurityAdmin, auth.AuditAdmin}
	leads          = []auth.Role{auth.LeadCoordinator, auth.Supervisor}
	statsReaders   = []auth.Role{auth.Approver, auth.LeadCoordinator, auth.Supervisor, auth.SystemAdmin} // city-wide aggregates, read-only
)

func init() { hookHumaErrors() }

// New builds the server.
func New(o Options) *Server {
	s := &Server{opts: o, svc: o.Service, log: o.Logger, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.Default()
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
		s.opts.Registry = o.Registry
	}
	s.metrics = newMetrics(o.Registry)
	cfg := huma.DefaultConfig("Tongban 通办 API", "1.0.0")
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	cfg.OpenAPIPath = "/api/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = "/api/schemas"
	cfg.CreateHooks = nil // no $schema links in bodies: responses stay plain JSON
	cfg.Info.Description = "工程建设项目审批管理系统接口。Errors are RFC 9457 problem details; send Accept-Language: en for English messages. " +
		"Unsafe methods need the X-CSRF-Token header returned by login."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"session": {Type: "apiKey", In: "cookie", Name: SessionCookie},
	}
	s.api = humago.New(s.mux, cfg)
	s.routesTable()
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttpHandler(o.Registry))
	if o.UI != nil {
		s.mux.Handle("/", o.UI)
	} else {
		s.mux.HandleFunc("GET /{$}", s.homePage)
	}
	s.handler = s.middleware(s.mux)
	return s
}

// schemaName names a schema after its type, prefixed by the package for
// types of other Tongban packages (approval.Level and catalog.Level are
// different things and must not collide).
func schemaName(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	pkg := t.PkgPath()
	if t.Name() == "" || !strings.HasPrefix(pkg, "github.com/tongban/tongban/") || strings.HasSuffix(pkg, "/httpapi") {
		return name
	}
	base := pkg[strings.LastIndex(pkg, "/")+1:]
	return strings.ToUpper(base[:1]) + base[1:] + name
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns the route table.
func (s *Server) Routes() []Route { return slices.Clone(s.routes) }

// OpenAPI returns the API's OpenAPI document.
func (s *Server) OpenAPI() *huma.OpenAPI { return s.api.OpenAPI() }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.opts.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.opts.Ready(ctx); err != nil {
			writeProblem(w, r, s.log, apperr.New(apperr.Internal, "not_ready", "服务尚未就绪", "not ready"))
			return
		}
	}
	w.Write([]byte("ready\n"))
}

// add registers a huma operation behind the role check and records it.
func add[I, O any](s *Server, op huma.Operation, roles []auth.Role, h func(ctx context.Context, p auth.Principal, in *I) (*O, error)) {
	if roles != nil {
		op.Security = []map[string][]string{{"session": {}}}
		op.Description = op.Description + rolesDoc(roles)
	}
	if op.MaxBodyBytes == 0 {
		op.MaxBodyBytes = 256 << 10 // JSON bodies are small; uploads use their own route
	}
	op.Errors = []int{400, 401, 403, 404, 409}
	s.routes = append(s.routes, Route{Method: op.Method, Path: op.Path, OpID: op.OperationID, Roles: roles, Summary: op.Summary})
	if roles != nil {
		// Checked before huma reads and validates the body: a caller without
		// the role learns nothing about the input the route expects.
		op.Middlewares = append(op.Middlewares, func(hctx huma.Context, next func(huma.Context)) {
			p, _ := hctx.Context().Value(keyPrincipal).(auth.Principal)
			if err := allow(p, roles); err != nil {
				pr := toProblem(hctx.Context(), s.log, err)
				pr.Instance = hctx.URL().Path
				hctx.SetHeader("Content-Type", "application/problem+json")
				hctx.SetStatus(pr.Status)
				_ = writeJSON(hctx.BodyWriter(), pr)
				return
			}
			next(hctx)
		})
	}
	huma.Register(s.api, op, func(ctx context.Context, in *I) (*O, error) {
		p, _ := ctx.Value(keyPrincipal).(auth.Principal)
		out, err := h(ctx, p, in)
		if err != nil {
			return nil, toProblem(ctx, s.log, err)
		}
		return out, nil
	})
}

// allow is the route-level check: logged in, and one of the roles.
func allow(p auth.Principal, roles []auth.Role) error {
	if p.UserID == "" {
		return apperr.New(apperr.Unauthenticated, "auth.required", "请先登录", "please log in")
	}
	if !p.HasAny(roles...) {
		return apperr.New(apperr.Forbidden, "auth.role", "您的角色无权使用此功能", "your role may not use this function")
	}
	return nil
}

func rolesDoc(roles []auth.Role) string {
	s := "\n\nRoles: "
	for i, r := range roles {
		if i > 0 {
			s += ", "
		}
		s += string(r)
	}
	return s
}

// rawRoute registers a plain handler (streaming uploads and downloads)
// with the same role check (nil roles: a public route), and documents it in the OpenAPI document.
func (s *Server) rawRoute(op huma.Operation, roles []auth.Role, h func(w http.ResponseWriter, r *http.Request, p auth.Principal) error) {
	if roles != nil {
		op.Security = []map[string][]string{{"session": {}}}
		op.Description += rolesDoc(roles)
	}
	s.routes = append(s.routes, Route{Method: op.Method, Path: op.Path, OpID: op.OperationID, Roles: roles, Summary: op.Summary})
	s.api.OpenAPI().AddOperation(&op)
	s.mux.HandleFunc(op.Method+" "+op.Path, func(w http.ResponseWriter, r *http.Request) {
		p, _ := r.Context().Value(keyPrincipal).(auth.Principal)
		if roles == nil {
			p = auth.Principal{} // public: the same for everyone
		} else if err := allow(p, roles); err != nil {
			writeProblem(w, r, s.log, err)
			return
		}
		if err := h(w, r, p); err != nil {
			writeProblem(w, r, s.log, err)
		}
	})
}

func (s *Server) homePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>通办 · 工程建设项目审批管理系统</title></head>
<body><h1>通办 · 工程建设项目审批管理系统</h1><p>网页界面尚未构建。接口文档：<a href="/api/openapi.json">/api/openapi.json</a>（OpenAPI 3.1）。</p>
<p lang="en">The web UI is not built. API document: <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>`))
}
