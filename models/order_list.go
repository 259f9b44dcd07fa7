package models

import (
	"context"
	"fmt"
	"time"
)

// Order is one order of the report.
type Order struct {
	ID           int64
	OrderNo      string
	Buyer        string
	PaidFen      int64
	Status       string
	CreatedAt    time.Time
	PaidAt       *time.Time
	SellerRemark string
	Flag         int
	RefundFen    int64
	Rule         string `gorm:"->;-:migration"` // the deciding rule, "" until attributed (list only)
	Credited     string `gorm:"->;-:migration"` // who holds the credit, by share (list only)
}

// OrderFilter narrows the order list; zero fields do not filter.
type OrderFilter struct {
	From, To  time.Time
	Buyer     string
	Flag      int // 0 any; 1-5 a flag
	Unpaid    bool
	Involving int64 // an agent: only orders they chatted about or hold credit in
	Before    AuditCursor
	Limit     int
}

// OrderPage is one page of orders and the next cursor.
type OrderPage struct {
	Orders []Order
	Next   AuditCursor
}

// ListOrders lists orders newest first, keyset-paged on (created_at, id).
func (s *Store) ListOrders(ctx context.Context, f OrderFilter) (OrderPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := s.conn(ctx).Table("orders").Select(`orders.*, COALESCE(a.rule, '') AS rule,
		COALESCE((SELECT string_agg(COALESCE(NULLIF(u.display_name, ''), u.username, c.agent), '、' ORDER BY c.share_bp DESC, c.agent)
		            FROM order_credits c LEFT JOIN users u ON u.id = c.user_id
		           WHERE c.order_id = orders.id AND c.kind = 'credit'), '') AS credited`).
		Joins("LEFT JOIN order_attributions a ON a.order_id = orders.id")
	if f.Involving != 0 {
		q = q.Where("a.involved @> ARRAY[?]::bigint[]", f.Involving)
	}
	if !f.From.IsZero() {
		q = q.Where("orders.created_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("orders.created_at < ?", f.To)
	}
	if f.Buyer != "" {
		q = q.Where("buyer = ?", f.Buyer)
	}
	if f.Flag > 0 {
		q = q.Where("flag = ?", f.Flag)
	}
	if f.Unpaid {
		q = q.Where("paid_at IS NULL")
	}
	if !f.Before.IsZero() {
		q = q.Where("(orders.created_at, orders.id) < (?, ?)", f.Before.At, f.Before.ID)
	}
	var rows []Order
	if err := q.Order("orders.created_at DESC, orders.id DESC").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return OrderPage{}, fmt.Errorf("models: unable to list orders: %w", err)
	}
	page := OrderPage{Orders: rows}
	if len(rows) > f.Limit {
		page.Orders = rows[:f.Limit]
		last := page.Orders[f.Limit-1]
		page.Next = AuditCursor{At: last.CreatedAt, ID: last.ID}
	}
	return page, nil
}
