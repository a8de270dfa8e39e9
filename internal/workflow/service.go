// Package workflow holds the use cases of the approval core. Each is one
// database transaction that loads the case, applies the pure domain rule,
// saves, appends its event at the single append point and enqueues its
// follow-up jobs. Nothing about a case is written outside such a transaction.
package workflow

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/blob"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
)

// Service runs the use cases.
type Service struct {
	db       *store.DB
	catalogs *catalog.Registry
	cal      atomic.Pointer[calendar.Calendar]
	blobs    blob.Store
	now      func() time.Time
	warn     calendar.WarnRule
	hook     store.AppendHook
	log      *slog.Logger
	notary   *ledger.Notary
	keys     *sign.Keyring
	// publicURL is the base URL certificates' QR codes open; certFontPath
	// the configured font (cert.OpenFont).
	publicURL    string
	certFontPath string
	certFont     *certFont
	// checkpointEvery is the interval of the ledger checkpoint job.
	checkpointEvery time.Duration
}

// Options configures a Service.
type Options struct {
	DB       *store.DB
	Catalogs *catalog.Registry
	Calendar *calendar.Calendar
	Blobs    blob.Store
	Now      func() time.Time // defaults to time.Now
	Warn     calendar.WarnRule
	Hook     store.AppendHook // the ledger's hook, if any
	Logger   *slog.Logger
	// Ledger signs the ledger's checkpoints (nil: no checkpoints, no
	// records); CheckpointEvery is how often (DefaultCheckpointEvery).
	Ledger          *ledger.Notary
	CheckpointEvery time.Duration
	// Keys signs officers' decisions (SM2) with their keys and
	// departments' certificates with theirs; nil: decisions unsigned
	// (only tools that measure the core without it).
	Keys *sign.Keyring
	// PublicURL is where the public verification page is reached
	// (certificates' QR codes); CertFont the certificates' font file(s),
	// "" for the default search (cert.FindFont).
	PublicURL string
	CertFont  string
}

