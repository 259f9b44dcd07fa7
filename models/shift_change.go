package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/live"
	"kefudesk/models/rota"
)

// RuleError says a change would break rota rules; nothing was saved. The
// page lists the violations (and, for a manager's edit, offers to save
// anyway, which the audit log records).
type RuleError struct {
	Violations []rota.Violation
	Start      time.Time // day 0 of the violations' day indexes
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("models: change breaks %d rota rule(s), first %s", len(e.Violations), e.Violations[0].Rule)
}

// CellChange sets one agent's day.
type CellChange struct {
	UserID int64
	Day    time.Time
	Shift  string
}

// Change causes, kept on the notices agents acknowledge.
const (
	CauseEdit  = "edit"
	CauseSwap  = "swap"
	CauseLeave = "leave"
)

// Changed is what applying changes found: the violations the changes add
// (day indexes from Start) and the rota after them.
type Changed struct {
	Start      time.Time
	Introduced []rota.Violation
	After      rota.Rota
	Params     rota.Params
}

// planChanges checks changes against the rota around them — the weeks they
// touch and one week either side, so rest runs across Mondays count — and
// returns the violations they add. Nothing is written.
func (s *Store) planChanges(ctx context.Context, changes []CellChange) (Changed, rota.Rota, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return Changed{}, rota.Rota{}, err
	}
	p := RotaParams(settings)
	if len(changes) == 0 {
		return Changed{Params: p}, rota.Rota{}, nil
	}
	lo, hi := changes[0].Day, changes[0].Day
	for _, c := range changes {
		if c.Shift != rota.Rest && c.Shift != rota.Leave {
			if _, ok := p.Type(c.Shift); !ok {
				return Changed{}, rota.Rota{}, Invalid("shift", "shifts.err.shift")
			}
		}
		lo, hi = minTime(lo, c.Day), maxTime(hi, c.Day)
	}
	start := Monday(lo).AddDate(0, 0, -7)
	weeks := int(Monday(hi).Sub(start).Hours()/24)/7 + 2
	staff, err := s.RotaStaff(ctx)
	if err != nil {
		return Changed{}, rota.Rota{}, err
	}
	before, _, err := s.loadWindow(ctx, staff, start, weeks)
	if err != nil {
		return Changed{}, rota.Rota{}, err
	}
	after := before.Clone()
	for _, c := range changes {
		row, ok := after.Cells[c.UserID]
		if !ok {
			return Changed{}, rota.Rota{}, Invalid("user", "shifts.err.not_on_rota")
		}
		row[int(c.Day.Sub(start).Hours()/24)] = c.Shift
	}
	return Changed{Start: start, Introduced: rota.Introduced(rota.Check(before, p), rota.Check(after, p)), After: after, Params: p}, before, nil
}

// applyChanges writes changes that planChanges accepted: each cell, a
// notice for changes to published weeks, a live signal. The caller holds
// the transaction and audits the action as a whole.
func (s *Store) applyChanges(tx *gorm.DB, a Actor, changes []CellChange, before rota.Rota, cause string) error {
	for _, c := range changes {
		old := before.Cells[c.UserID][int(c.Day.Sub(before.Start).Hours()/24)]
		if old == c.Shift {
			continue
		}
		if err := upsertCell(tx, a, c.UserID, c.Day, c.Shift); err != nil {
			return err
		}
		err := tx.Exec(`INSERT INTO shift_change_notices (user_id, day, old_shift, new_shift, cause, created_by)
			SELECT ?, ?::date, ?, ?, ?, ? WHERE EXISTS (
				SELECT 1 FROM rota_weeks WHERE week_start = ?::date AND status = 'published')`,
			c.UserID, dateStr(c.Day), old, c.Shift, cause, nullID(a), dateStr(Monday(c.Day))).Error
		if err != nil {
			return fmt.Errorf("models: unable to record shift change notice: %w", err)
		}
	}
	return publishLive(tx)
}

func publishLive(tx *gorm.DB) error { return live.Publish(tx, TopicShifts) }

