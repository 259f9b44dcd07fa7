package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/live"
	"kefudesk/models/scoring"
)

// TopicAppeals is the live-update topic of appeal lists.
const TopicAppeals = "appeals"

// Appeal settings: the digest's QC rules leave the windows to the shop.
const (
	SettingAppealDays  = "appeal_days"
	SettingResolveDays = "appeal_resolve_days"
)

var appealSettings = []SettingDef{
	{Key: SettingAppealDays, Group: "settings.group.spot", Kind: SettingInt, Default: "3", Min: 0, Max: 60, Unit: "unit.days"},
	{Key: SettingResolveDays, Group: "settings.group.spot", Kind: SettingInt, Default: "2", Min: 1, Max: 60, Unit: "unit.days"},
}

// AppealItem is one category the agent disputes, and what was decided.
type AppealItem struct {
	Category string         `json:"category"`
	Current  scoring.Rating `json:"current"`
	Proposed scoring.Rating `json:"proposed"`
	Reason   string         `json:"reason"`
	Accepted *bool          `json:"accepted,omitempty"`
}

// Appeal is an agent's appeal of a review.
type Appeal struct {
	ID               int64
	ReviewID         int64
	AgentID          int64
	Items            json.RawMessage `gorm:"type:jsonb"`
	Status           string
	ResolverID       *int64
	ResolutionReason string
	OriginalRatings  json.RawMessage `gorm:"type:jsonb"`
	OriginalScore    *float64
	DueAt            time.Time
	Version          int
	CreatedAt        time.Time
	ResolvedAt       *time.Time
}

// TableName pins the table.
func (Appeal) TableName() string { return "review_appeals" }

// ItemList decodes the items.
func (a Appeal) ItemList() []AppealItem {
	var out []AppealItem
	_ = json.Unmarshal(a.Items, &out)
	return out
}

// Open reports whether the appeal awaits a decision.
func (a Appeal) Open() bool { return a.Status == "open" }

// AppealDeadline is the last moment an agent may appeal a review.
func AppealDeadline(r Review, s Settings) time.Time {
	if r.SubmittedAt == nil {
		return time.Time{}
	}
	return r.SubmittedAt.Add(time.Duration(s.Int(SettingAppealDays)) * 24 * time.Hour)
}

// FileAppeal records the agent's appeal of their submitted review, within
// the shop's window, once per review.
func (s *Store) FileAppeal(ctx context.Context, a Actor, reviewID int64, proposed map[string]scoring.Rating, reasons map[string]string, now time.Time) (Appeal, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return Appeal{}, err
	}
	var out Appeal
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var r Review
		if err := tx.Clauses(lockingClause).Take(&r, reviewID).Error; err != nil {
			return notFound(err, fmt.Sprintf("review %d", reviewID))
		}
		if r.AgentID == nil || *r.AgentID != a.ID || !r.Submitted() {
			return ErrNotYours
		}
		if now.After(AppealDeadline(r, settings)) {
			return Invalid("appeal", "appeals.err.late", settings.Int(SettingAppealDays))
		}
		card, err := s.ScorecardVersionByID(ctx, r.ScorecardVersionID)
		if err != nil {
			return err
		}
		current := r.RatingMap()
		errs := FieldErrors{}
		var items []AppealItem
		for _, c := range card.Card.Categories() {
			p, ok := proposed[c.ID]
			if !ok {
				continue
			}
			lo, hi := c.Scale.Bounds()
			reason := strings.TrimSpace(reasons[c.ID])
			switch {
			case p.NA && !c.NAAllowed, !p.NA && (p.Value < lo || p.Value > hi):
				errs.Add("cat_"+c.ID, "reviews.err.range", lo, hi)
			case p == current[c.ID]:
				errs.Add("cat_"+c.ID, "appeals.err.same")
			case reason == "" || len([]rune(reason)) > 500:
				errs.Add("reason_"+c.ID, "appeals.err.reason")
			default:
				items = append(items, AppealItem{Category: c.ID, Current: current[c.ID], Proposed: p, Reason: reason})
			}
		}
		if len(items) == 0 && len(errs) == 0 {
			errs.Add("appeal", "appeals.err.empty")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		b, _ := json.Marshal(items)
		out = Appeal{ReviewID: reviewID, AgentID: a.ID, Items: b, Status: "open", Version: 1,
			DueAt: now.Add(time.Duration(settings.Int(SettingResolveDays)) * 24 * time.Hour)}
		if err := tx.Omit("ID", "CreatedAt", "ResolvedAt", "ResolverID", "OriginalRatings", "OriginalScore").Create(&out).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Invalid("appeal", "appeals.err.twice")
			}
			return fmt.Errorf("models: unable to file appeal: %w", err)
		}
		if err := live.Publish(tx, TopicAppeals); err != nil {
			return err
		}
		return audit(tx, a, "appeal", "review", reviewID, nil, items)
	})
	return out, err
}

