package models

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// readBatch is a page's independent reads, sent to PostgreSQL in one
// round trip (a pgx pipeline; two the first time a connection meets a
// statement, which pgx prepares first) instead of one each. Under load a round
// trip is mostly waiting: the goroutine parks, the backend and then the
// goroutine wait for a core behind everyone else, and at 32 users on two
// cores that wait is what made the pages of six statements the slowest
// (p95 ∝ statements, README). The reads run one after another on one
// connection (they ran one after another before, each on whichever
// pooled connection was free), so no more work runs at once than did.
//
// Each read is a gorm query or raw SQL written as usual; the batch takes
// its SQL without running it (gorm's dry run) and scans the rows with
// gorm's own Scan, so structs map as they do for Find.
type readBatch struct {
	s     *Store
	ctx   context.Context
	reads []batchRead
	err   error // the first read that could not be built
}

type batchRead struct {
	what string
	sql  string
	vars []any
	dest any                         // scanned by gorm; nil when scan is set
	raw  bool                        // dest is left as it is without rows, as Raw(…).Scan does
	scan func(rows rowScanner) error // hand-written scan of the rows
}

// rowScanner is what a hand-written scan needs; *sql.Rows and pgx.Rows
// both have it.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

func (s *Store) newReadBatch(ctx context.Context) *readBatch { return &readBatch{s: s, ctx: ctx} }

// find queues q (a gorm chain without its finisher) to be found into dest.
func (b *readBatch) find(what string, q *gorm.DB, dest any) {
	b.add(q.Session(&gorm.Session{DryRun: true}).Find(dest), batchRead{what: what, dest: dest})
}

// query queues q (a gorm chain without its finisher) whose rows scan
// reads itself; model is what q would Find into.
func (b *readBatch) query(what string, q *gorm.DB, model any, scan func(rows rowScanner) error) {
	b.add(q.Session(&gorm.Session{DryRun: true}).Find(model), batchRead{what: what, scan: scan})
}

// raw queues SQL with ? placeholders to be scanned into dest by gorm.
func (b *readBatch) raw(what, q string, vars []any, dest any) {
	b.add(b.s.db.Session(&gorm.Session{DryRun: true}).Raw(q, vars...), batchRead{what: what, dest: dest, raw: true})
}

// rows queues SQL with ? placeholders whose rows scan reads itself.
func (b *readBatch) rows(what, q string, vars []any, scan func(rows rowScanner) error) {
	b.add(b.s.db.Session(&gorm.Session{DryRun: true}).Raw(q, vars...), batchRead{what: what, scan: scan})
}

// row queues SQL with ? placeholders that gives one row, scanned into
// dest; no row is an error.
func (b *readBatch) row(what, q string, vars []any, dest ...any) {
	b.rows(what, q, vars, func(rows rowScanner) error {
		if !rows.Next() {
			return errors.New("no row")
		}
		return rows.Scan(dest...)
	})
}

// add queues r with the statement gorm built (without running it) in
// built; a chain that could not be built fails the batch.
func (b *readBatch) add(built *gorm.DB, r batchRead) {
	if built.Error != nil || built.Statement.SQL.Len() == 0 {
		if b.err == nil {
			b.err = fmt.Errorf("models: unable to build the read of %s: %w", r.what, cmp.Or(built.Error, errors.New("no statement")))
		}
		return
	}
	r.sql, r.vars = built.Statement.SQL.String(), built.Statement.Vars
	b.reads = append(b.reads, r)
}

