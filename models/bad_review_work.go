package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"

	"kefudesk/models/live"
)

func trimmed(s string) string { return strings.TrimSpace(s) }

// ContactForm is one attempt to reach the buyer, as the agent typed it.
type ContactForm struct {
	Channel     string
	ContactedAt time.Time
	Reached     bool
	Offer       string
	OfferFen    int64 // a coupon's value or the refund offered
	Answer      string
	Note        string
}

// Validate checks the attempt; keys are catalog keys.
func (f ContactForm) Validate(now time.Time) FieldErrors {
	errs := FieldErrors{}
	if !slices.Contains(BadReviewChannels, f.Channel) {
		errs.Add("channel", "badreviews.err.channel")
	}
	if f.ContactedAt.IsZero() || f.ContactedAt.After(now.Add(5*time.Minute)) {
		errs.Add("contacted_at", "badreviews.err.contacted_at")
	}
	if f.Offer != "" && !slices.Contains(BadReviewOffers, f.Offer) {
		errs.Add("offer", "badreviews.err.offer")
	}
	if (f.Offer == "coupon" || f.Offer == "partial_refund") && f.OfferFen <= 0 {
		errs.Add("offer_yuan", "badreviews.err.offer_amount")
	}
	if f.OfferFen < 0 || f.OfferFen > 10_000_000 {
		errs.Add("offer_yuan", "badreviews.err.money")
	}
	if f.Answer != "" && !slices.Contains(BadReviewAnswers, f.Answer) {
		errs.Add("answer", "badreviews.err.answer")
	}
	if f.Answer != "" && !f.Reached {
		errs.Add("answer", "badreviews.err.answer_unreached")
	}
	if len([]rune(f.Note)) > 500 {
		errs.Add("note", "badreviews.err.note")
	}
	return errs
}

// LogContact records an attempt on an open case. The first attempt moves
// the case to contacting; a buyer who agreed to revise moves it to agreed.
// Attempts only add, so no version is needed; the case row is locked so
// the status change cannot race a result being handed in.
func (s *Store) LogContact(ctx context.Context, a Actor, id int64, f ContactForm, now time.Time) error {
	f.Note = trimmed(f.Note)
	if err := f.Validate(now).Err(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		role, err := actorRole(tx, a)
		if err != nil {
			return err
		}
		var b BadReview
		if err := tx.Clauses(lockingClause).Take(&b, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("bad review %d", id))
		}
		if !mayWork(role, a, b) {
			return ErrNotYours
		}
		if !b.IsOpen() {
			return Invalid("channel", "badreviews.err.not_open", b.ReviewNo)
		}
		c := BadReviewContact{BadReviewID: id, AgentID: nullID(a), Channel: f.Channel, ContactedAt: f.ContactedAt,
			Reached: f.Reached, Offer: f.Offer, OfferFen: f.OfferFen, Answer: f.Answer, Note: f.Note}
		if err := tx.Omit("ID", "CreatedAt").Create(&c).Error; err != nil {
			return fmt.Errorf("models: unable to log contact on %d: %w", id, err)
		}
		status := b.Status
		switch {
		case f.Answer == "agreed" && b.Status != BadReviewEscalated:
			status = BadReviewAgreed
		case b.Status == BadReviewAssigned:
			status = BadReviewContacting
		}
		if err := saveBadReview(tx, a, id, map[string]any{"status": status}); err != nil {
			return err
		}
		if err := audit(tx, a, "contact", "bad_review", id, map[string]any{"status": b.Status}, map[string]any{"status": status, "contact": c}); err != nil {
			return err
		}
		return live.Publish(tx, TopicBadReviews)
	})
}

// EscalateBadReview sends a case to the store manager: a difficult buyer or
// a rights complaint (维权) is the manager's first.
func (s *Store) EscalateBadReview(ctx context.Context, a Actor, c CaseVersion, reason string) error {
	reason = trimmed(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return Invalid("escalation", "badreviews.err.reason")
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		role, err := actorRole(tx, a)
		if err != nil {
			return err
		}
		b, err := s.lockBadReview(ctx, tx, c)
		if err != nil {
			return err
		}
		if !mayWork(role, a, b) {
			return ErrNotYours
		}
		if !b.IsOpen() {
			return Invalid("escalation", "badreviews.err.not_open", b.ReviewNo)
		}
		if err := saveBadReview(tx, a, b.ID, map[string]any{"status": BadReviewEscalated, "escalation": reason}); err != nil {
			return err
		}
		if err := audit(tx, a, "escalate", "bad_review", b.ID, map[string]any{"status": b.Status}, map[string]any{"status": BadReviewEscalated, "reason": reason}); err != nil {
			return err
		}
		return live.Publish(tx, TopicBadReviews)
	})
}

