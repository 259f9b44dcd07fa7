package models

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// lockSwap reads a request under a row lock and checks its version.
func (s *Store) lockSwap(ctx context.Context, tx *gorm.DB, id int64, version int) (SwapRequest, error) {
	var r SwapRequest
	if err := tx.Clauses(lockingClause).Take(&r, id).Error; err != nil {
		return r, notFound(err, fmt.Sprintf("swap request %d", id))
	}
	if r.Version != version {
		return r, s.conflict(ctx, "swap request", r.UpdatedBy, r.UpdatedAt)
	}
	if err := tx.Where("swap_id = ?", id).Order("day").Find(&r.Days).Error; err != nil {
		return r, fmt.Errorf("models: unable to read swap days: %w", err)
	}
	return r, nil
}

func setSwapStatus(tx *gorm.DB, a Actor, r SwapRequest, status, action string, extra map[string]any) error {
	cols := map[string]any{"status": status, "version": gorm.Expr("version + 1"), "updated_at": gorm.Expr("now()"), "updated_by": nullID(a)}
	switch status {
	case SwapAccepted:
		cols["accepted_at"] = gorm.Expr("now()")
	case SwapApproved, SwapPartly, SwapRejected:
		cols["decided_by"], cols["decided_at"] = nullID(a), gorm.Expr("now()")
	}
	if err := tx.Model(&SwapRequest{}).Where("id = ?", r.ID).Updates(cols).Error; err != nil {
		return fmt.Errorf("models: unable to update swap request: %w", err)
	}
	if err := publishLive(tx); err != nil {
		return err
	}
	after := map[string]any{"status": status}
	for k, v := range extra {
		after[k] = v
	}
	return audit(tx, a, action, "swap", r.ID, map[string]any{"status": r.Status}, after)
}

// RespondSwap is the colleague's answer to a proposed request.
func (s *Store) RespondSwap(ctx context.Context, a Actor, id int64, version int, accept bool) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		r, err := s.lockSwap(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if r.ColleagueID != a.ID {
			return ErrNotYours
		}
		if r.Status != SwapProposed {
			return Invalid("swap", "shifts.err.swap_state")
		}
		if accept {
			return setSwapStatus(tx, a, r, SwapAccepted, "accept", nil)
		}
		return setSwapStatus(tx, a, r, SwapRefused, "refuse", nil)
	})
}

// CancelSwap withdraws the requester's own open request.
func (s *Store) CancelSwap(ctx context.Context, a Actor, id int64, version int) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		r, err := s.lockSwap(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if r.RequesterID != a.ID {
			return ErrNotYours
		}
		if !r.Open() {
			return Invalid("swap", "shifts.err.swap_state")
		}
		return setSwapStatus(tx, a, r, SwapCanceled, "cancel", nil)
	})
}

// SwapCheck runs the rules on the chosen days of a request as the rota is
// now, for the manager to see before deciding. days nil means all.
func (s *Store) SwapCheck(ctx context.Context, r SwapRequest, days []time.Time) (Changed, error) {
	if days == nil {
		for _, d := range r.Days {
			days = append(days, d.Day)
		}
	}
	if len(days) == 0 {
		return Changed{}, nil
	}
	_, plan, _, err := s.checkSwap(ctx, r.Kind, r.RequesterID, r.ColleagueID, days)
	return plan, err
}

// DecideSwap is the manager's decision on an accepted request: approve the
// chosen days (all, or part) or reject it. The rules are checked again on
// the rota as it is now; a day that would break one is not approved and
// nothing is changed. Only here does the rota change.
func (s *Store) DecideSwap(ctx context.Context, a Actor, id int64, version int, approve bool, chosen []string) (Changed, error) {
	var out Changed
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		r, err := s.lockSwap(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if r.Status != SwapAccepted {
			return Invalid("swap", "shifts.err.swap_state")
		}
		if !approve {
			return setSwapStatus(tx, a, r, SwapRejected, "reject", nil)
		}
		var days []time.Time
		for _, d := range r.Days {
			if slices.Contains(chosen, dateStr(d.Day)) {
				days = append(days, d.Day)
			}
		}
		if len(days) == 0 {
			return Invalid("days", "shifts.err.swap_days")
		}
		changes, plan, before, err := s.checkSwap(ctx, r.Kind, r.RequesterID, r.ColleagueID, days)
		if err != nil {
			return err
		}
		out = plan
		if len(plan.Introduced) > 0 {
			return &RuleError{Violations: plan.Introduced, Start: plan.Start}
		}
		if err := lockCells(tx, changes); err != nil {
			return err
		}
		if err := s.applyChanges(tx, a, changes, before, CauseSwap); err != nil {
			return err
		}
		for _, d := range r.Days {
			ok := slices.ContainsFunc(days, d.Day.Equal)
			if err := tx.Exec(`UPDATE swap_request_days SET approved = ? WHERE swap_id = ? AND day = ?::date`, ok, r.ID, dateStr(d.Day)).Error; err != nil {
				return fmt.Errorf("models: unable to mark swap day: %w", err)
			}
		}
		status := SwapApproved
		if len(days) < len(r.Days) {
			status = SwapPartly
		}
		return setSwapStatus(tx, a, r, status, "approve", map[string]any{"days": chosen})
	})
	return out, err
}

// SwapFilter says whose requests to list.
type SwapFilter struct {
	UserID   int64 // requests the user made or was asked; 0: everyone's
	OpenOnly bool
	Limit    int
}

// ListSwaps lists requests newest first with their days.
func (s *Store) ListSwaps(ctx context.Context, f SwapFilter) ([]SwapRequest, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := s.conn(ctx).Table("swap_requests r").Select(`r.*,
		COALESCE(NULLIF(ru.display_name, ''), ru.username) AS requester_name,
		COALESCE(NULLIF(cu.display_name, ''), cu.username) AS colleague_name`).
		Joins("JOIN users ru ON ru.id = r.requester_id").Joins("JOIN users cu ON cu.id = r.colleague_id")
	if f.UserID > 0 {
		q = q.Where("r.requester_id = ? OR r.colleague_id = ?", f.UserID, f.UserID)
	}
	if f.OpenOnly {
		q = q.Where("r.status IN ?", []string{SwapProposed, SwapAccepted})
	}
	var out []SwapRequest
	if err := q.Order("r.id DESC").Limit(f.Limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list swaps: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, r := range out {
		ids[i] = r.ID
	}
	var days []SwapDay
	if err := s.conn(ctx).Where("swap_id IN ?", ids).Order("day").Find(&days).Error; err != nil {
		return nil, fmt.Errorf("models: unable to read swap days: %w", err)
	}
	for i := range out {
		for _, d := range days {
			if d.SwapID == out[i].ID {
				out[i].Days = append(out[i].Days, d)
			}
		}
	}
	return out, nil
}

// SwapByID loads one request with its days.
func (s *Store) SwapByID(ctx context.Context, id int64) (SwapRequest, error) {
	var r SwapRequest
	if err := s.conn(ctx).Take(&r, id).Error; err != nil {
		return r, notFound(err, fmt.Sprintf("swap request %d", id))
	}
	if err := s.conn(ctx).Where("swap_id = ?", id).Order("day").Find(&r.Days).Error; err != nil {
		return r, fmt.Errorf("models: unable to read swap days: %w", err)
	}
	return r, nil
}