// run sends the reads and fills their destinations. Inside a transaction
// (whose connection database/sql keeps to itself) they run one by one on
// it instead.
func (b *readBatch) run() error {
	if b.err != nil {
		return b.err
	}
	if len(b.reads) == 0 {
		return nil
	}
	if obs, ok := b.ctx.Value(statementObserverKey{}).(StatementObserver); ok {
		for _, r := range b.reads {
			obs(r.sql, r.vars)
		}
	}
	if tx, ok := b.ctx.Value(txKey{}).(*gorm.DB); ok {
		return b.runOn(tx.Statement.ConnPool)
	}
	conn, err := SQLDB(b.s.db).Conn(b.ctx)
	if err != nil {
		return fmt.Errorf("models: unable to take a connection for %s: %w", b.reads[0].what, err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("models: a read batch needs pgx's database/sql driver (models.Open), not %T", dc)
		}
		pc := sc.Conn()
		var pb pgx.Batch
		for _, r := range b.reads {
			pb.Queue(r.sql, r.vars...)
		}
		res := pc.SendBatch(b.ctx, &pb)
		for _, r := range b.reads {
			rows, err := res.Query()
			if err == nil {
				err = b.scan(r, pgxRows{rows})
				// A scan may stop at the row it wanted; the rest of the
				// result, and an error in it, is this read's.
				rows.Close()
				err = cmp.Or(err, rows.Err())
			}
			if err != nil {
				_ = res.Close()
				return fmt.Errorf("models: unable to read %s: %w", r.what, err)
			}
		}
		if err := res.Close(); err != nil {
			return fmt.Errorf("models: unable to finish the batch of %s: %w", b.reads[0].what, err)
		}
		return nil
	})
}

// runOn runs the reads one by one on a transaction's connection.
func (b *readBatch) runOn(pool gorm.ConnPool) error {
	for _, r := range b.reads {
		rows, err := pool.QueryContext(b.ctx, r.sql, r.vars...)
		if err == nil {
			err = b.scan(r, rows)
			if cerr := rows.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return fmt.Errorf("models: unable to read %s: %w", r.what, err)
		}
	}
	return nil
}

// scan reads one result: by hand, or by gorm's Scan as ScanRows would
// (which takes only *sql.Rows).
func (b *readBatch) scan(r batchRead, rows gorm.Rows) error {
	if r.scan != nil {
		if err := r.scan(rows); err != nil {
			return err
		}
		return rows.Err()
	}
	tx := b.s.db.WithContext(b.ctx).Model(r.dest)
	if err := tx.Statement.Parse(r.dest); err != nil && !errors.Is(err, schema.ErrUnsupportedDataType) {
		return err
	}
	tx.Statement.Dest = r.dest
	tx.Statement.ReflectValue = reflect.ValueOf(r.dest)
	for tx.Statement.ReflectValue.Kind() == reflect.Ptr {
		tx.Statement.ReflectValue = tx.Statement.ReflectValue.Elem()
	}
	mode := gorm.ScanMode(0)
	if r.raw {
		if !rows.Next() {
			return rows.Err()
		}
		mode = gorm.ScanInitialized
	}
	gorm.Scan(rows, tx, mode)
	if tx.Error != nil {
		return tx.Error
	}
	return rows.Err()
}

// pgxRows gives pgx's rows the methods gorm's Scan asks for. Column types
// are only asked for when scanning into maps, which no batch does (gorm
// would ignore the error and scan into interface{} values).
type pgxRows struct{ pgx.Rows }

func (r pgxRows) Columns() ([]string, error) {
	fds := r.FieldDescriptions()
	cols := make([]string, len(fds))
	for i, fd := range fds {
		cols[i] = fd.Name
	}
	return cols, nil
}

func (r pgxRows) ColumnTypes() ([]*sql.ColumnType, error) {
	return nil, errors.New("models: a batch read cannot scan into a map")
}

func (r pgxRows) Close() error {
	r.Rows.Close()
	return nil
}

// StatementObserver sees each statement a batch sends, with its
// arguments: gorm's callbacks never see them, so the tools that count or
// explain a page's statements (the query-budget test, loadgen -explain)
// attach one to the request's context as well.
type StatementObserver func(sql string, vars []any)

type statementObserverKey struct{}

// WithStatementObserver returns ctx whose batches report to obs.
func WithStatementObserver(ctx context.Context, obs StatementObserver) context.Context {
	return context.WithValue(ctx, statementObserverKey{}, obs)
}