// New returns a Service.
func New(o Options) *Service {
	s := &Service{db: o.DB, catalogs: o.Catalogs, blobs: o.Blobs, now: o.Now, warn: o.Warn, hook: o.Hook, log: o.Logger,
		notary: o.Ledger, checkpointEvery: o.CheckpointEvery, keys: o.Keys,
		publicURL: o.PublicURL, certFontPath: o.CertFont, certFont: &certFont{}}
	if s.publicURL == "" {
		s.publicURL = "http://127.0.0.1:8080"
	}
	if s.checkpointEvery <= 0 {
		s.checkpointEvery = DefaultCheckpointEvery
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.cal.Store(o.Calendar)
	return s
}

// Calendar returns the working-day calendar in force.
func (s *Service) Calendar() *calendar.Calendar { return s.cal.Load() }

// WarnRule is when running clocks turn to warning (--warn).
func (s *Service) WarnRule() calendar.WarnRule { return s.warn }

// StageClock is a submitted stage's overall clock: its limit in working
// days from the latest submission (the submission day does not count),
// with the warn rule tasks use. ok is false for a stage never submitted or
// without a limit.
func (s *Service) StageClock(st approval.Stage) (c calendar.Clock, ok bool) {
	if st.SubmittedAt == nil || st.LimitDays <= 0 {
		return c, false
	}
	return calendar.Start(s.cal.Load(), *st.SubmittedAt, st.LimitDays, calendar.WorkingDays, s.warn), true
}

// Catalog returns the catalog in force.
func (s *Service) Catalog() *catalog.Catalog { return s.catalogs.Current() }

// Catalogs returns the catalog registry (for reloads).
func (s *Service) Catalogs() *catalog.Registry { return s.catalogs }

// DB returns the store.
func (s *Service) DB() *store.DB { return s.db }

// Blobs returns the blob store.
func (s *Service) Blobs() blob.Store { return s.blobs }

// Now returns the service's current time.
func (s *Service) Now() time.Time { return s.now() }

func (s *Service) env(now time.Time) approval.Env {
	return approval.Env{Now: now, Calendar: s.cal.Load(), Warn: s.warn}
}

// appendEvent is the one way use cases record what happened.
func (s *Service) appendEvent(ctx context.Context, tx *store.Tx, e store.Event) error {
	_, err := store.AppendEvent(ctx, tx, e, s.hook)
	return err
}

func actorFields(p auth.Principal) (id, name, role string) {
	r := ""
	if len(p.Roles) > 0 {
		r = string(p.Roles[0])
	}
	return p.UserID, p.DisplayName, r
}

// --- data scope -----------------------------------------------------------

// canReadProject says whether p may see a project: applicants their
// enterprise's, officers those with a task of (or a stage led by) their
// department, supervisors and audit administrators all.
func canReadProject(ctx context.Context, tx *store.Tx, p auth.Principal, pr approval.Project) (bool, error) {
	switch {
	case p.HasAny(auth.Supervisor, auth.AuditAdmin):
		return true, nil
	case p.Has(auth.Applicant):
		return pr.EnterpriseUSCC != "" && pr.EnterpriseUSCC == p.EnterpriseUSCC, nil
	case auth.IsOfficerAny(p.Roles) && p.DeptCode != "":
		var n int
		err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE project_id=? AND dept_code=?`, pr.ID, p.DeptCode).Scan(&n)
		if err != nil || n > 0 {
			return n > 0, err
		}
		err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM stages WHERE project_id=? AND lead_dept=? AND state<>?`, pr.ID, p.DeptCode, string(approval.StagePending)).Scan(&n)
		if err != nil {
			return false, err
		}
		// Co-signing departments see the projects they give opinions on.
		if n == 0 {
			var m int
			err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE project_id=? AND doc LIKE ?`, pr.ID, `%"departments":[%"`+p.DeptCode+`"%`).Scan(&m)
			n = m
		}
		return n > 0, err
	}
	return false, nil
}

// notYours hides existence: a project outside the caller's scope is "not found".
func notYours() error {
	return apperr.New(apperr.NotFound, "project.not_found", "项目不存在或无权查看", "project not found or not visible to you")
}

func (s *Service) loadProjectFor(ctx context.Context, tx *store.Tx, p auth.Principal, id string) (approval.Project, error) {
	pr, err := store.GetProject(ctx, tx, id)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return pr, notYours()
		}
		return pr, err
	}
	ok, err := canReadProject(ctx, tx, p, pr)
	if err != nil {
		return pr, err
	}
	if !ok {
		return pr, notYours()
	}
	return pr, nil
}

func (s *Service) loadOwnProject(ctx context.Context, tx *store.Tx, p auth.Principal, id string) (approval.Project, error) {
	pr, err := s.loadProjectFor(ctx, tx, p, id)
	if err != nil {
		return pr, err
	}
	if !p.Has(auth.Applicant) || pr.EnterpriseUSCC != p.EnterpriseUSCC {
		return pr, apperr.New(apperr.Forbidden, "project.not_owner", "只有项目的申请单位可以执行该操作", "only the applicant enterprise may do this")
	}
	return pr, nil
}

// ImportCalendarYear validates a year's holiday schedule, stores it and
// puts it in force. A bad file changes nothing.
func (s *Service) ImportCalendarYear(ctx context.Context, yf calendar.YearFile, by string) error {
	next, err := s.cal.Load().WithYear(yf)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(yf)
	if err != nil {
		return apperr.Wrap(err, "encode calendar year")
	}
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		return store.PutCalendarYear(ctx, tx, yf.Year, string(doc), by, s.now())
	}); err != nil {
		return err
	}
	s.cal.Store(next)
	return nil
}

// WithClock returns a Service sharing everything with s but reading time
// from now: the demo history is written with past timestamps this way.
func (s *Service) WithClock(now func() time.Time) *Service {
	c := &Service{db: s.db, catalogs: s.catalogs, blobs: s.blobs, now: now, warn: s.warn, hook: s.hook, log: s.log,
		notary: s.notary, checkpointEvery: s.checkpointEvery, keys: s.keys, publicURL: s.publicURL, certFontPath: s.certFontPath, certFont: s.certFont}
	c.cal.Store(s.cal.Load())
	return c
}
