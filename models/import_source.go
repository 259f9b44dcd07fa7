package models

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"kefudesk/models/chatfile"
)

// openRejected tells whether a reader failed on the file itself (its
// header, its encoding): that is a rejection with one problem, not an
// error of the server.
func openRejected(err error) ([]chatfile.Problem, bool) {
	var pe *chatfile.ProblemError
	if errors.As(err, &pe) {
		return []chatfile.Problem{pe.Problem}, true
	}
	return nil, false
}

// inImportTx runs fn in one pgx transaction on a connection of its own
// (COPY needs pgx itself, not database/sql) and commits when fn returns
// nil: an import is written whole or not at all.
func (s *Store) inImportTx(ctx context.Context, what string, fn func(pgx.Tx) error) error {
	conn, err := s.pgxConn(ctx)
	if err != nil {
		return fmt.Errorf("models: %s: connection: %w", what, err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		tx, err := dc.(*stdlib.Conn).Conn().Begin(ctx)
		if err != nil {
			return fmt.Errorf("models: %s: begin: %w", what, err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// fileReader is what every import reader offers (chats, orders, reviews,
// VIPs): rows one at a time, a bad line as *chatfile.ProblemError, io.EOF
// at the end, and how far into the file it has read.
type fileReader[R any] interface {
	Next() (R, error)
	BytesRead() int64
}

// copySource feeds COPY from an import reader. Bad lines do not stop it:
// each is counted in *count and the first MaxReportedProblems are kept in
// *problems, so one pass reports every problem of a file that will then be
// refused whole.
type copySource[R any] struct {
	rd       fileReader[R]
	values   func(R) []any
	problems *[]chatfile.Problem
	count    *int
	progress ImportProgress
	row      R
	rows     int64
	err      error
}

func newCopySource[R any](rd fileReader[R], values func(R) []any, problems *[]chatfile.Problem, count *int, progress ImportProgress) *copySource[R] {
	return &copySource[R]{rd: rd, values: values, problems: problems, count: count, progress: progress}
}

func (c *copySource[R]) Next() bool {
	for {
		row, err := c.rd.Next()
		if errors.Is(err, io.EOF) {
			return false
		}
		var pe *chatfile.ProblemError
		if errors.As(err, &pe) {
			*c.count++
			if len(*c.problems) < MaxReportedProblems {
				*c.problems = append(*c.problems, pe.Problem)
			}
			continue
		}
		if err != nil {
			c.err = err
			return false
		}
		c.row, c.rows = row, c.rows+1
		if c.progress != nil && c.rows%20000 == 0 {
			c.progress(c.rd.BytesRead(), c.rows)
		}
		return true
	}
}

func (c *copySource[R]) Values() ([]any, error) { return c.values(c.row), nil }

func (c *copySource[R]) Err() error { return c.err }
