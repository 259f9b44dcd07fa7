package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"

	"kefudesk/models/live"
)

// AttributionDispute is an agent's claim to an order credited to someone
// else or to no one. States: open (holders may answer until AnswerDueAt,
// the manager rules) -> ruled (final; its award replaces the automatic
// credit) -> open again only when the manager reopens it with a reason.
type AttributionDispute struct {
	ID           int64
	OrderID      int64
	ClaimantID   int64
	Reason       string
	Holders      pq.Int64Array `gorm:"type:bigint[]"`
	Status       string
	AnswerDueAt  time.Time
	Award        json.RawMessage `gorm:"type:jsonb"`
	RulingReason string
	RuledBy      *int64
	RuledAt      *time.Time
	ReopenReason string
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
	UpdatedBy    *int64
}

// Dispute states.
const (
	DisputeOpen  = "open"
	DisputeRuled = "ruled"
	// DisputeWithdrawn: the claimant took the claim back before a ruling.
	DisputeWithdrawn = "withdrawn"
)

// AwardShare is one agent's part of a ruling, in basis points.
type AwardShare struct {
	UserID  int64 `json:"user_id"`
	ShareBP int   `json:"share_bp"`
}

// AwardList decodes the ruling's award.
func (d AttributionDispute) AwardList() []AwardShare {
	var out []AwardShare
	_ = json.Unmarshal(d.Award, &out)
	return out
}

// DisputeAnswer is a holder's (or another involved agent's) side of it.
type DisputeAnswer struct {
	ID        int64
	DisputeID int64
	UserID    int64
	Body      string
	CreatedAt time.Time
}

func checkText(field, key, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if n := len([]rune(s)); n < 2 || n > max {
		return s, Invalid(field, key, max)
	}
	return s, nil
}

// FileDispute records an agent's claim. The agent must be involved in the
// order (chatted with the buyer in its window or before payment, or named
// in its remark) and not already hold all of it; an order has one dispute
// at a time, and a ruled one is final.
func (s *Store) FileDispute(ctx context.Context, a Actor, orderID int64, reason string, now time.Time) (AttributionDispute, error) {
	reason, err := checkText("reason", "disputes.err.reason", reason, 1000)
	if err != nil {
		return AttributionDispute{}, err
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return AttributionDispute{}, err
	}
	var out AttributionDispute
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var attr OrderAttribution
		if err := tx.Clauses(lockingClause).Take(&attr, orderID).Error; err != nil {
			return notFound(err, fmt.Sprintf("attribution of order %d", orderID))
		}
		if !slices.Contains(attr.Involved, a.ID) {
			return ErrNotYours
		}
		var prior []AttributionDispute
		if err := tx.Where("order_id = ?", orderID).Find(&prior).Error; err != nil {
			return fmt.Errorf("models: disputes of order %d: %w", orderID, err)
		}
		for _, p := range prior {
			switch p.Status {
			case DisputeOpen:
				return Invalid("reason", "disputes.err.open")
			case DisputeRuled:
				return Invalid("reason", "disputes.err.ruled")
			} // a withdrawn claim does not count
		}
		holders, err := creditHolders(tx, orderID)
		if err != nil {
			return err
		}
		if len(holders) == 1 && holders[0].UserID != nil && *holders[0].UserID == a.ID && holders[0].ShareBP == 10000 {
			return Invalid("reason", "disputes.err.yours")
		}
		ids := pq.Int64Array{}
		for _, h := range holders {
			if h.UserID != nil && *h.UserID != a.ID {
				ids = append(ids, *h.UserID)
			}
		}
		out = AttributionDispute{OrderID: orderID, ClaimantID: a.ID, Reason: reason, Holders: ids, Status: DisputeOpen, Version: 1,
			AnswerDueAt: now.Add(time.Duration(settings.Int(SettingDisputeAnswer)) * 24 * time.Hour), UpdatedBy: nullID(a)}
		if err := tx.Omit("ID", "Award", "RuledBy", "RuledAt", "CreatedAt", "UpdatedAt").Create(&out).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Invalid("reason", "disputes.err.open")
			}
			return fmt.Errorf("models: unable to file dispute: %w", err)
		}
		if err := live.Publish(tx, TopicAttribution); err != nil {
			return err
		}
		return audit(tx, a, "claim", "dispute", out.ID, nil, map[string]any{"order_id": orderID, "reason": reason, "holders": ids})
	})
	return out, err
}

func creditHolders(tx *gorm.DB, orderID int64) ([]OrderCredit, error) {
	var cs []OrderCredit
	if err := tx.Where("order_id = ? AND kind = ?", orderID, KindCredit).Order("share_bp DESC, agent").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("models: credit of order %d: %w", orderID, err)
	}
	return cs, nil
}

// AnswerDispute adds an involved agent's side, before the answer deadline.
func (s *Store) AnswerDispute(ctx context.Context, a Actor, id int64, body string, now time.Time) error {
	body, err := checkText("body", "disputes.err.body", body, 1000)
	if err != nil {
		return err
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		d, err := lockDispute(tx, id)
		if err != nil {
			return err
		}
		var attr OrderAttribution
		if err := tx.Take(&attr, d.OrderID).Error; err != nil {
			return notFound(err, fmt.Sprintf("attribution of order %d", d.OrderID))
		}
		if !slices.Contains(attr.Involved, a.ID) && !slices.Contains(d.Holders, a.ID) && d.ClaimantID != a.ID {
			return ErrNotYours
		}
		switch {
		case d.Status != DisputeOpen:
			return Invalid("body", "disputes.err.closed")
		case now.After(d.AnswerDueAt):
			return Invalid("body", "disputes.err.late")
		}
		ans := DisputeAnswer{DisputeID: id, UserID: a.ID, Body: body}
		if err := tx.Omit("ID", "CreatedAt").Create(&ans).Error; err != nil {
			return fmt.Errorf("models: unable to answer dispute %d: %w", id, err)
		}
		if err := live.Publish(tx, TopicAttribution); err != nil {
			return err
		}
		return audit(tx, a, "answer", "dispute", id, nil, map[string]any{"body": body})
	})
}

func lockDispute(tx *gorm.DB, id int64) (AttributionDispute, error) {
	var d AttributionDispute
	if err := tx.Clauses(lockingClause).Take(&d, id).Error; err != nil {
		return d, notFound(err, fmt.Sprintf("dispute %d", id))
	}
	return d, nil
}
