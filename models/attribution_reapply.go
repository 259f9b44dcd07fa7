package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AttributionChange is one order whose credit a re-apply would change.
type AttributionChange struct {
	OrderID            int64
	OrderNo, Buyer     string
	CreatedAt          time.Time
	OldRule, NewRule   string
	OldCredit, NewCred []string // "name ¥amount" style parts: kind, name, fen
}

// AttributionPreview is what re-applying the current settings to a date
// range would do.
type AttributionPreview struct {
	Orders  int64 // orders in the range
	Changed int64 // whose automatic credit would change (ruled orders keep their ruling and are not counted)
	Sample  []AttributionChange
}

// previewSample bounds the changed orders listed.
const previewSample = 20

// PreviewAttribution decides the orders created in [from, to) under the
// current settings without writing, batch by batch, and compares with what
// is stored.
func (s *Store) PreviewAttribution(ctx context.Context, from, to time.Time) (AttributionPreview, error) {
	var out AttributionPreview
	env, err := s.attrEnv(ctx)
	if err != nil {
		return out, err
	}
	var cur AuditCursor
	for {
		rows, err := s.readAttrBatch(ctx, from, to, cur, attributionLookback(env.rules), attrBatch)
		if err != nil || len(rows) == 0 {
			return out, err
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		awards, err := rulingAwards(s.conn(ctx), ids)
		if err != nil {
			return out, err
		}
		for _, r := range rows {
			out.Orders++
			a, _ := env.compute(r, nil)
			if a.Sig == r.OldSig || awards[r.ID] != nil {
				continue
			}
			out.Changed++
			if len(out.Sample) < previewSample {
				oldRule, oldCredit := splitSig(r.OldSig)
				newRule, newCredit := splitSig(a.Sig)
				out.Sample = append(out.Sample, AttributionChange{OrderID: r.ID, Buyer: r.Buyer, CreatedAt: r.CreatedAt,
					OldRule: oldRule, NewRule: newRule, OldCredit: oldCredit, NewCred: newCredit})
			}
		}
		last := rows[len(rows)-1]
		cur = AuditCursor{At: last.CreatedAt, ID: last.ID}
	}
}

// splitSig takes a stored signature apart: the rule and its credit parts
// ("kind:agent:fen").
func splitSig(sig string) (string, []string) {
	rule, rest, _ := strings.Cut(sig, "|")
	if rest == "" {
		return rule, nil
	}
	return rule, strings.Split(rest, ",")
}

// ReapplyKind is the import_runs kind of a re-apply: it runs in the
// background with the same progress record as an import (a year of a big
// shop is millions of orders, minutes of work).
const ReapplyKind = "attribution"

// reapplyLock makes starting a re-apply one at a time.
const reapplyLock = 0x6b656675_61747472 // "kefuattr"

// StaleReapplyAfter is how long a running re-apply may record no progress
// before a new start counts it as cut off (a crash or a restart).
const StaleReapplyAfter = 5 * time.Minute

// ErrReapplyRunning: a re-apply is already running; wait for it.
var ErrReapplyRunning = errors.New("models: a re-apply is already running")

// StartReapply records a re-apply of the orders created in [from, to)
// about to run (label names the days for the page). Only one runs at a
// time: a second start is refused while the first is running.
func (s *Store) StartReapply(ctx context.Context, a Actor, from, to time.Time, label string) (ImportRun, error) {
	var run ImportRun
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(?)`, int64(reapplyLock)).Error; err != nil {
			return fmt.Errorf("models: re-apply lock: %w", err)
		}
		// A re-apply records progress after every batch of a few thousand
		// orders (well under a second each); one silent for longer than
		// StaleReapplyAfter lost its server, and must not block the next.
		if _, err := failStaleRuns(tx, ReapplyKind, StaleReapplyAfter); err != nil {
			return err
		}
		var running, orders int64
		if err := tx.Raw(`SELECT count(*) FROM import_runs WHERE kind = ? AND status = 'running'`, ReapplyKind).Scan(&running).Error; err != nil {
			return fmt.Errorf("models: running re-applies: %w", err)
		}
		if running > 0 {
			return ErrReapplyRunning
		}
		if err := tx.Raw(`SELECT count(*) FROM orders WHERE created_at >= ? AND created_at < ?`, from, to).Scan(&orders).Error; err != nil {
			return fmt.Errorf("models: orders to re-apply: %w", err)
		}
		var err error
		run, err = s.StartImportRun(ctx, a, ReapplyKind, label, orders)
		return err
	})
	return run, err
}

// RunReapply decides the orders of a started re-apply again under the
// current settings and promotions, batch by batch (each batch its own
// transaction, progress recorded after each), then audits the range and
// finishes the run. Rulings are kept.
func (s *Store) RunReapply(ctx context.Context, a Actor, runID int64, from, to time.Time) error {
	n, err := s.attributeOrders(ctx, from, to, func(done int64) {
		_ = s.ImportRunProgress(ctx, runID, done, done) // progress is best effort
	})
	if err == nil {
		err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
			return audit(tx, a, "reapply", "attribution", from.Format(time.DateOnly), nil,
				map[string]any{"from": from, "to": to, "orders": n})
		})
	}
	// The outcome is recorded even when the server is shutting down.
	if ferr := s.FinishImportRun(context.WithoutCancel(ctx), runID, ImportOutcome{Rows: n, Updated: n}, err); ferr != nil && err == nil {
		err = ferr
	}
	return err
}
