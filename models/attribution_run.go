package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// readAttrRows reads orders (cond narrows them; created_at, id order),
// each with its buyer's agent messages from the window's start (before the
// earlier of order and payment) to the later of the two. Chats are found by
// buyer (chat_conversations_buyer_idx); a chat that began more than a week
// before the window is not read.
func (s *Store) readAttrRows(ctx context.Context, lookback time.Duration, limit int, cond string, args ...any) ([]attrRow, error) {
	back := fmt.Sprintf("%d seconds", int64(lookback.Seconds()))
	var rows []attrRow
	err := s.conn(ctx).Raw(`
		SELECT o.id, o.buyer, o.paid_fen, o.created_at, o.paid_at, o.seller_remark, o.flag, o.refund_fen,
		       COALESCE(a.sig, '') AS old_sig,
		       COALESCE((SELECT json_agg(json_build_object('a', m.agent_nick, 't', m.sent_at) ORDER BY m.sent_at)
		                   FROM chat_conversations c JOIN chat_messages m ON m.conversation_id = c.id
		                  WHERE c.buyer = o.buyer
		                    AND c.started_at >= LEAST(o.created_at, o.paid_at) - ?::interval - interval '7 days'
		                    AND c.started_at <= GREATEST(o.created_at, o.paid_at)
		                    AND m.sender = 'agent' AND m.agent_nick <> ''
		                    AND m.sent_at BETWEEN LEAST(o.created_at, o.paid_at) - ?::interval AND GREATEST(o.created_at, o.paid_at)), '[]') AS contacts
		  FROM orders o LEFT JOIN order_attributions a ON a.order_id = o.id
		 WHERE `+cond+`
		 ORDER BY o.created_at, o.id LIMIT ?`, append(append([]any{back, back}, args...), limit)...).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to read orders to attribute: %w", err)
	}
	return rows, nil
}

// readAttrBatch reads the next orders created in [from, to) after the cursor.
func (s *Store) readAttrBatch(ctx context.Context, from, to time.Time, after AuditCursor, lookback time.Duration, limit int) ([]attrRow, error) {
	return s.readAttrRows(ctx, lookback, limit, "o.created_at >= ? AND o.created_at < ? AND (o.created_at, o.id) > (?, ?)", from, to, after.At, after.ID)
}

// attributeOrder decides one order again inside the caller's transaction
// (after a ruling or a reopening).
func (s *Store) attributeOrder(ctx context.Context, tx *gorm.DB, orderID int64) error {
	env, err := s.attrEnv(ctx)
	if err != nil {
		return err
	}
	rows, err := s.readAttrRows(ctx, attributionLookback(env.rules), 1, "o.id = ?", orderID)
	if err != nil {
		return err
	}
	return env.apply(tx, rows)
}

// AttributeOrders decides the orders created in [from, to) under the
// current settings, batch by batch (one read and one write of a few
// thousand orders each, in its own transaction), and returns how many it
// decided. Orders with a final ruling keep the ruling's credit.
func (s *Store) AttributeOrders(ctx context.Context, from, to time.Time) (int64, error) {
	return s.attributeOrders(ctx, from, to, nil)
}

// attributeOrders is AttributeOrders telling progress (orders decided so
// far) after each batch.
func (s *Store) attributeOrders(ctx context.Context, from, to time.Time, progress func(done int64)) (int64, error) {
	env, err := s.attrEnv(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	var cur AuditCursor
	for {
		rows, err := s.readAttrBatch(ctx, from, to, cur, attributionLookback(env.rules), attrBatch)
		if err != nil || len(rows) == 0 {
			return n, err
		}
		err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
			return env.apply(tx, rows)
		})
		if err != nil {
			return n, err
		}
		n += int64(len(rows))
		if progress != nil {
			progress(n)
		}
		last := rows[len(rows)-1]
		cur = AuditCursor{At: last.CreatedAt, ID: last.ID}
	}
}

func (e attrEnv) apply(tx *gorm.DB, rows []attrRow) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	awards, err := rulingAwards(tx, ids)
	if err != nil {
		return err
	}
	attrs := make([]OrderAttribution, 0, len(rows))
	var credits []OrderCredit
	for _, r := range rows {
		a, cs := e.compute(r, awards[r.ID])
		attrs = append(attrs, a)
		credits = append(credits, cs...)
	}
	return writeAttrBatch(tx, attrs, credits)
}
