package models

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// A read batch against PostgreSQL: a read that cannot be built fails the
// batch before anything is sent, and an error in a result's rows after
// the one a scan wanted is blamed on that read, not the next.
func TestReadBatchReportsErrorsOfTheRightRead(t *testing.T) {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		t.Fatal("DATABASE_URL is not set (make test sets it)")
	}
	db, err := Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer SQLDB(db).Close()
	s := NewStore(db)
	ctx := context.Background()

	var first, second int
	one := func(dest *int) func(rowScanner) error {
		return func(rows rowScanner) error {
			if !rows.Next() {
				return errors.New("no row")
			}
			return rows.Scan(dest)
		}
	}
	b := s.newReadBatch(ctx)
	b.rows("the good read", `SELECT ?::int`, []any{7}, one(&first))
	b.rows("the failing read", `SELECT g / (g - 5000 * ?) FROM generate_series(1, 10000) g`, []any{1}, one(&second))
	b.rows("the read after", `SELECT 2`, nil, one(&second))
	err = b.run()
	if err == nil || !strings.Contains(err.Error(), "the failing read") {
		t.Errorf("a division by zero in a later row: %v, want it blamed on the failing read", err)
	}
	if first != 7 {
		t.Errorf("the good read gave %d", first)
	}

	broken := s.db.WithContext(ctx).Model(&User{})
	broken.AddError(errors.New("a broken chain"))
	var users []User
	b = s.newReadBatch(ctx)
	b.find("the broken read", broken, &users)
	b.rows("a read", `SELECT 3`, nil, one(&first))
	first = 0
	if err := b.run(); err == nil || !strings.Contains(err.Error(), "the broken read") {
		t.Errorf("a chain with an error: %v, want the batch refused", err)
	}
	if first != 0 {
		t.Error("a batch with a broken read was sent")
	}
}
