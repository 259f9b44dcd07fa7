package models

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"kefudesk/migrations"
)

// MigrationState is one migration and whether it has been applied.
type MigrationState struct {
	Version int64
	Name    string
	Applied bool
}

func newMigrator(db *sql.DB) (*goose.Provider, error) {
	// The session lock lets several server processes start at once against
	// one database without applying the same migration twice.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("models: unable to create migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("models: unable to load migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration and returns how many ran.
func Migrate(ctx context.Context, db *sql.DB) (int, error) {
	p, err := newMigrator(db)
	if err != nil {
		return 0, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("models: unable to apply migrations: %w", err)
	}
	return len(results), nil
}

// MigrationStatus lists every known migration and whether it is applied.
func MigrationStatus(ctx context.Context, db *sql.DB) ([]MigrationState, error) {
	p, err := newMigrator(db)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: unable to read migration status: %w", err)
	}
	out := make([]MigrationState, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationState{
			Version: s.Source.Version,
			Name:    s.Source.Path,
			Applied: s.State == goose.StateApplied,
		})
	}
	return out, nil
}

// CheckSchema refuses a database whose schema is behind this binary, so a
// server never runs queries against tables it does not know.
func CheckSchema(ctx context.Context, db *sql.DB) error {
	p, err := newMigrator(db)
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("models: unable to check schema version: %w", err)
	}
	if pending {
		return fmt.Errorf("models: database schema is out of date: run 'kefudesk migrate'")
	}
	return nil
}
