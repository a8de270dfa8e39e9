package store

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// classifySQLite reads modernc's extended result codes (the primary code
// is the low byte).
func classifySQLite(err error) errClass {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return classOther
	}
	code := se.Code()
	switch code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return classUnique
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return classReference
	}
	switch code & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return classRetry
	}
	return classOther
}
