package apitest

import (
	"io/fs"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/blob"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
	"github.com/tongban/tongban/internal/workflow"
)

// NewService returns a workflow service on a fresh database of dialect d,
// with the catalog in fsys/dir, the bundled calendar, local blob storage in
// a temporary directory and the given clock.
func NewService(t testing.TB, d store.Dialect, fsys fs.FS, dir string, now func() time.Time) (*workflow.Service, *store.DB) {
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
	return workflow.New(workflow.Options{DB: db, Catalogs: catalog.NewRegistry(cat), Calendar: calendar.Default(), Blobs: blobs, Now: now, Warn: calendar.DefaultWarnRule()}), db
}
