package store

import (
	"context"
	"embed"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/tongban/tongban/internal/apperr"
)

// migrations holds one directory per dialect of numbered goose files
// (00001_base.sql, 00002_…). Each dialect has the same versions.
//
//go:embed migrations/*/*.sql
var migrations embed.FS

// Migrate brings the schema to the newest version with goose. Each
// migration runs in its own transaction (MySQL commits DDL implicitly, so
// there a failed migration can leave part of its DDL behind). Several
// instances starting together on PostgreSQL or MySQL take a lock so that
// only one migrates.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return apperr.Wrap(err, "migrate "+string(db.dialect))
	}
	return nil
}

// SchemaVersion returns the applied and the newest known migration version.
func (db *DB) SchemaVersion(ctx context.Context) (current, newest int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, err
	}
	current, newest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, apperr.Wrap(err, "schema version")
	}
	return current, newest, nil
}

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, apperr.Wrap(err, "migrations")
	}
	var opts []goose.ProviderOption
	var gd goose.Dialect
	switch db.dialect {
	case SQLite:
		gd = goose.DialectSQLite3 // the single writer connection already serialises
	case Postgres:
		gd = goose.DialectPostgres
		l, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, apperr.Wrap(err, "migration lock")
		}
		opts = append(opts, goose.WithSessionLocker(l))
	case MySQL:
		gd = goose.DialectMySQL
		l, err := lock.NewMySQLTableLocker()
		if err != nil {
			return nil, apperr.Wrap(err, "migration lock")
		}
		opts = append(opts, goose.WithLocker(l))
	}
	p, err := goose.NewProvider(gd, db.writer, sub, opts...)
	if err != nil {
		return nil, apperr.Wrap(err, "migrations")
	}
	return p, nil
}
