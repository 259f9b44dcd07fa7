package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"

	"kefudesk/models/live"
	"kefudesk/models/reviewfile"
)

// ReviewEntry is a review typed in by hand (one the export missed, or one
// read off the buyer's page).
type ReviewEntry struct {
	ReviewNo, OrderNo, Buyer, Rating, Content, Item, FollowUp, Photos string
	ReviewedAt                                                        time.Time
}

// Validate checks the entry; Rating accepts what the import accepts.
func (e ReviewEntry) Validate(now time.Time) FieldErrors {
	errs := FieldErrors{}
	if e.ReviewNo == "" || len(e.ReviewNo) > 64 {
		errs.Add("review_no", "badreviews.err.review_no")
	}
	if e.Buyer == "" || len([]rune(e.Buyer)) > 64 {
		errs.Add("buyer", "badreviews.err.buyer")
	}
	if _, ok := reviewfile.ParseRating(e.Rating); !ok {
		errs.Add("rating", "badreviews.err.rating", e.Rating)
	}
	if len([]rune(e.Content)) > 2000 {
		errs.Add("content", "badreviews.err.content")
	}
	if e.ReviewedAt.IsZero() || e.ReviewedAt.After(now.Add(5*time.Minute)) {
		errs.Add("reviewed_at", "badreviews.err.reviewed_at")
	}
	if len([]rune(e.Item)) > 200 {
		errs.Add("item", "badreviews.err.item")
	}
	if len(e.OrderNo) > 64 {
		errs.Add("order_no", "badreviews.err.order")
	}
	return errs
}

// CreateBadReview stores a hand-entered review: a medium or bad one opens a
// case, a good one counts as praise. A review number already known is an
// error on that field, not an update: the import is the way to update.
func (s *Store) CreateBadReview(ctx context.Context, a Actor, e ReviewEntry, now time.Time) (BadReview, error) {
	for _, p := range []*string{&e.ReviewNo, &e.OrderNo, &e.Buyer, &e.Rating, &e.Content, &e.Item, &e.FollowUp} {
		*p = trimmed(*p)
	}
	if err := e.Validate(now).Err(); err != nil {
		return BadReview{}, err
	}
	rating, _ := reviewfile.ParseRating(e.Rating)
	b := BadReview{ReviewNo: e.ReviewNo, OrderNo: e.OrderNo, Buyer: e.Buyer, Rating: rating, FirstRating: rating,
		Content: e.Content, FollowUp: e.FollowUp, Photos: pq.StringArray(reviewfile.Photos(e.Photos)), Item: e.Item,
		ReviewedAt: e.ReviewedAt, Status: BadReviewNew, Causes: pq.StringArray{}, Version: 1, UpdatedBy: nullID(a)}
	if rating == reviewfile.Good {
		b.Status = BadReviewPraise
	}
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		err := tx.Omit("ID", "CreatedAt", "UpdatedAt", "AgentID", "ServedBy", "AssignedAt", "DueAt", "ResolvedAt", "FollowUpAt").Create(&b).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return Invalid("review_no", "badreviews.err.review_no_taken")
		}
		if err != nil {
			return fmt.Errorf("models: unable to add review %s: %w", e.ReviewNo, err)
		}
		if err := tx.Exec(fmt.Sprintf(linkServedBySQL, "r.id = ?"), b.ID).Error; err != nil {
			return fmt.Errorf("models: link agent of review %d: %w", b.ID, err)
		}
		if err := audit(tx, a, "create", "bad_review", b.ID, nil, e); err != nil {
			return err
		}
		return live.Publish(tx, TopicBadReviews)
	})
	return b, err
}

// BadReviewByID loads one review.
func (s *Store) BadReviewByID(ctx context.Context, id int64) (BadReview, error) {
	var b BadReview
	if err := s.conn(ctx).Take(&b, id).Error; err != nil {
		return b, notFound(err, fmt.Sprintf("bad review %d", id))
	}
	return b, nil
}

// BadReviewContacts lists a case's attempts, oldest first.
func (s *Store) BadReviewContacts(ctx context.Context, id int64) ([]BadReviewContact, error) {
	var out []BadReviewContact
	if err := s.conn(ctx).Where("bad_review_id = ?", id).Order("contacted_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list contacts of %d: %w", id, err)
	}
	return out, nil
}

// CaseOrder is the imported order a case's review was left on, if the
// order report has it: what the buyer paid and where the order stands.
func (s *Store) CaseOrder(ctx context.Context, orderNo string) (*Order, error) {
	if orderNo == "" {
		return nil, nil
	}
	var o Order
	err := s.conn(ctx).Where("order_no = ?", orderNo).Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("models: unable to read order %s: %w", orderNo, err)
	}
	return &o, nil
}
