package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"
)

// salesInlineDays is how many dirty days a performance page recomputes
// itself before reading; more than that (a big import, a settings change)
// is left to the background refresher and the page says how fresh it is.
const salesInlineDays = 7

// salesDayLock is the advisory lock class of a day's refresh (the second
// key is the day).
const salesDayLock = 7301

// SalesFreshness says how current a performance page's figures are.
type SalesFreshness struct {
	ComputedAt time.Time // the oldest computation among the period's days (zero: nothing computed yet)
	Pending    int       // days of the period still waiting to be recomputed
}

// RefreshSalesDays recomputes up to limit dirty days, newest first, each in
// its own transaction, and says how many it did. A day written to while it
// was being computed stays dirty for the next round.
func (s *Store) RefreshSalesDays(ctx context.Context, limit int) (int, error) {
	var days []time.Time
	err := s.conn(ctx).Raw(`SELECT day FROM sales_day_marks GROUP BY day ORDER BY day DESC LIMIT ?`, limit).Scan(&days).Error
	if err != nil {
		return 0, fmt.Errorf("models: dirty sales days: %w", err)
	}
	return len(days), s.refreshSalesDays(ctx, days)
}

func (s *Store) refreshSalesDays(ctx context.Context, days []time.Time) error {
	for _, d := range days {
		if err := s.refreshSalesDay(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// refreshSalesDay rewrites one shop day's figures: per agent, the
// inquiries of chats begun that day and whether each buyer ordered (and
// paid) by the end of the inquiry window; the credits and assists of the
// day's orders after rulings; and the shop's orders, paid and silent ones.
func (s *Store) refreshSalesDay(ctx context.Context, day time.Time) error {
	key := day.Format(time.DateOnly)
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		// The day's bounds are parameters: a generic plan would not know
		// they cover one day and would scan the whole year.
		if err := tx.Exec(`SET LOCAL plan_cache_mode = force_custom_plan`).Error; err != nil {
			return fmt.Errorf("models: sales day %s: %w", key, err)
		}
		// One refresh of a day at a time (the page and the background
		// refresher may pick the same day): the second waits, then finds
		// the day clean and stops. Writers are not blocked by this lock.
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(?, ?::date - DATE '2000-01-01')`, salesDayLock, key).Error; err != nil {
			return fmt.Errorf("models: sales day %s: lock: %w", key, err)
		}
		// The marks seen now are the ones this computation answers; one
		// added later keeps the day dirty. The settings are read after
		// them, in this transaction: a change of zone or window after this
		// point adds marks of its own.
		var seen *int64
		if err := tx.Raw(`SELECT max(id) FROM sales_day_marks WHERE day = ?::date`, key).Scan(&seen).Error; err != nil {
			return fmt.Errorf("models: sales day %s: %w", key, err)
		}
		if seen == nil {
			return nil // another refresh did it
		}
		settings, err := s.Settings(ctx)
		if err != nil {
			return err
		}
		zone, window := settings.Location().String(), settings.Int(SettingAttrWindowDays)+1
		if err := tx.Exec(`DELETE FROM sales_daily WHERE day = ?::date`, key).Error; err != nil {
			return fmt.Errorf("models: sales day %s: %w", key, err)
		}
		// The day's bounds are computed in SQL from the shop's zone, so a
		// day of a daylight-saving zone has its real length.
		err = tx.Exec(`
			WITH bounds AS (
				SELECT (?::date)::timestamp AT TIME ZONE ? AS lo, (?::date + 1)::timestamp AT TIME ZONE ? AS hi),
			served AS (
				SELECT DISTINCT COALESCE('u' || an.user_id, n.nick) AS agent, an.user_id, c.buyer, c.started_at
				  FROM bounds, chat_conversations c CROSS JOIN LATERAL unnest(c.agent_nicks) AS n(nick)
				  LEFT JOIN agent_nicks an ON an.nick = n.nick
				 WHERE c.started_at >= bounds.lo AND c.started_at < bounds.hi AND c.buyer_messages > 0),
			inquiries AS (
				SELECT s.agent, min(s.user_id) AS user_id, count(DISTINCT s.buyer) AS inquiries,
				       count(DISTINCT s.buyer) FILTER (WHERE o.ordered) AS ordered_buyers,
				       count(DISTINCT s.buyer) FILTER (WHERE o.paid) AS paid_buyers
				  FROM served s LEFT JOIN LATERAL (
					SELECT true AS ordered, bool_or(x.paid_at IS NOT NULL) AS paid FROM orders x
					 WHERE x.buyer = s.buyer AND x.created_at >= s.started_at
					   AND x.created_at < (?::date + ?::int)::timestamp AT TIME ZONE ?
					HAVING count(*) > 0) o ON true
				 GROUP BY s.agent),
			credits AS (
				SELECT c.agent, min(c.user_id) AS user_id,
				       COALESCE(sum(c.share_bp) FILTER (WHERE c.kind = 'credit'), 0) AS share_bp,
				       COALESCE(sum(c.amount_fen) FILTER (WHERE c.kind = 'credit' AND c.paid), 0) AS sales_fen,
				       count(DISTINCT c.buyer) FILTER (WHERE c.kind = 'credit' AND c.paid) AS credited_buyers,
				       count(*) FILTER (WHERE c.kind = 'assist') AS assists,
				       COALESCE(sum(c.amount_fen) FILTER (WHERE c.kind = 'assist'), 0) AS assist_fen,
				       COALESCE(sum(c.refund_fen) FILTER (WHERE c.kind = 'credit'), 0) AS refund_fen
				  FROM bounds, order_credits c
				 WHERE c.order_at >= bounds.lo AND c.order_at < bounds.hi
				 GROUP BY c.agent)
			INSERT INTO sales_daily (day, agent, user_id, inquiries, ordered_buyers, paid_buyers, share_bp, sales_fen,
			                         credited_buyers, assists, assist_fen, refund_fen)
			SELECT ?::date, COALESCE(i.agent, c.agent), COALESCE(i.user_id, c.user_id),
			       COALESCE(i.inquiries, 0), COALESCE(i.ordered_buyers, 0), COALESCE(i.paid_buyers, 0),
			       COALESCE(c.share_bp, 0), COALESCE(c.sales_fen, 0), COALESCE(c.credited_buyers, 0),
			       COALESCE(c.assists, 0), COALESCE(c.assist_fen, 0), COALESCE(c.refund_fen, 0)
			  FROM inquiries i FULL JOIN credits c ON c.agent = i.agent`,
			key, zone, key, zone, key, window, zone, key).Error
		if err != nil {
			return fmt.Errorf("models: sales day %s: %w", key, err)
		}
		// Silent orders: the automatic rule found no chat and no ruling
		// credited anyone since.
		err = tx.Exec(`
			WITH bounds AS (
				SELECT (?::date)::timestamp AT TIME ZONE ? AS lo, (?::date + 1)::timestamp AT TIME ZONE ? AS hi)
			INSERT INTO sales_days (day, orders, paid_fen, silent_orders, computed_at)
			SELECT ?::date,
			       (SELECT count(*) FROM bounds, orders o WHERE o.created_at >= bounds.lo AND o.created_at < bounds.hi),
			       (SELECT COALESCE(sum(o.paid_fen), 0) FROM bounds, orders o
			         WHERE o.created_at >= bounds.lo AND o.created_at < bounds.hi AND o.paid_at IS NOT NULL),
			       (SELECT count(*) FROM bounds, order_attributions a
			         WHERE a.rule = 'silent' AND a.order_at >= bounds.lo AND a.order_at < bounds.hi
			           AND NOT EXISTS (SELECT 1 FROM order_credits c WHERE c.order_id = a.order_id AND c.kind = 'credit')),
			       now()
			ON CONFLICT (day) DO UPDATE SET orders = EXCLUDED.orders, paid_fen = EXCLUDED.paid_fen,
			       silent_orders = EXCLUDED.silent_orders, computed_at = EXCLUDED.computed_at`,
			key, zone, key, zone, key).Error
		if err != nil {
			return fmt.Errorf("models: sales day %s: %w", key, err)
		}
		if err := tx.Exec(`DELETE FROM sales_day_marks WHERE day = ?::date AND id <= ?`, key, *seen).Error; err != nil {
			return fmt.Errorf("models: sales day %s: clear marks: %w", key, err)
		}
		return nil
	})
}

// salesPeriod recomputes the period's dirty days when there are few, then
// says how fresh the period's figures are and adds the shop's totals to
// rep: orders, paid sales and silent orders (no credit after rulings).
// It returns the 'sales' counter (cacheVersion's value) for the kept
// copies of the daily figures, read in the same statement as the totals:
// the copies then match the totals even when another request recomputed
// a day since this one began, and the page makes one round trip fewer.
// Both come from one statement, read again only after a recompute.
func (s *Store) salesPeriod(ctx context.Context, from, to string, rep *SalesReport) (int64, error) {
	for refreshed := false; ; refreshed = true {
		var row struct {
			Dirty        pq.StringArray
			Oldest       *time.Time
			Orders       int64
			PaidFen      int64
			SilentOrders int64
			Version      sql.NullInt64
		}
		err := s.conn(ctx).Raw(`
			SELECT ARRAY(SELECT DISTINCT to_char(day, 'YYYY-MM-DD') FROM sales_day_marks WHERE day >= ?::date AND day < ?::date ORDER BY 1 DESC) AS dirty,
			       (SELECT min(computed_at) FROM sales_days WHERE day >= ?::date AND day < ?::date) AS oldest,
			       t.orders, t.paid_fen, t.silent_orders,
			       (SELECT version FROM cache_versions WHERE name = 'sales') AS version
			  FROM (SELECT COALESCE(sum(orders), 0) AS orders, COALESCE(sum(paid_fen), 0) AS paid_fen,
			               COALESCE(sum(silent_orders), 0) AS silent_orders
			          FROM sales_days WHERE day >= ?::date AND day < ?::date) t`,
			from, to, from, to, from, to).Row().
			Scan(&row.Dirty, &row.Oldest, &row.Orders, &row.PaidFen, &row.SilentOrders, &row.Version)
		if err != nil {
			return 0, fmt.Errorf("models: sales period %s to %s: %w", from, to, err)
		}
		if !refreshed && len(row.Dirty) > 0 && len(row.Dirty) <= salesInlineDays {
			days := make([]time.Time, len(row.Dirty))
			for i, d := range row.Dirty {
				if days[i], err = time.Parse(time.DateOnly, d); err != nil {
					return 0, fmt.Errorf("models: dirty sales day %q: %w", d, err)
				}
			}
			if err := s.refreshSalesDays(ctx, days); err != nil {
				return 0, err
			}
			continue
		}
		rep.Fresh = SalesFreshness{Pending: len(row.Dirty)}
		if row.Oldest != nil {
			rep.Fresh.ComputedAt = *row.Oldest
		}
		rep.Orders, rep.PaidSalesFen, rep.SilentOrders = row.Orders, row.PaidFen, row.SilentOrders
		if !row.Version.Valid {
			// Without its counter a copy could never be known stale. (A
			// transaction's reads are never kept whatever the version: getAt.)
			return readThrough, nil
		}
		return row.Version.Int64, nil
	}
}

// RefreshAllSalesDays recomputes every dirty day (after a load or a
// generation, before anyone looks).
func (s *Store) RefreshAllSalesDays(ctx context.Context) error {
	for {
		n, err := s.RefreshSalesDays(ctx, 100)
		if err != nil || n < 100 {
			return err
		}
	}
}

// RecomputeSalesDays notes every day that has chats or orders (in the
// shop's zone now) and recomputes them all; it says how many days there
// were. It reads every chat and order once: a repair command, not a
// routine.
func (s *Store) RecomputeSalesDays(ctx context.Context) (int64, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	res := s.conn(ctx).Exec(`INSERT INTO sales_day_marks (day)
		SELECT DISTINCT (t AT TIME ZONE ?)::date FROM (SELECT started_at AS t FROM chat_conversations UNION ALL SELECT created_at FROM orders) x`,
		settings.Location().String())
	if res.Error != nil {
		return 0, fmt.Errorf("models: mark sales days: %w", res.Error)
	}
	return res.RowsAffected, s.RefreshAllSalesDays(ctx)
}

// RunSalesRefresher keeps the daily sales figures current until ctx ends:
// every interval it recomputes dirty days in rounds of 50.
func (s *Store) RunSalesRefresher(ctx context.Context, every time.Duration, logf func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for {
			n, err := s.RefreshSalesDays(ctx, 50)
			// An error while shutting down is the cancellation itself (in
			// whatever words the driver found for it), not a failure.
			if err != nil && ctx.Err() == nil {
				logf(err)
			}
			if err != nil || n < 50 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
