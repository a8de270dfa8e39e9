package apitest

import (
	"crypto/rand"
	"io/fs"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/blob"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
	"github.com/tongban/tongban/internal/workflow"
)

// NewService returns a workflow service on a fresh database of dialect d,
// with the catalog in fsys/dir, the bundled calendar, local blob storage in
// a temporary directory and the given clock. Every event enters the ledger
// (ledger.Hook); no checkpoints are signed unless an option sets
// Options.Ledger. Options adjust the rest before the service is built.
func NewService(t testing.TB, d store.Dialect, fsys fs.FS, dir string, now func() time.Time, options ...func(*workflow.Options)) (*workflow.Service, *store.DB) {
	t.Helper()
	db := storetest.Open(t, d)
	cat, err := catalog.Load(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := workflow.Options{DB: db, Catalogs: catalog.NewRegistry(cat), Calendar: calendar.Default(), Blobs: blobs, Now: now, Warn: calendar.DefaultWarnRule(),
		Hook: ledger.Hook, Keys: sign.NewKeyring(TestMasterKey(t), ledger.Hook)}
	for _, f := range options {
		f(&o)
	}
	return workflow.New(o), db
}

// TestMasterKey returns a fresh random master key for a test.
func TestMasterKey(t testing.TB) sign.MasterKey {
	t.Helper()
	var k sign.MasterKey
	if _, err := rand.Read(k[:]); err != nil {
		t.Fatal(err)
	}
	return k
}
