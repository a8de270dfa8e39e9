package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// PostgreSQL SQLSTATE codes the store reacts to.
const (
	pgUniqueViolation      = "23505"
	pgForeignKeyViolation  = "23503"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
	pgLockNotAvailable     = "55P03"
)

func classifyPostgres(err error) errClass {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return classOther
	}
	switch pe.Code {
	case pgUniqueViolation:
		return classUnique
	case pgForeignKeyViolation:
		return classReference
	case pgSerializationFailure, pgDeadlockDetected, pgLockNotAvailable:
		return classRetry
	}
	return classOther
}
