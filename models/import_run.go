package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"gorm.io/gorm"
	"time"

	"kefudesk/models/chatfile"
)

// ImportRun is one upload being imported, polled by the page for progress.
type ImportRun struct {
	ID         int64
	Kind       string
	FileName   string
	Status     string // running, done, failed
	BytesTotal int64
	BytesDone  int64
	RowsDone   int64
	Added      int64
	Updated    int64
	Duplicates int64
	Problems   json.RawMessage `gorm:"type:jsonb"`
	StartedBy  *int64
	StartedAt  time.Time
	FinishedAt *time.Time
}

// Percent is how far the run has read its file.
func (r ImportRun) Percent() int {
	if r.Status != "running" {
		return 100
	}
	if r.BytesTotal <= 0 {
		return 0
	}
	return int(min(100, 100*r.BytesDone/r.BytesTotal))
}

// ProblemList decodes the stored problems.
func (r ImportRun) ProblemList() (list []chatfile.Problem, total int) {
	var p struct {
		List  []chatfile.Problem
		Total int
	}
	_ = json.Unmarshal(r.Problems, &p)
	return p.List, p.Total
}

// StartImportRun records an upload about to be imported.
func (s *Store) StartImportRun(ctx context.Context, a Actor, kind, fileName string, size int64) (ImportRun, error) {
	r := ImportRun{Kind: kind, FileName: fileName, Status: "running", BytesTotal: size, StartedBy: nullID(a)}
	if err := s.conn(ctx).Omit("ID", "StartedAt", "FinishedAt", "Problems").Create(&r).Error; err != nil {
		return r, fmt.Errorf("models: unable to start import run: %w", err)
	}
	return r, nil
}

// ImportRunProgress notes how far a run got; it runs outside the import's
// transaction so the page sees it while the import is still open.
func (s *Store) ImportRunProgress(ctx context.Context, id, bytesDone, rows int64) error {
	err := s.conn(ctx).Exec(`UPDATE import_runs SET bytes_done = ?, rows_done = ?, progressed_at = now() WHERE id = ?`, bytesDone, rows, id).Error
	if err != nil {
		return fmt.Errorf("models: unable to record import progress: %w", err)
	}
	return nil
}

// ImportOutcome is what any import did: rows read, records added, updated
// and already there, or the problems that made it refuse the file.
type ImportOutcome struct {
	Rows, Added, Updated, Kept int64
	Problems                   []chatfile.Problem
	ProblemCount               int
}

// Outcome summarises a chat import.
func (c ChatImport) Outcome() ImportOutcome {
	return ImportOutcome{Rows: c.Rows, Added: c.Added, Kept: c.Duplicates, Problems: c.Problems, ProblemCount: c.ProblemCount}
}

// Outcome summarises an order import.
func (o OrderImport) Outcome() ImportOutcome {
	return ImportOutcome{Rows: o.Rows, Added: o.Added, Updated: o.Updated, Kept: o.Unchanged, Problems: o.Problems, ProblemCount: o.ProblemCount}
}

// FinishImportRun stores the outcome of a run.
func (s *Store) FinishImportRun(ctx context.Context, id int64, res ImportOutcome, runErr error) error {
	status := "done"
	var problems any
	if runErr != nil {
		status = "failed"
		list := res.Problems
		if !errors.Is(runErr, ErrImportRejected) {
			list = []chatfile.Problem{{Key: "import.err.internal"}}
		}
		b, _ := json.Marshal(map[string]any{"List": list, "Total": max(res.ProblemCount, len(list))})
		problems = string(b)
	}
	err := s.conn(ctx).Exec(`UPDATE import_runs SET status = ?, rows_done = ?, added = ?, updated = ?, duplicates = ?, problems = ?,
		bytes_done = bytes_total, finished_at = now() WHERE id = ?`, status, res.Rows, res.Added, res.Updated, res.Kept, problems, id).Error
	if err != nil {
		return fmt.Errorf("models: unable to finish import run %d: %w", id, err)
	}
	return nil
}

// ImportRunByID loads one run.
func (s *Store) ImportRunByID(ctx context.Context, id int64) (ImportRun, error) {
	var r ImportRun
	if err := s.conn(ctx).Take(&r, id).Error; err != nil {
		return r, notFound(err, fmt.Sprintf("import run %d", id))
	}
	return r, nil
}

// RecentImportRuns lists the latest runs of a kind.
func (s *Store) RecentImportRuns(ctx context.Context, kind string, limit int) ([]ImportRun, error) {
	var rs []ImportRun
	err := s.conn(ctx).Where("kind = ?", kind).Order("started_at DESC").Limit(limit).Find(&rs).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list import runs: %w", err)
	}
	return rs, nil
}

// StaleImportAfter is how long a run may show no progress before it counts
// as interrupted. Progress is recorded every 20,000 rows; the longest quiet
// stretch is the final merge, which takes seconds per million rows.
const StaleImportAfter = 30 * time.Minute

// FailStaleImportRuns marks runs that stopped moving (their server died
// mid-run) as failed, and returns how many it marked. An import wrote
// nothing (it is one transaction); a re-apply kept the batches it had
// committed, and says so.
func (s *Store) FailStaleImportRuns(ctx context.Context, quiet time.Duration) (int64, error) {
	return failStaleRuns(s.conn(ctx), "", quiet)
}

// failStaleRuns fails the running runs of kind ("" for every kind) quiet
// for longer than quiet, each with its kind's message.
func failStaleRuns(db *gorm.DB, kind string, quiet time.Duration) (int64, error) {
	msg := func(key string) string {
		b, _ := json.Marshal(map[string]any{"List": []chatfile.Problem{{Key: key}}, "Total": 1})
		return string(b)
	}
	res := db.Exec(`UPDATE import_runs
		   SET status = 'failed', finished_at = now(),
		       problems = CASE WHEN kind = ? THEN ?::jsonb ELSE ?::jsonb END
		 WHERE status = 'running' AND progressed_at < now() - make_interval(secs => ?) AND (? = '' OR kind = ?)`,
		ReapplyKind, msg("attr.reapply_interrupted"), msg("import.err.interrupted"), quiet.Seconds(), kind, kind)
	if res.Error != nil {
		return 0, fmt.Errorf("models: unable to fail stale runs: %w", res.Error)
	}
	return res.RowsAffected, nil
}
