// Package app assembles Tongban's parts into a running system: store,
// calendar, catalog, blobs, workflow, job runner and HTTP server. The
// binary and the end-to-end tests build the system the same way.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tongban/tongban/catalogs"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/blob"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/config"
	"github.com/tongban/tongban/internal/httpapi"
	"github.com/tongban/tongban/internal/jobs"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// App is an assembled system.
type App struct {
	Config  config.Config
	DB      *store.DB
	Service *workflow.Service
	Server  *httpapi.Server
	Runner  *jobs.Runner
	Log     *slog.Logger

	httpSrv *http.Server
	ln      net.Listener
	debug   *http.Server // pprof on Config.DebugAddr, when set
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// Options adjusts assembly for tests and tools.
type Options struct {
	Now    func() time.Time // injected clock; time.Now by default
	Logger *slog.Logger
	UI     http.Handler
}

// Open builds the system from a configuration: opens and migrates the
// database, loads calendar and catalog. It does not listen yet.
func Open(ctx context.Context, cfg config.Config, o Options) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, apperr.Wrap(err, "create data directory")
	}
	db, err := store.Open(ctx, cfg.DSN, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, DB: db, Log: log}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	cal, err := LoadCalendar(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	cat, err := LoadCatalog(cfg.CatalogDir)
	if err != nil {
		db.Close()
		return nil, err
	}
	reg := catalog.NewRegistry(cat)
	if err := replayCatalogs(ctx, db, reg); err != nil {
		db.Close()
		return nil, err
	}
	blobs, err := blob.NewLocal(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		db.Close()
		return nil, err
	}
	notary, master, err := OpenLedger(ctx, cfg, db, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	warn, _ := calendar.ParseWarnRule(cfg.Warn)
	a.Service = workflow.New(workflow.Options{DB: db, Catalogs: reg, Calendar: cal, Blobs: blobs, Now: o.Now, Warn: warn, Logger: log,
		Hook: ledger.Hook, Ledger: notary, CheckpointEvery: cfg.CheckpointInterval, Keys: sign.NewKeyring(master, ledger.Hook),
		PublicURL: cfg.PublicBase(), CertFont: cfg.CertFont})
	// A first checkpoint now, so that one is published from the start, and
	// the job that signs the next ones.
	if _, _, err := a.Service.CheckpointNow(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := a.Service.ArmCheckpoints(ctx); err != nil {
		db.Close()
		return nil, err
	}
	owner := cfg.Instance
	if owner == "" {
		h, _ := os.Hostname()
		owner = fmt.Sprintf("%s:%d", h, os.Getpid())
	}
	a.Runner = jobs.NewRunner(db, jobs.Options{Owner: owner, Poll: time.Second, Lease: time.Minute, Now: o.Now, Logger: log})
	a.Runner.Handle(workflow.JobClockWarning, a.Service.HandleClock)
	a.Runner.Handle(workflow.JobClockOverdue, a.Service.HandleClock)
	a.Runner.Handle(workflow.JobRongqueExpire, a.Service.HandleRongqueExpire)
	a.Runner.Handle(workflow.JobLedgerCheckpoint, a.Service.HandleCheckpoint)
	a.Runner.Handle(workflow.JobCertRender, a.Service.HandleCertRender)
	a.Runner.HandleSlow(workflow.JobPrereview, a.Service.HandlePrereview)
	if err := a.Service.RenderPendingCertificates(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a.Server = httpapi.New(httpapi.Options{Service: a.Service, Logger: log, UI: o.UI, SecureCookie: cfg.SecureCookie, Ready: db.Ping})
	return a, nil
}

// OpenLedger readies the ledger: the master key (read, or generated on
// first start), the system's keys (opened, or generated and sealed on
// first start), the notary that signs checkpoints with them, and, on the
// first start with a ledger, the events recorded before it. The master key
// comes back too: it seals the officers' and departments' signing keys.
func OpenLedger(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger) (*ledger.Notary, sign.MasterKey, error) {
	var has bool
	if err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		has, err = sign.HasSystemKeys(ctx, tx)
		return err
	}); err != nil {
		return nil, sign.MasterKey{}, err
	}
	mk, err := sign.LoadMasterKey(sign.MasterKeySource{File: cfg.MasterKeyFile, Hex: cfg.MasterKey, DataDir: cfg.DataDir}, !has)
	if err != nil {
		return nil, sign.MasterKey{}, err
	}
	if mk.Generated {
		log.Warn("generated the master key that seals the system's private keys, on first start; in production keep it elsewhere "+
			"(--master-key-file or TONGBAN_MASTER_KEY), backed up apart from the database, and give every instance the same one",
			"path", mk.Path)
	}
	keys, err := sign.LoadSystemKeys(ctx, db, mk.Key)
	if err != nil {
		return nil, sign.MasterKey{}, err
	}
	notary, err := ledger.NewNotary(cfg.LedgerOrigin, keys.SM2, keys.Ed25519)
	if err != nil {
		return nil, sign.MasterKey{}, err
	}
	n, err := ledger.Backfill(ctx, db)
	if err != nil {
		return nil, sign.MasterKey{}, err
	}
	if n > 0 {
		log.Info("ledger: appended the events recorded before it was enabled", "events", n)
	}
	return notary, mk.Key, nil
}

// LoadCatalog loads the bundled Xiamen catalog, or dir when given.
func LoadCatalog(dir string) (*catalog.Catalog, error) {
	var fsys fs.FS = catalogs.Xiamen
	root := "xiamen"
	if dir != "" {
		fsys, root = os.DirFS(dir), "."
	}
	return catalog.Load(fsys, root)
}

// LoadCalendar returns the bundled calendar with the years administrators
// imported laid over it.
func LoadCalendar(ctx context.Context, db *store.DB) (*calendar.Calendar, error) {
	cal := calendar.Default()
	var docs map[int]string
	if err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		docs, err = store.CalendarYears(ctx, tx)
		return err
	}); err != nil {
		return nil, err
	}
	for y, d := range docs {
		var yf calendar.YearFile
		if err := json.Unmarshal([]byte(d), &yf); err != nil {
			return nil, apperr.Wrap(err, fmt.Sprintf("stored calendar year %d", y))
		}
		c, err := cal.WithYear(yf)
		if err != nil {
			return nil, err
		}
		cal = c
	}
	return cal, nil
}