// lockCells locks the assignment rows of changes, in a fixed order so two
// writers never wait on each other in a cycle.
func lockCells(tx *gorm.DB, changes []CellChange) error {
	keys := make([]string, 0, len(changes))
	for _, c := range changes {
		keys = append(keys, fmt.Sprintf("%d|%s", c.UserID, dateStr(c.Day)))
	}
	slices.Sort(keys)
	for _, k := range keys {
		var id int64
		var day string
		fmt.Sscanf(k, "%d|%s", &id, &day)
		if err := tx.Exec(`SELECT 1 FROM shift_assignments WHERE user_id = ? AND day = ?::date FOR UPDATE`, id, day).Error; err != nil {
			return fmt.Errorf("models: unable to lock shift: %w", err)
		}
	}
	return nil
}

// SetShift is a manager's edit of one cell. version is the cell's version
// as shown (0 for a cell never saved). A change that breaks a rule is
// refused with a RuleError unless override is set: then it is saved and
// the audit log keeps the rules it broke.
func (s *Store) SetShift(ctx context.Context, a Actor, userID int64, day time.Time, shift string, version int, override bool) (Changed, error) {
	var out Changed
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		ch := []CellChange{{UserID: userID, Day: day, Shift: shift}}
		if err := lockCells(tx, ch); err != nil {
			return err
		}
		var cur ShiftAssignment
		err := tx.Where("user_id = ? AND day = ?::date", userID, dateStr(day)).Take(&cur).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("models: unable to read shift: %w", err)
		}
		if cur.Version != version {
			return s.conflict(ctx, "shift", cur.UpdatedBy, cur.UpdatedAt)
		}
		plan, before, err := s.planChanges(ctx, ch)
		if err != nil {
			return err
		}
		out = plan
		if len(plan.Introduced) > 0 && !override {
			return &RuleError{Violations: plan.Introduced, Start: plan.Start}
		}
		if err := s.applyChanges(tx, a, ch, before, CauseEdit); err != nil {
			return err
		}
		return audit(tx, a, "edit", "shift", fmt.Sprintf("%d/%s", userID, dateStr(day)),
			map[string]any{"shift": cur.Shift}, map[string]any{"shift": shift, "override": override, "broken": ruleNames(plan.Introduced)})
	})
	return out, err
}

func ruleNames(vs []rota.Violation) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.Rule)
	}
	return out
}

// ShiftNotice is a change to a published week, for the agent it touches.
type ShiftNotice struct {
	ID             int64
	UserID         int64
	Day            time.Time
	OldShift       string
	NewShift       string
	Cause          string
	CreatedAt      time.Time
	AcknowledgedAt *time.Time
	UserName       string `gorm:"->;-:migration"`
}

// TableName pins the table.
func (ShiftNotice) TableName() string { return "shift_change_notices" }

// OpenNotices lists changes not yet acknowledged: one agent's (userID > 0)
// or everyone's, for the manager.
func (s *Store) OpenNotices(ctx context.Context, userID int64) ([]ShiftNotice, error) {
	var out []ShiftNotice
	if err := s.openNoticesQuery(ctx, userID).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list shift notices: %w", err)
	}
	return out, nil
}

func (s *Store) openNoticesQuery(ctx context.Context, userID int64) *gorm.DB {
	q := s.conn(ctx).Table("shift_change_notices n").
		Select("n.*, COALESCE(NULLIF(u.display_name, ''), u.username) AS user_name").
		Joins("JOIN users u ON u.id = n.user_id").Where("n.acknowledged_at IS NULL")
	if userID > 0 {
		q = q.Where("n.user_id = ?", userID)
	}
	return q.Order("n.user_id, n.id").Limit(500)
}

// AcknowledgeNotices marks the agent's open notices as read.
func (s *Store) AcknowledgeNotices(ctx context.Context, a Actor) (int64, error) {
	var n int64
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		res := tx.Exec(`UPDATE shift_change_notices SET acknowledged_at = now() WHERE user_id = ? AND acknowledged_at IS NULL`, a.ID)
		if res.Error != nil {
			return fmt.Errorf("models: unable to acknowledge notices: %w", res.Error)
		}
		n = res.RowsAffected
		if n == 0 {
			return nil
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		return audit(tx, a, "acknowledge", "shift_notices", a.ID, nil, map[string]int64{"count": n})
	})
	return n, err
}