// ResultForm is the handed-in result of a case.
type ResultForm struct {
	Outcome         string
	FinalRating     string
	CompensationFen int64
	Account         string
}

// Validate checks a result: a revised review says what it became, a
// compensated one what it cost, and every result has a short account.
func (f ResultForm) Validate() FieldErrors {
	errs := FieldErrors{}
	if !slices.Contains(BadReviewOutcomes, f.Outcome) {
		errs.Add("outcome", "badreviews.err.outcome")
	}
	if f.Outcome == "revised" && !slices.Contains(BadReviewFinalRatings, f.FinalRating) {
		errs.Add("final_rating", "badreviews.err.final_rating")
	}
	if f.Outcome != "revised" && f.FinalRating != "" {
		errs.Add("final_rating", "badreviews.err.final_rating_only")
	}
	if f.Outcome == "compensated" && f.CompensationFen <= 0 {
		errs.Add("compensation_yuan", "badreviews.err.compensation")
	}
	if f.CompensationFen < 0 || f.CompensationFen > 10_000_000 {
		errs.Add("compensation_yuan", "badreviews.err.money")
	}
	if n := len([]rune(f.Account)); n == 0 || n > 1000 {
		errs.Add("account", "badreviews.err.account")
	}
	return errs
}

// HandInResult closes a case with its result: resolved (revised, explained,
// compensated) or closed unresolved. This is the only way a case is
// resolved, so no case is resolved without a result.
func (s *Store) HandInResult(ctx context.Context, a Actor, c CaseVersion, f ResultForm, now time.Time) error {
	f.Account = trimmed(f.Account)
	if err := f.Validate().Err(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		role, err := actorRole(tx, a)
		if err != nil {
			return err
		}
		b, err := s.lockBadReview(ctx, tx, c)
		if err != nil {
			return err
		}
		if !mayWork(role, a, b) {
			return ErrNotYours
		}
		if !b.IsOpen() {
			return Invalid("outcome", "badreviews.err.not_open", b.ReviewNo)
		}
		status := BadReviewResolved
		if f.Outcome == "unresolved" {
			status = BadReviewUnresolved
		}
		cols := map[string]any{"status": status, "outcome": f.Outcome, "final_rating": f.FinalRating,
			"compensation_fen": f.CompensationFen, "account": f.Account, "resolved_at": now}
		if err := saveBadReview(tx, a, b.ID, cols); err != nil {
			return err
		}
		if err := audit(tx, a, "result", "bad_review", b.ID, map[string]any{"status": b.Status}, cols); err != nil {
			return err
		}
		return live.Publish(tx, TopicBadReviews)
	})
}

// CaseDetails are the case's tags and links the agent or manager edits.
type CaseDetails struct {
	Causes   []string
	Item     string
	OrderNo  string
	ServedBy *int64
}

// SaveCaseDetails sets the cause tags, item, order and serving agent.
func (s *Store) SaveCaseDetails(ctx context.Context, a Actor, c CaseVersion, d CaseDetails) error {
	errs := FieldErrors{}
	for _, cause := range d.Causes {
		if !slices.Contains(BadReviewCauses, cause) {
			errs.Add("causes", "badreviews.err.cause")
		}
	}
	d.Item, d.OrderNo = trimmed(d.Item), trimmed(d.OrderNo)
	if len([]rune(d.Item)) > 200 {
		errs.Add("item", "badreviews.err.item")
	}
	if len(d.OrderNo) > 64 {
		errs.Add("order_no", "badreviews.err.order")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if d.Causes == nil {
		d.Causes = []string{}
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		role, err := actorRole(tx, a)
		if err != nil {
			return err
		}
		b, err := s.lockBadReview(ctx, tx, c)
		if err != nil {
			return err
		}
		if !mayWork(role, a, b) || b.Status == BadReviewPraise {
			return ErrNotYours
		}
		if d.ServedBy != nil {
			if err := checkAgent(tx, *d.ServedBy); err != nil {
				return Invalid("served_by", "badreviews.err.agent")
			}
		}
		cols := map[string]any{"causes": pq.StringArray(d.Causes), "item": d.Item, "order_no": d.OrderNo, "served_by": d.ServedBy}
		if err := saveBadReview(tx, a, b.ID, cols); err != nil {
			return err
		}
		if err := audit(tx, a, "details", "bad_review", b.ID,
			map[string]any{"causes": b.Causes, "item": b.Item, "order_no": b.OrderNo, "served_by": b.ServedBy}, d); err != nil {
			return err
		}
		return live.Publish(tx, TopicBadReviews)
	})
}
