package models

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// DisputeItem is a dispute in a list, with its order.
type DisputeItem struct {
	ID          int64
	OrderID     int64
	OrderNo     string
	Buyer       string
	PaidFen     int64
	ClaimantID  int64
	Holders     pq.Int64Array `gorm:"type:bigint[]"`
	Status      string
	AnswerDueAt time.Time
	CreatedAt   time.Time
	RuledAt     *time.Time
	Answers     int
}

// DisputeFilter narrows the dispute list.
type DisputeFilter struct {
	Status string // "", open, ruled
	UserID int64  // an agent: only disputes they filed, hold or are involved in
	Before AuditCursor
	Limit  int
}

const disputeItemSQL = `SELECT d.id, d.order_id, o.order_no, o.buyer, o.paid_fen, d.claimant_id, d.holders, d.status,
	d.answer_due_at, d.created_at, d.ruled_at, (SELECT count(*) FROM dispute_answers x WHERE x.dispute_id = d.id) AS answers
	FROM attribution_disputes d JOIN orders o ON o.id = d.order_id`

// ListDisputes lists disputes newest first, keyset-paged on (created_at, id).
func (s *Store) ListDisputes(ctx context.Context, f DisputeFilter) ([]DisputeItem, AuditCursor, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q, args := disputeItemSQL+" WHERE true", []any{}
	if f.Status != "" {
		q, args = q+" AND d.status = ?", append(args, f.Status)
	}
	if f.UserID != 0 {
		q += ` AND (d.claimant_id = ? OR ? = ANY (d.holders)
			OR EXISTS (SELECT 1 FROM order_attributions a WHERE a.order_id = d.order_id AND a.involved @> ARRAY[?]::bigint[]))`
		args = append(args, f.UserID, f.UserID, f.UserID)
	}
	if !f.Before.IsZero() {
		q, args = q+" AND (d.created_at, d.id) < (?, ?)", append(args, f.Before.At, f.Before.ID)
	}
	var out []DisputeItem
	if err := s.conn(ctx).Raw(q+" ORDER BY d.created_at DESC, d.id DESC LIMIT ?", append(args, f.Limit+1)...).Scan(&out).Error; err != nil {
		return nil, AuditCursor{}, fmt.Errorf("models: unable to list disputes: %w", err)
	}
	var next AuditCursor
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[f.Limit-1]
		next = AuditCursor{At: last.CreatedAt, ID: last.ID}
	}
	return out, next, nil
}

// OpenDisputes lists disputes waiting for a ruling, oldest first (the
// manager's today page shows their age).
func (s *Store) OpenDisputes(ctx context.Context, limit int) ([]DisputeItem, error) {
	var out []DisputeItem
	q, args := openDisputesSQL(limit)
	if err := s.conn(ctx).Raw(q, args...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list open disputes: %w", err)
	}
	return out, nil
}

func openDisputesSQL(limit int) (string, []any) {
	return disputeItemSQL + " WHERE d.status = 'open' ORDER BY d.created_at, d.id LIMIT ?", []any{limit}
}

// DisputesToAnswer lists open disputes over orders the agent holds, still
// within the answer deadline and not yet answered by them.
func (s *Store) DisputesToAnswer(ctx context.Context, userID int64, now time.Time) ([]DisputeItem, error) {
	var out []DisputeItem
	q, args := disputesToAnswerSQL(userID, now)
	if err := s.conn(ctx).Raw(q, args...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list disputes to answer: %w", err)
	}
	return out, nil
}

func disputesToAnswerSQL(userID int64, now time.Time) (string, []any) {
	return disputeItemSQL + ` WHERE d.status = 'open' AND d.holders @> ARRAY[?]::bigint[] AND d.answer_due_at > ?
		AND NOT EXISTS (SELECT 1 FROM dispute_answers x WHERE x.dispute_id = d.id AND x.user_id = ?)
		ORDER BY d.answer_due_at, d.id`, []any{userID, now, userID}
}
