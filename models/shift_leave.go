package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/rota"
)

// Leave request states.
const (
	LeavePending   = "pending"
	LeaveApproved  = "approved"
	LeaveDeclined  = "declined"
	LeaveCancelled = "cancelled"
)

// maxLeaveDays bounds one request; longer absences are several requests.
const maxLeaveDays = 31

// LeaveRequest is an agent's request for days off.
type LeaveRequest struct {
	ID        int64
	UserID    int64
	FirstDay  time.Time
	LastDay   time.Time
	Reason    string
	Status    string
	DecidedBy *int64
	DecidedAt *time.Time
	Version   int
	CreatedAt time.Time
	UserName  string `gorm:"->;-:migration"`
}

// TableName pins the table.
func (LeaveRequest) TableName() string { return "leave_requests" }

// LeaveForm is what the agent fills in.
type LeaveForm struct {
	First, Last, Reason string
}

// Validate checks the dates (from today on, in order, at most a month).
func (f LeaveForm) Validate(today time.Time) (time.Time, time.Time, FieldErrors) {
	errs := FieldErrors{}
	first, ok1 := ParseDay(f.First)
	last, ok2 := ParseDay(f.Last)
	switch {
	case !ok1:
		errs.Add("first", "shifts.err.date")
	case first.Before(today):
		errs.Add("first", "shifts.err.past")
	}
	switch {
	case !ok2:
		errs.Add("last", "shifts.err.date")
	case ok1 && last.Before(first):
		errs.Add("last", "shifts.err.order")
	case ok1 && last.Sub(first).Hours()/24 >= maxLeaveDays:
		errs.Add("last", "shifts.err.long", maxLeaveDays)
	}
	if n := len([]rune(strings.TrimSpace(f.Reason))); n == 0 || n > 300 {
		errs.Add("reason", "shifts.err.reason")
	}
	return first, last, errs
}

// RequestLeave records the agent's request, pending the manager.
func (s *Store) RequestLeave(ctx context.Context, a Actor, f LeaveForm, today time.Time) (LeaveRequest, error) {
	first, last, errs := f.Validate(today)
	if err := errs.Err(); err != nil {
		return LeaveRequest{}, err
	}
	out := LeaveRequest{UserID: a.ID, FirstDay: first, LastDay: last, Reason: strings.TrimSpace(f.Reason), Status: LeavePending, Version: 1}
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		err := tx.Raw(`INSERT INTO leave_requests (user_id, first_day, last_day, reason) VALUES (?, ?::date, ?::date, ?) RETURNING id, created_at`,
			a.ID, dateStr(first), dateStr(last), out.Reason).Row().Scan(&out.ID, &out.CreatedAt)
		if err != nil {
			return fmt.Errorf("models: unable to save leave request: %w", err)
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		return audit(tx, a, "request", "leave", out.ID, nil, map[string]string{"first": f.First, "last": f.Last, "reason": out.Reason})
	})
	return out, err
}

// CancelLeave withdraws the agent's own request while it is pending.
func (s *Store) CancelLeave(ctx context.Context, a Actor, id int64, version int) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var l LeaveRequest
		if err := tx.Clauses(lockingClause).Take(&l, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("leave request %d", id))
		}
		if l.UserID != a.ID {
			return ErrNotYours
		}
		if l.Version != version {
			return s.conflict(ctx, "leave request", l.DecidedBy, l.CreatedAt)
		}
		if l.Status != LeavePending {
			return Invalid("leave", "shifts.err.decided")
		}
		if err := tx.Exec(`UPDATE leave_requests SET status = 'cancelled', version = version + 1 WHERE id = ?`, id).Error; err != nil {
			return fmt.Errorf("models: unable to cancel leave: %w", err)
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		return audit(tx, a, "cancel", "leave", id, map[string]string{"status": l.Status}, map[string]string{"status": LeaveCancelled})
	})
}

// ListLeave lists leave requests newest first: one user's (userID > 0) or
// everyone's, pending first for the manager.
func (s *Store) ListLeave(ctx context.Context, userID int64, limit int) ([]LeaveRequest, error) {
	q := s.conn(ctx).Table("leave_requests l").
		Select("l.*, COALESCE(NULLIF(u.display_name, ''), u.username) AS user_name").
		Joins("JOIN users u ON u.id = l.user_id")
	if userID > 0 {
		q = q.Where("l.user_id = ?", userID).Order("l.id DESC")
	} else {
		q = q.Order("l.status <> 'pending', l.id DESC")
	}
	var out []LeaveRequest
	if err := q.Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list leave: %w", err)
	}
	return out, nil
}

// DecideLeave approves or declines a pending request. Approval marks the
// days as leave on the rota, through the same checks as every change; the
// manager is shown the rules the absence breaks (usually cover) to fix.
func (s *Store) DecideLeave(ctx context.Context, a Actor, id int64, version int, approve bool) (Changed, error) {
	var out Changed
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var l LeaveRequest
		if err := tx.Clauses(lockingClause).Take(&l, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("leave request %d", id))
		}
		if l.Version != version {
			return s.conflict(ctx, "leave request", l.DecidedBy, l.CreatedAt)
		}
		if l.Status != LeavePending {
			return Invalid("leave", "shifts.err.decided")
		}
		status := LeaveDeclined
		if approve {
			status = LeaveApproved
			var changes []CellChange
			for d := l.FirstDay; !d.After(l.LastDay); d = d.AddDate(0, 0, 1) {
				changes = append(changes, CellChange{UserID: l.UserID, Day: d, Shift: rota.Leave})
			}
			if err := lockCells(tx, changes); err != nil {
				return err
			}
			plan, before, err := s.planChanges(ctx, changes)
			if err != nil {
				return err
			}
			out = plan
			if err := s.applyChanges(tx, a, changes, before, CauseLeave); err != nil {
				return err
			}
		}
		err := tx.Exec(`UPDATE leave_requests SET status = ?, decided_by = ?, decided_at = now(), version = version + 1 WHERE id = ?`,
			status, nullID(a), id).Error
		if err != nil {
			return fmt.Errorf("models: unable to decide leave: %w", err)
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		return audit(tx, a, status, "leave", id, map[string]string{"status": l.Status}, map[string]any{"status": status, "broken": ruleNames(out.Introduced)})
	})
	return out, err
}
