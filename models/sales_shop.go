package models

import (
	"context"
	"fmt"
	"time"
)

// shopSales adds the shop's totals: orders, paid sales, silent orders (no
// credit after rulings) and silent sales (paid sales minus credited).
func (s *Store) shopSales(ctx context.Context, from, to time.Time, rep *SalesReport) error {
	err := s.conn(ctx).Raw(`SELECT count(*), COALESCE(sum(paid_fen) FILTER (WHERE paid_at IS NOT NULL), 0)
		FROM orders WHERE created_at >= ? AND created_at < ?`, from, to).Row().Scan(&rep.Orders, &rep.PaidSalesFen)
	if err != nil {
		return fmt.Errorf("models: shop sales: %w", err)
	}
	err = s.conn(ctx).Raw(`SELECT count(*) FROM order_attributions a
		WHERE a.rule = 'silent' AND a.order_at >= ? AND a.order_at < ?
		  AND NOT EXISTS (SELECT 1 FROM order_credits c WHERE c.order_id = a.order_id AND c.kind = 'credit')`, from, to).Row().Scan(&rep.SilentOrders)
	if err != nil {
		return fmt.Errorf("models: silent orders: %w", err)
	}
	rep.SilentSalesFen = rep.PaidSalesFen - rep.CreditedFen
	return nil
}

// salesTrend is credited (and, for the shop, silent) sales per day.
func (s *Store) salesTrend(ctx context.Context, from, to time.Time, loc *time.Location, userID int64) ([]SalesDay, error) {
	var credited, paid []struct {
		Day string
		Fen int64
	}
	q := `SELECT to_char(order_at AT TIME ZONE ?, 'YYYY-MM-DD') AS day, sum(amount_fen) AS fen FROM order_credits
		WHERE kind = 'credit' AND paid AND order_at >= ? AND order_at < ?`
	args := []any{loc.String(), from, to}
	if userID > 0 {
		q, args = q+" AND user_id = ?", append(args, userID)
	}
	if err := s.conn(ctx).Raw(q+" GROUP BY 1", args...).Scan(&credited).Error; err != nil {
		return nil, fmt.Errorf("models: sales trend: %w", err)
	}
	if userID == 0 {
		err := s.conn(ctx).Raw(`SELECT to_char(created_at AT TIME ZONE ?, 'YYYY-MM-DD') AS day, sum(paid_fen) AS fen FROM orders
			WHERE paid_at IS NOT NULL AND created_at >= ? AND created_at < ? GROUP BY 1`, loc.String(), from, to).Scan(&paid).Error
		if err != nil {
			return nil, fmt.Errorf("models: paid trend: %w", err)
		}
	}
	c, p := map[string]int64{}, map[string]int64{}
	for _, r := range credited {
		c[r.Day] = r.Fen
	}
	for _, r := range paid {
		p[r.Day] = r.Fen
	}
	var out []SalesDay
	for d := from.In(loc); d.Before(to); d = d.AddDate(0, 0, 1) {
		k := d.Format(time.DateOnly)
		day := SalesDay{Day: d, SalesFen: c[k]}
		if userID == 0 {
			day.SilentFen = max(0, p[k]-c[k])
		}
		out = append(out, day)
	}
	return out, nil
}