// AppealOfReview returns a review's appeal, if any.
func (s *Store) AppealOfReview(ctx context.Context, reviewID int64) (*Appeal, error) {
	var a Appeal
	err := s.appealOfReviewQuery(ctx, reviewID).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("models: unable to read appeal of review %d: %w", reviewID, err)
	}
	return &a, nil
}

func (s *Store) appealOfReviewQuery(ctx context.Context, reviewID int64) *gorm.DB {
	return s.conn(ctx).Where("review_id = ?", reviewID)
}

// ResolveAppeal decides an appeal. accepted says, per category, whether the
// agent's proposed rating applies; accepted ratings change the review at
// once and its score is recomputed, keeping the original ratings and score
// on the appeal. The review's own inspector may not decide alone.
func (s *Store) ResolveAppeal(ctx context.Context, a Actor, appealID int64, version int, accepted map[string]bool, reason string) (Appeal, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 1000 {
		return Appeal{}, Invalid("resolution_reason", "appeals.err.reason")
	}
	var out Appeal
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var ap Appeal
		if err := tx.Clauses(lockingClause).Take(&ap, appealID).Error; err != nil {
			return notFound(err, fmt.Sprintf("appeal %d", appealID))
		}
		var r Review
		if err := tx.Clauses(lockingClause).Take(&r, ap.ReviewID).Error; err != nil {
			return notFound(err, fmt.Sprintf("review %d", ap.ReviewID))
		}
		if r.InspectorID == a.ID {
			return Invalid("resolution_reason", "appeals.err.own")
		}
		if !ap.Open() {
			return Invalid("resolution_reason", "appeals.err.closed")
		}
		if ap.Version != version {
			return s.conflict(ctx, "appeal", ap.ResolverID, ap.CreatedAt)
		}
		card, err := s.ScorecardVersionByID(ctx, r.ScorecardVersionID)
		if err != nil {
			return err
		}
		items := ap.ItemList()
		ratings := r.RatingMap()
		yes := 0
		for i := range items {
			ok := accepted[items[i].Category]
			items[i].Accepted = &ok
			if ok {
				yes++
				ratings[items[i].Category] = items[i].Proposed
			}
		}
		status := "partly_accepted"
		switch yes {
		case 0:
			status = "rejected"
		case len(items):
			status = "accepted"
		}
		res, err := scoring.Score(card.Card, ratings)
		if err != nil {
			return fmt.Errorf("models: rescore review %d: %w", r.ID, err)
		}
		ib, _ := json.Marshal(items)
		rb, _ := json.Marshal(ratings)
		err = tx.Exec(`UPDATE review_appeals SET items = ?, status = ?, resolver_id = ?, resolution_reason = ?,
			original_ratings = ?, original_score = ?, resolved_at = now(), version = version + 1 WHERE id = ?`,
			string(ib), status, a.ID, reason, string(r.Ratings), r.Score, appealID).Error
		if err != nil {
			return fmt.Errorf("models: unable to resolve appeal %d: %w", appealID, err)
		}
		if yes > 0 {
			err = tx.Exec(`UPDATE reviews SET ratings = ?, score = ?, critical_failed = ?, version = version + 1, updated_at = now() WHERE id = ?`,
				string(rb), res.Percent, len(res.CriticalFailed) > 0, r.ID).Error
			if err != nil {
				return fmt.Errorf("models: unable to apply appeal to review %d: %w", r.ID, err)
			}
		}
		if err := tx.Take(&out, appealID).Error; err != nil {
			return fmt.Errorf("models: reread appeal %d: %w", appealID, err)
		}
		if err := live.Publish(tx, TopicAppeals); err != nil {
			return err
		}
		return audit(tx, a, "resolve", "review", r.ID, map[string]any{"score": r.Score, "ratings": r.Ratings},
			map[string]any{"status": status, "score": res.Percent, "reason": reason})
	})
	return out, err
}

// OpenAppeal is an appeal waiting for a decision, for lists.
type OpenAppeal struct {
	ID          int64
	ReviewID    int64
	AgentID     int64
	InspectorID int64
	DueAt       time.Time
	CreatedAt   time.Time
	Buyer       string
	AgentNick   string
}

// OpenAppeals lists appeals awaiting a decision, soonest due first.
func (s *Store) OpenAppeals(ctx context.Context, limit int) ([]OpenAppeal, error) {
	var out []OpenAppeal
	err := s.conn(ctx).Raw(`
		SELECT a.id, a.review_id, a.agent_id, r.inspector_id, a.due_at, a.created_at, c.buyer, r.agent_nick
		  FROM review_appeals a JOIN reviews r ON r.id = a.review_id JOIN chat_conversations c ON c.id = r.conversation_id
		 WHERE a.status = 'open' ORDER BY a.due_at LIMIT ?`, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list open appeals: %w", err)
	}
	return out, nil
}