// replayCatalogs lays the catalogs administrators published over the
// bundled one, in the order they were published.
func replayCatalogs(ctx context.Context, db *store.DB, reg *catalog.Registry) error {
	var ups []map[string]string
	if err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		ups, err = store.CatalogUploads(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	for i, files := range ups {
		fsys, err := workflow.CatalogFS(files)
		if err != nil {
			return err
		}
		if _, err := reg.Reload(fsys, "."); err != nil {
			return fmt.Errorf("published catalog #%d no longer loads: %w", i+1, err)
		}
	}
	return nil
}

// Listen binds the address; Addr then tells the real one (for port 0).
func (a *App) Listen() error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return apperr.Newf(apperr.Invalid, "config.addr", "无法监听 %s：%v", "cannot listen on %s: %v", a.Config.Addr, err)
	}
	a.ln = ln
	if a.Config.DebugAddr != "" {
		dln, err := net.Listen("tcp", a.Config.DebugAddr)
		if err != nil {
			ln.Close()
			return apperr.Newf(apperr.Invalid, "config.debug_addr", "无法监听调试地址 %s：%v", "cannot listen on the debug address %s: %v", a.Config.DebugAddr, err)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		a.debug = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := a.debug.Serve(dln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.Log.Error("debug server", "err", err.Error())
			}
		}()
		a.Log.Info("pprof profiles served", "addr", dln.Addr().String())
	}
	return nil
}

// Addr is the listening address.
func (a *App) Addr() string { return a.ln.Addr().String() }

// Start runs the HTTP server and the job runner in the background.
func (a *App) Start(ctx context.Context) {
	ctx, a.cancel = context.WithCancel(ctx)
	a.httpSrv = &http.Server{Handler: a.Server, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	a.wg.Add(2)
	go func() {
		defer a.wg.Done()
		if err := a.httpSrv.Serve(a.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("http server", "err", err.Error())
		}
	}()
	go func() {
		defer a.wg.Done()
		if err := a.Runner.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.Log.Error("job runner", "err", err.Error())
		}
	}()
}

// Close stops serving, lets requests finish and closes the database.
func (a *App) Close() error {
	if a.debug != nil {
		_ = a.debug.Close()
	}
	if a.httpSrv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = a.httpSrv.Shutdown(ctx)
		cancel()
	}
	if a.cancel != nil {
		a.cancel()
	}
	a.wg.Wait()
	if a.DB != nil {
		return a.DB.Close()
	}
	return nil
}
