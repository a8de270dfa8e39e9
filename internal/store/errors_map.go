package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/tongban/tongban/internal/apperr"
)

// errClass is what the rest of the store needs to know about a driver
// error; each dialect's file decides it from its own error codes.
type errClass int

const (
	classOther     errClass = iota
	classUnique             // unique or primary key violation
	classReference          // foreign key violation
	classRetry              // busy, lock timeout, deadlock, serialization failure: run the transaction again
)

// Message keys of the errors the store itself produces.
const (
	KeyDuplicate = "db.duplicate" // a unique key already exists
	KeyReference = "db.reference" // a foreign key points nowhere, or a row is still referenced
	KeyNotFound  = "db.not_found" // a query found no row
	KeyStale     = "db.stale"     // optimistic concurrency: the version moved on
	KeyBusy      = "db.busy"      // the transaction kept colliding and was given up
)

// MapError turns a driver error into an application error: a unique
// violation becomes apperr.Conflict (KeyDuplicate), a foreign key violation
// apperr.Conflict (KeyReference), sql.ErrNoRows apperr.NotFound, a transient
// lock or serialization failure apperr.Conflict (KeyBusy), anything else
// apperr.Internal. Errors that already are *apperr.Error pass unchanged, nil
// stays nil. The driver error stays in the chain (errors.As finds it), which
// is how Write recognises a retryable failure.
func MapError(d Dialect, err error) error {
	if err == nil {
		return nil
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		e := apperr.New(apperr.NotFound, KeyNotFound, "记录不存在", "record not found")
		e.Err = err
		return e
	}
	var e *apperr.Error
	switch classify(d, err) {
	case classUnique:
		e = apperr.New(apperr.Conflict, KeyDuplicate, "记录已存在", "the record already exists")
	case classReference:
		e = apperr.New(apperr.Conflict, KeyReference, "关联的记录不存在或仍被引用", "a related record is missing or still in use")
	case classRetry:
		e = busyError()
	default:
		return apperr.Wrap(err, "database")
	}
	e.Err = err
	return e
}

func busyError() *apperr.Error {
	return apperr.New(apperr.Conflict, KeyBusy, "系统繁忙，请稍后重试", "the system is busy; please try again")
}

// classify asks the dialect's own error file.
func classify(d Dialect, err error) errClass {
	switch d {
	case SQLite:
		return classifySQLite(err)
	case Postgres:
		return classifyPostgres(err)
	case MySQL:
		return classifyMySQL(err)
	}
	return classOther
}

// retryable reports whether err, anywhere in its chain, is a transient
// failure that running the whole transaction again may cure. A cancelled
// context never is.
func retryable(d Dialect, err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return classify(d, err) == classRetry
}
