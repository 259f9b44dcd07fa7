// Package models holds Kefu Desk's data: the gorm structs, the rules that
// guard them and the queries that read them. Handlers never write SQL.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Store is the one entry point to the database. Its methods take a context
// and run on the transaction the context carries, if any.
type Store struct {
	db       *gorm.DB
	settings *settingsCache
	caches
}

// NewStore wraps an open gorm connection.
func NewStore(db *gorm.DB) *Store {
	return &Store{db: db, settings: &settingsCache{}, caches: newCaches()}
}

// DB exposes the connection to packages that need raw access (live updates, tests).
func (s *Store) DB() *gorm.DB { return s.db }

// Open connects to PostgreSQL. TranslateError makes unique and foreign key
// violations come back as gorm.ErrDuplicatedKey / ErrForeignKeyViolated.
//
// JIT compilation is off for the app's connections: its queries are short
// index lookups and day-sized aggregates whose row estimates can still
// cross jit_above_cost, and then compiling costs 100-250 ms before a
// query that runs in a few (measured on the daily sales refresh: 264 ms a
// day with JIT, 3.7 ms without).
func Open(dsn string) (*gorm.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("models: unable to parse DATABASE_URL: %w", err)
	}
	cfg.RuntimeParams["jit"] = "off"
	conns := stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(func(_ context.Context, c *pgx.Conn) error {
		arraysInText(c.TypeMap())
		return nil
	}))
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: conns}), &gorm.Config{
		TranslateError: true,
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("models: unable to open database: %w", err)
	}
	if err := registerSpendOnWrite(db); err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("models: unable to reach connection pool: %w", err)
	}
	// Two cores serve the whole shop: a small pool keeps PostgreSQL from
	// thrashing under a burst and makes waiting visible as latency, not errors.
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(20)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// arraysInText makes pgx ask for arrays in text, as database/sql does
// (stdlib names its result formats per query, so its results do not
// change). A read batch goes through pgx itself, which would take them in
// binary and hand those bytes to lib/pq's array types, whose Scan parses
// only the text form. Array parameters are sent in text too: the same
// values.
func arraysInText(m *pgtype.Map) {
	for _, oid := range []uint32{pgtype.BoolArrayOID, pgtype.Int2ArrayOID, pgtype.Int4ArrayOID, pgtype.Int8ArrayOID,
		pgtype.TextArrayOID, pgtype.VarcharArrayOID, pgtype.Float4ArrayOID, pgtype.Float8ArrayOID, pgtype.NumericArrayOID,
		pgtype.DateArrayOID, pgtype.TimestamptzArrayOID, pgtype.TimestampArrayOID, pgtype.UUIDArrayOID, pgtype.JSONBArrayOID} {
		if t, ok := m.TypeForOID(oid); ok {
			m.RegisterType(&pgtype.Type{Name: t.Name, OID: t.OID, Codec: textPreferred{t.Codec}})
		}
	}
}

// textPreferred is a codec that asks for the text form of its values.
type textPreferred struct{ pgtype.Codec }

func (textPreferred) PreferredFormat() int16 { return pgtype.TextFormatCode }

// SQLDB returns the database/sql handle underneath gorm.
func SQLDB(db *gorm.DB) *sql.DB {
	sqlDB, err := db.DB()
	if err != nil {
		// gorm only fails here when the dialector has no *sql.DB, which
		// cannot happen with the postgres driver.
		panic(fmt.Sprintf("models: gorm without sql.DB: %v", err))
	}
	return sqlDB
}

type txKey struct{}

// conn returns the transaction carried by ctx, or the pool.
func (s *Store) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	return s.db.WithContext(ctx)
}

// WithTx runs fn in one transaction. A transaction already in ctx is reused,
// so a model method can call another and both commit or roll back together.
func (s *Store) WithTx(ctx context.Context, fn func(ctx context.Context, tx *gorm.DB) error) error {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx, tx.WithContext(ctx))
	}
	// The request writes: its cache versions no longer show what it will read.
	spendCacheVersions(ctx)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx), tx)
	})
}

// pgxConn takes a connection of the pool for pgx itself, to write (COPY).
// Its writes pass none of gorm's callbacks, so taking it spends the
// request's cache versions as a gorm write would. A read batch, which
// only reads, takes its connection without spending them.
func (s *Store) pgxConn(ctx context.Context) (*sql.Conn, error) {
	spendCacheVersions(ctx)
	return SQLDB(s.db).Conn(ctx)
}

// Ping checks that the database answers, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := SQLDB(s.db).PingContext(ctx); err != nil {
		return fmt.Errorf("models: database unreachable: %w", err)
	}
	return nil
}

// notFound maps gorm's not-found to ours, leaving other errors wrapped.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("models: %s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("models: unable to fetch %s: %w", what, err)
}
