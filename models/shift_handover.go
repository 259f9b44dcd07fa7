package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Handover item kinds (交接): what the seeds say an outgoing shift hands on.
// Open bad-review cases join the handover by themselves (see
// HandoverBadReviews); the bad_review kind stays for a note about a case.
var HandoverKinds = []string{"bad_review", "refund", "promise", "follow_up", "other"}

// HandoverItem is one thing the outgoing agent hands to someone on the next
// shift. It stays open, carried from day to day, until its owner ticks it.
type HandoverItem struct {
	ID         int64
	Day        time.Time
	AuthorID   int64
	OwnerID    int64
	Kind       string
	Ref        string
	Body       string
	DoneAt     *time.Time
	DoneBy     *int64
	Version    int
	CreatedAt  time.Time
	AuthorName string `gorm:"->;-:migration"`
	OwnerName  string `gorm:"->;-:migration"`
}

// TableName pins the table.
func (HandoverItem) TableName() string { return "handover_items" }

// CarriedOver reports whether the item is older than today: the next shift
// did not finish it.
func (h HandoverItem) CarriedOver(today time.Time) bool { return h.Day.Before(today) }

// HandoverForm is one item as typed.
type HandoverForm struct {
	Kind    string
	OwnerID int64
	Ref     string
	Body    string
}

// Validate checks the form; the owner must be on the rota.
func (f HandoverForm) Validate(staff []User) FieldErrors {
	errs := FieldErrors{}
	if !slices.Contains(HandoverKinds, f.Kind) {
		errs.Add("kind", "shifts.err.kind")
	}
	if !slices.ContainsFunc(staff, func(u User) bool { return u.ID == f.OwnerID }) {
		errs.Add("owner", "shifts.err.owner")
	}
	if len([]rune(f.Ref)) > 80 {
		errs.Add("ref", "shifts.err.ref")
	}
	if n := len([]rune(strings.TrimSpace(f.Body))); n == 0 || n > 500 {
		errs.Add("body", "shifts.err.body")
	}
	return errs
}

// AddHandoverItem records an item written on day.
func (s *Store) AddHandoverItem(ctx context.Context, a Actor, day time.Time, f HandoverForm) (HandoverItem, error) {
	staff, err := s.RotaStaff(ctx)
	if err != nil {
		return HandoverItem{}, err
	}
	if err := f.Validate(staff).Err(); err != nil {
		return HandoverItem{}, err
	}
	it := HandoverItem{Day: day, AuthorID: a.ID, OwnerID: f.OwnerID, Kind: f.Kind, Ref: strings.TrimSpace(f.Ref), Body: strings.TrimSpace(f.Body), Version: 1}
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		err := tx.Raw(`INSERT INTO handover_items (day, author_id, owner_id, kind, ref, body) VALUES (?::date, ?, ?, ?, ?, ?) RETURNING id, created_at`,
			dateStr(day), a.ID, it.OwnerID, it.Kind, it.Ref, it.Body).Row().Scan(&it.ID, &it.CreatedAt)
		if err != nil {
			return fmt.Errorf("models: unable to save handover item: %w", err)
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		return audit(tx, a, "create", "handover", it.ID, nil, f)
	})
	return it, err
}

// OpenHandover lists items not done, oldest first: one owner's (ownerID >
// 0) for their today page, or everyone's for the manager.
//
// Open bad-review cases are not items: HandoverBadReviews reads them from
// the tracker's table and the pages show them next to these, as kind
// bad_review rows that need no tick.
func (s *Store) OpenHandover(ctx context.Context, ownerID int64) ([]HandoverItem, error) {
	var out []HandoverItem
	if err := s.openHandoverQuery(ctx, ownerID).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list handover: %w", err)
	}
	return out, nil
}

func (s *Store) openHandoverQuery(ctx context.Context, ownerID int64) *gorm.DB {
	q := s.conn(ctx).Table("handover_items h").Select(`h.*,
		COALESCE(NULLIF(au.display_name, ''), au.username) AS author_name,
		COALESCE(NULLIF(ou.display_name, ''), ou.username) AS owner_name`).
		Joins("JOIN users au ON au.id = h.author_id").Joins("JOIN users ou ON ou.id = h.owner_id").
		Where("h.done_at IS NULL")
	if ownerID > 0 {
		q = q.Where("h.owner_id = ?", ownerID)
	}
	return q.Order("h.day, h.id").Limit(500)
}

// HandoverWritten lists what author handed over on day (their own record).
func (s *Store) HandoverWritten(ctx context.Context, authorID int64, day time.Time) ([]HandoverItem, error) {
	var out []HandoverItem
	err := s.conn(ctx).Table("handover_items h").Select(`h.*,
		COALESCE(NULLIF(ou.display_name, ''), ou.username) AS owner_name`).
		Joins("JOIN users ou ON ou.id = h.owner_id").
		Where("h.author_id = ? AND h.day = ?::date", authorID, dateStr(day)).Order("h.id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list handover written: %w", err)
	}
	return out, nil
}

// TickHandover marks an item done: by its owner, or a manager.
func (s *Store) TickHandover(ctx context.Context, a Actor, asManager bool, id int64, version int) (HandoverItem, error) {
	var it HandoverItem
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		if err := tx.Clauses(lockingClause).Take(&it, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("handover item %d", id))
		}
		if it.OwnerID != a.ID && !asManager {
			return ErrNotYours
		}
		if it.Version != version {
			return s.conflict(ctx, "handover item", it.DoneBy, it.CreatedAt)
		}
		if it.DoneAt != nil {
			return nil
		}
		err := tx.Exec(`UPDATE handover_items SET done_at = now(), done_by = ?, version = version + 1 WHERE id = ?`, nullID(a), id).Error
		if err != nil {
			return fmt.Errorf("models: unable to tick handover item: %w", err)
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		return audit(tx, a, "done", "handover", id, map[string]any{"done": false}, map[string]any{"done": true})
	})
	if err != nil {
		return it, err
	}
	return s.handoverItem(ctx, id)
}

// handoverItem reads one item with its author's and owner's names.
func (s *Store) handoverItem(ctx context.Context, id int64) (HandoverItem, error) {
	var it HandoverItem
	err := s.conn(ctx).Table("handover_items h").Select(`h.*,
		COALESCE(NULLIF(au.display_name, ''), au.username) AS author_name,
		COALESCE(NULLIF(ou.display_name, ''), ou.username) AS owner_name`).
		Joins("JOIN users au ON au.id = h.author_id").Joins("JOIN users ou ON ou.id = h.owner_id").
		Where("h.id = ?", id).Take(&it).Error
	if err != nil {
		return it, notFound(err, fmt.Sprintf("handover item %d", id))
	}
	return it, nil
}
