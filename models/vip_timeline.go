package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TimelineEntry is one thing that happened with a buyer.
type TimelineEntry struct {
	At       time.Time
	Kind     string // visit, order, chat, bad_review
	RefID    int64  // the visit, order, chat or bad review
	Title    string // outcome, order number, agent nicks
	Detail   string // notes, order status
	AmountFn int64  // orders: paid fen
	Who      string // visits: the agent
}

// timelineSources are the SELECTs the customer timeline unions, one per
// kind of record, each taking the buyer nick as its only argument and
// returning (at, kind, ref_id, title, detail, amount_fn, who). A bad
// review's title is its rating and who its case status; good reviews
// (kept only for the praise count) are not part of the story.
var timelineSources = []string{
	`SELECT g.contacted_at, 'visit', g.visit_id, g.outcome, g.notes, 0::bigint,
	        COALESCE(NULLIF(u.display_name, ''), u.username) || ' · ' || g.channel
	   FROM vip_visit_logs g JOIN vip_visits v ON v.id = g.visit_id JOIN vip_customers c ON c.id = v.customer_id
	   JOIN users u ON u.id = g.agent_id WHERE c.buyer = ?`,
	`SELECT o.created_at, 'order', o.id, o.order_no, o.status, o.paid_fen, '' FROM orders o WHERE o.buyer = ?`,
	`SELECT c.started_at, 'chat', c.id, array_to_string(c.agent_nicks, ', '), c.messages || '', 0::bigint, ''
	   FROM chat_conversations c WHERE c.buyer = ?`,
	`SELECT r.reviewed_at, 'bad_review', r.id, r.rating, r.content, 0::bigint, r.status
	   FROM bad_reviews r WHERE r.buyer = ? AND r.status <> 'praise'`,
}

// BuyerTimeline merges the buyer's visits, orders, chats and bad reviews,
// newest first. Each source reads through its buyer index
// (orders_buyer_idx, chat_conversations_buyer_idx, bad_reviews_buyer_idx,
// vip_customers_buyer_key).
func (s *Store) BuyerTimeline(ctx context.Context, buyer string, limit int) ([]TimelineEntry, error) {
	parts := make([]string, len(timelineSources))
	args := make([]any, len(timelineSources))
	for i, src := range timelineSources {
		parts[i], args[i] = "("+src+")", buyer
	}
	q := `SELECT * FROM (` + strings.Join(parts, " UNION ALL ") + `) AS t (at, kind, ref_id, title, detail, amount_fn, who)
		ORDER BY at DESC, kind, ref_id DESC LIMIT ?`
	var out []TimelineEntry
	if err := s.conn(ctx).Raw(q, append(args, limit)...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to read timeline of %s: %w", buyer, err)
	}
	return out, nil
}

// VisitsOfCustomer lists a customer's visits, newest first.
func (s *Store) VisitsOfCustomer(ctx context.Context, customerID int64) ([]VisitRow, error) {
	var out []VisitRow
	if err := s.conn(ctx).Raw(visitRowSQL+`WHERE v.customer_id = ? ORDER BY v.due_on DESC, v.id DESC LIMIT 100`, customerID).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list visits of customer %d: %w", customerID, err)
	}
	return out, nil
}
