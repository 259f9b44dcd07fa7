package models

import (
	"context"
	"fmt"
	"time"
)

// salesTrend is credited (and, for the shop, silent) sales per day;
// version is the 'sales' counter (see salesAgentRows).
func (s *Store) salesTrend(ctx context.Context, version int64, from, to time.Time, loc *time.Location, userID int64) ([]SalesDay, error) {
	fromDay, toDay := from.In(loc).Format(time.DateOnly), to.In(loc).Format(time.DateOnly)
	rows, err := s.trend.getAt(ctx, version, salesKey{from: fromDay, to: toDay, userID: userID}, func(ctx context.Context) ([]salesTrendRow, error) {
		return s.readSalesTrend(ctx, fromDay, toDay, userID)
	})
	if err != nil {
		return nil, err
	}
	c, p := map[string]int64{}, map[string]int64{}
	for _, r := range rows {
		k := r.Day.Format(time.DateOnly)
		c[k], p[k] = r.Credited, r.Paid
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

type salesTrendRow struct {
	Day            time.Time
	Credited, Paid int64
}

// readSalesTrend is a period's credited and paid sales per day, of one
// agent or (userID 0) the shop; kept like salesAgentRows.
func (s *Store) readSalesTrend(ctx context.Context, fromDay, toDay string, userID int64) ([]salesTrendRow, error) {
	var rows []salesTrendRow
	q := `SELECT d.day, COALESCE(c.fen, 0) AS credited, d.paid_fen AS paid FROM sales_days d
		LEFT JOIN (SELECT day, sum(sales_fen) AS fen FROM sales_daily WHERE day >= ?::date AND day < ?::date %s GROUP BY day) c
		  ON c.day = d.day
		WHERE d.day >= ?::date AND d.day < ?::date`
	args := []any{fromDay, toDay}
	filter := ""
	if userID > 0 {
		filter, args = "AND user_id = ?", append(args, userID)
	}
	args = append(args, fromDay, toDay)
	if err := s.conn(ctx).Raw(fmt.Sprintf(q, filter), args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: sales trend: %w", err)
	}
	return rows, nil
}
