package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/attribution"
)

// PromotionPeriod is a promotion (双十一, 618, ...) during which orders are
// split evenly among the agents who served the buyer. Days in shop time,
// both ends included.
type PromotionPeriod struct {
	ID        int64
	Name      string
	StartsOn  time.Time `gorm:"type:date"`
	EndsOn    time.Time `gorm:"type:date"`
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy *int64
}

// Period is the promotion as an instant range [first day 00:00, day after the last).
func (p PromotionPeriod) Period(loc *time.Location) attribution.Period {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc) }
	return attribution.Period{From: day(p.StartsOn), To: day(p.EndsOn).AddDate(0, 0, 1)}
}

// PromotionForm is a promotion as typed.
type PromotionForm struct {
	ID       int64
	Version  int
	Name     string
	From, To string // yyyy-mm-dd
}

// Validate checks the form and returns the days it names.
func (f PromotionForm) Validate() (from, to time.Time, errs FieldErrors) {
	errs = FieldErrors{}
	if n := len([]rune(strings.TrimSpace(f.Name))); n < 1 || n > 60 {
		errs.Add("name", "promo.err.name")
	}
	from, err1 := time.Parse(time.DateOnly, f.From)
	if err1 != nil {
		errs.Add("from", "audit.err.date")
	}
	to, err2 := time.Parse(time.DateOnly, f.To)
	if err2 != nil {
		errs.Add("to", "audit.err.date")
	}
	if err1 == nil && err2 == nil && to.Before(from) {
		errs.Add("to", "promo.err.order")
	}
	return from, to, errs
}

// PromotionPeriods lists the promotions, latest first.
func (s *Store) PromotionPeriods(ctx context.Context) ([]PromotionPeriod, error) {
	var out []PromotionPeriod
	if err := s.conn(ctx).Order("starts_on DESC, id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list promotions: %w", err)
	}
	return out, nil
}

// PromotionByID loads one promotion.
func (s *Store) PromotionByID(ctx context.Context, id int64) (PromotionPeriod, error) {
	var p PromotionPeriod
	if err := s.conn(ctx).Take(&p, id).Error; err != nil {
		return p, notFound(err, fmt.Sprintf("promotion %d", id))
	}
	return p, nil
}

// SavePromotion adds a promotion, or changes one when f.ID is set and
// f.Version is still current. Orders are not re-attributed here: the
// manager previews and applies that for the dates (see ReapplyAttribution).
func (s *Store) SavePromotion(ctx context.Context, a Actor, f PromotionForm) (PromotionPeriod, error) {
	from, to, errs := f.Validate()
	if err := errs.Err(); err != nil {
		return PromotionPeriod{}, err
	}
	var out PromotionPeriod
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		name := strings.TrimSpace(f.Name)
		if f.ID == 0 {
			out = PromotionPeriod{Name: name, StartsOn: from, EndsOn: to, Version: 1, UpdatedBy: nullID(a)}
			if err := tx.Omit("ID", "CreatedAt", "UpdatedAt").Create(&out).Error; err != nil {
				return fmt.Errorf("models: unable to add promotion: %w", err)
			}
			return audit(tx, a, "create", "promotion", out.ID, nil, promoAudit(out))
		}
		var cur PromotionPeriod
		if err := tx.Clauses(lockingClause).Take(&cur, f.ID).Error; err != nil {
			return notFound(err, fmt.Sprintf("promotion %d", f.ID))
		}
		if cur.Version != f.Version {
			return s.conflict(ctx, "promotion", cur.UpdatedBy, cur.UpdatedAt)
		}
		err := tx.Exec(`UPDATE promotion_periods SET name = ?, starts_on = ?, ends_on = ?, version = version + 1,
			updated_at = now(), updated_by = ? WHERE id = ?`, name, from, to, nullID(a), f.ID).Error
		if err != nil {
			return fmt.Errorf("models: unable to save promotion %d: %w", f.ID, err)
		}
		if err := tx.Take(&out, f.ID).Error; err != nil {
			return fmt.Errorf("models: reread promotion %d: %w", f.ID, err)
		}
		return audit(tx, a, "update", "promotion", f.ID, promoAudit(cur), promoAudit(out))
	})
	return out, err
}

// DeletePromotion removes a promotion at the version the manager saw.
func (s *Store) DeletePromotion(ctx context.Context, a Actor, id int64, version int) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var cur PromotionPeriod
		if err := tx.Clauses(lockingClause).Take(&cur, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("promotion %d", id))
		}
		if cur.Version != version {
			return s.conflict(ctx, "promotion", cur.UpdatedBy, cur.UpdatedAt)
		}
		if err := tx.Exec(`DELETE FROM promotion_periods WHERE id = ?`, id).Error; err != nil {
			return fmt.Errorf("models: unable to delete promotion %d: %w", id, err)
		}
		return audit(tx, a, "delete", "promotion", id, promoAudit(cur), nil)
	})
}

func promoAudit(p PromotionPeriod) map[string]any {
	return map[string]any{"name": p.Name, "from": p.StartsOn.Format(time.DateOnly), "to": p.EndsOn.Format(time.DateOnly)}
}
