package models

import (
	"context"
	"fmt"
	"time"

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
	err := s.conn(ctx).Raw(`SELECT day FROM sales_days WHERE dirty ORDER BY day DESC LIMIT ?`, limit).Scan(&days).Error
	if err != nil {
		return 0, fmt.Errorf("models: dirty sales days: %w", err)
	}
	return len(days), s.refreshSalesDays(ctx, days)
}

func (s *Store) refreshSalesDays(ctx context.Context, days []time.Time) error {
	if len(days) == 0 {
		return nil
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	for _, d := range days {
		if err := s.refreshSalesDay(ctx, d, settings); err != nil {
			return err
		}
	}
	return nil
}

// refreshSalesDay rewrites one shop day's figures: per agent, the
// inquiries of chats begun that day and whether each buyer ordered (and
// paid) by the end of the inquiry window; the credits and assists of the
// day's orders after rulings; and the shop's orders, paid and silent ones.
func (s *Store) refreshSalesDay(ctx context.Context, day time.Time, settings Settings) error {
	zone := settings.Location().String()
	key := day.Format(time.DateOnly)
	window := settings.Int(SettingAttrWindowDays) + 1
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
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
		var state struct {
			Gen   int64
			Dirty bool
		}
		if err := tx.Raw(`SELECT gen, dirty FROM sales_days WHERE day = ?::date`, key).Scan(&state).Error; err != nil {
			return fmt.Errorf("models: sales day %s: %w", key, err)
		}
		if !state.Dirty {
			return nil
		}
		gen := state.Gen
		if err := tx.Exec(`DELETE FROM sales_daily WHERE day = ?::date`, key).Error; err != nil {
			return fmt.Errorf("models: sales day %s: %w", key, err)
		}
		// The day's bounds are computed in SQL from the shop's zone, so a
		// day of a daylight-saving zone has its real length.
		err := tx.Exec(`
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
			UPDATE sales_days d SET dirty = false, computed_at = now(),
			       orders = (SELECT count(*) FROM bounds, orders o WHERE o.created_at >= bounds.lo AND o.created_at < bounds.hi),
			       paid_fen = (SELECT COALESCE(sum(o.paid_fen), 0) FROM bounds, orders o
			                    WHERE o.created_at >= bounds.lo AND o.created_at < bounds.hi AND o.paid_at IS NOT NULL),
			       silent_orders = (SELECT count(*) FROM bounds, order_attributions a
			                         WHERE a.rule = 'silent' AND a.order_at >= bounds.lo AND a.order_at < bounds.hi
			                           AND NOT EXISTS (SELECT 1 FROM order_credits c WHERE c.order_id = a.order_id AND c.kind = 'credit'))
			 WHERE d.day = ?::date AND d.gen = ?`, key, zone, key, zone, key, gen).Error
		if err != nil {
			return fmt.Errorf("models: sales day %s: %w", key, err)
		}
		return nil
	})
}

// freshSalesDays recomputes the period's dirty days when there are few,
// and says how fresh the period's figures are after that.
func (s *Store) freshSalesDays(ctx context.Context, from, to string) (SalesFreshness, error) {
	var f SalesFreshness
	var dirty []time.Time
	err := s.conn(ctx).Raw(`SELECT day FROM sales_days WHERE dirty AND day >= ?::date AND day < ?::date ORDER BY day DESC`, from, to).Scan(&dirty).Error
	if err != nil {
		return f, fmt.Errorf("models: dirty sales days: %w", err)
	}
	if len(dirty) > 0 && len(dirty) <= salesInlineDays {
		if err := s.refreshSalesDays(ctx, dirty); err != nil {
			return f, err
		}
	}
	var row struct {
		Oldest  *time.Time
		Pending int
	}
	err = s.conn(ctx).Raw(`SELECT min(computed_at) AS oldest, count(*) FILTER (WHERE dirty) AS pending
		FROM sales_days WHERE day >= ?::date AND day < ?::date`, from, to).Scan(&row).Error
	if err != nil {
		return f, fmt.Errorf("models: sales freshness: %w", err)
	}
	if row.Oldest != nil {
		f.ComputedAt = *row.Oldest
	}
	f.Pending = row.Pending
	return f, nil
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

// RecomputeSalesDays marks every day dirty and recomputes them all, and
// says how many days there were.
func (s *Store) RecomputeSalesDays(ctx context.Context) (int64, error) {
	res := s.conn(ctx).Exec(`UPDATE sales_days SET dirty = true, gen = gen + 1
		WHERE day IN (SELECT day FROM sales_days ORDER BY day FOR UPDATE)`)
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
