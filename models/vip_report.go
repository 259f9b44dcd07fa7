package models

import (
	"context"
	"fmt"
	"time"
)

// VisitListSummary is a list with its progress, for the lists page.
type VisitListSummary struct {
	ID          int64
	Name        string
	Purpose     string
	PeriodStart time.Time
	PeriodEnd   time.Time
	Monthly     bool
	MonthOf     *int64
	Total       int
	Done        int // no longer open
	Reached     int
	Overdue     int
}

// ListCursor is the keyset position of the last list of a page.
type ListCursor struct {
	Start time.Time
	ID    int64
}

// VisitListPage is a page of lists and the next cursor.
type VisitListPage struct {
	Lists []VisitListSummary
	Next  *ListCursor
}

// VisitLists lists lists newest period first, keyset-paged on
// (period_start, id), with their visits counted.
func (s *Store) VisitLists(ctx context.Context, today time.Time, before *ListCursor, limit int) (VisitListPage, error) {
	if limit <= 0 || limit > 100 {
		limit = 30
	}
	where, args := "", []any{dateOnly(today).Format(time.DateOnly)}
	if before != nil {
		where = "WHERE (l.period_start, l.id) < (?, ?)"
		args = append(args, before.Start.Format(time.DateOnly), before.ID)
	}
	var rows []VisitListSummary
	err := s.conn(ctx).Raw(`
		SELECT l.id, l.name, l.purpose, l.period_start, l.period_end, l.monthly, l.month_of,
		       count(v.id) AS total, count(v.id) FILTER (WHERE v.status <> 'open') AS done,
		       count(v.id) FILTER (WHERE v.status = 'done') AS reached,
		       count(v.id) FILTER (WHERE v.status = 'open' AND v.due_on < ?) AS overdue
		  FROM visit_lists l LEFT JOIN vip_visits v ON v.list_id = l.id `+where+`
		 GROUP BY l.id ORDER BY l.period_start DESC, l.id DESC LIMIT `+fmt.Sprint(limit+1), args...).Scan(&rows).Error
	if err != nil {
		return VisitListPage{}, fmt.Errorf("models: unable to list visit lists: %w", err)
	}
	p := VisitListPage{Lists: rows}
	if len(rows) > limit {
		p.Lists = rows[:limit]
		last := p.Lists[limit-1]
		p.Next = &ListCursor{Start: last.PeriodStart, ID: last.ID}
	}
	return p, nil
}

// VisitListByID reads one list.
func (s *Store) VisitListByID(ctx context.Context, id int64) (VisitList, error) {
	var l VisitList
	if err := s.conn(ctx).Take(&l, id).Error; err != nil {
		return l, notFound(err, fmt.Sprintf("visit list %d", id))
	}
	return l, nil
}

// VisitFigures is how a list's or an agent's visits went.
type VisitFigures struct {
	Key         int64 // list or agent id
	Name        string
	Total       int
	Done        int
	Reached     int
	Attempted   int // visits with at least one contact logged
	Overdue     int
	Orders      int   // orders the reached customers placed within the window after the visit
	OrdersFen   int64 // their paid amount, refunds taken off
	Unreachable int
}

// Completion is the share of visits no longer open.
func (f VisitFigures) Completion() float64 { return ratio(int64(f.Done), int64(f.Total)) }

// ReachedRate is the share of attempted visits that reached the customer.
func (f VisitFigures) ReachedRate() float64 { return ratio(int64(f.Reached), int64(f.Attempted)) }

// VisitReport is what managers see for the lists of a period.
type VisitReport struct {
	Lists    []VisitFigures
	Agents   []VisitFigures
	Outcomes map[string]int
	Total    VisitFigures
}

// VisitReportFor sums the visits of lists whose period overlaps [from, to]
// (calendar days): per list, per agent, and the outcomes logged. Orders
// count when a reached customer ordered after the first time they were
// reached and within the shop's vip_order_days (30).
func (s *Store) VisitReportFor(ctx context.Context, from, to, today time.Time) (VisitReport, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return VisitReport{}, err
	}
	base := `
		WITH v AS (
			SELECT v.*, c.buyer, l.name AS list_name, COALESCE(NULLIF(u.display_name, ''), u.username) AS agent_name,
			       EXISTS (SELECT 1 FROM vip_visit_logs g WHERE g.visit_id = v.id) AS attempted
			  FROM vip_visits v JOIN visit_lists l ON l.id = v.list_id JOIN vip_customers c ON c.id = v.customer_id
			  JOIN users u ON u.id = v.agent_id
			 WHERE l.period_start <= @to AND l.period_end >= @from
		), o AS (
			SELECT v.id AS visit_id, count(o.id) AS orders, COALESCE(sum(o.paid_fen - o.refund_fen), 0) AS fen
			  FROM v JOIN orders o ON o.buyer = v.buyer AND o.paid_at IS NOT NULL
			   AND o.created_at > v.first_reached_at AND o.created_at <= v.first_reached_at + make_interval(days => @days)
			 GROUP BY v.id
		)
		SELECT %s AS key, %s AS name, count(*) AS total, count(*) FILTER (WHERE v.status <> 'open') AS done,
		       count(*) FILTER (WHERE v.status = 'done') AS reached, count(*) FILTER (WHERE v.attempted) AS attempted,
		       count(*) FILTER (WHERE v.status = 'open' AND v.due_on < @today) AS overdue,
		       count(*) FILTER (WHERE v.status = 'unreachable') AS unreachable,
		       COALESCE(sum(o.orders), 0) AS orders, COALESCE(sum(o.fen), 0) AS orders_fen
		  FROM v LEFT JOIN o ON o.visit_id = v.id GROUP BY 1, 2 ORDER BY 2`
	args := map[string]any{"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly),
		"today": dateOnly(today).Format(time.DateOnly), "days": set.Int(SettingVIPOrderDays)}
	var rep VisitReport
	db := s.conn(ctx)
	if err := db.Raw(fmt.Sprintf(base, "v.list_id", "v.list_name"), args).Scan(&rep.Lists).Error; err != nil {
		return rep, fmt.Errorf("models: unable to sum visits by list: %w", err)
	}
	if err := db.Raw(fmt.Sprintf(base, "v.agent_id", "v.agent_name"), args).Scan(&rep.Agents).Error; err != nil {
		return rep, fmt.Errorf("models: unable to sum visits by agent: %w", err)
	}
	var outs []struct {
		Outcome string
		N       int
	}
	err = db.Raw(`SELECT g.outcome, count(*) AS n FROM vip_visit_logs g JOIN vip_visits v ON v.id = g.visit_id
		JOIN visit_lists l ON l.id = v.list_id WHERE l.period_start <= @to AND l.period_end >= @from GROUP BY 1`, args).Scan(&outs).Error
	if err != nil {
		return rep, fmt.Errorf("models: unable to count visit outcomes: %w", err)
	}
	rep.Outcomes = map[string]int{}
	for _, o := range outs {
		rep.Outcomes[o.Outcome] = o.N
	}
	for _, l := range rep.Lists {
		t := &rep.Total
		t.Total, t.Done, t.Reached, t.Attempted, t.Overdue = t.Total+l.Total, t.Done+l.Done, t.Reached+l.Reached, t.Attempted+l.Attempted, t.Overdue+l.Overdue
		t.Orders, t.OrdersFen, t.Unreachable = t.Orders+l.Orders, t.OrdersFen+l.OrdersFen, t.Unreachable+l.Unreachable
	}
	return rep, nil
}
