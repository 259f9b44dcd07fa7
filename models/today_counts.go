package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TodayCounts are the numbers on a user's today page cards. They are
// counted in SQL, not by reading the rows they stand for, and in one
// statement per page: under load a page's latency follows its round trips
// to PostgreSQL more than their time.
type TodayCounts struct {
	// QC and manager: chats waiting in their queue, and of those past due.
	Queue, QueueOverdue int
	// Agent: finished reviews not acknowledged yet.
	UnreadReviews int
	// Agent: their open VIP visits due by today, and of those past due.
	// Manager: every agent's past due (VisitsOverdue).
	VisitsDue, VisitsOverdue int
	// Manager: open bad-review cases past their deadline, new cases
	// waiting to be assigned, escalated ones waiting for the manager.
	CasesOverdue, CasesNew, CasesEscalated int
	// Manager: open appeals, and of those past their deadline; open
	// attribution disputes.
	Appeals, AppealsOverdue, Disputes int
	// Manager: the shift card, what waits on the whole team (see
	// ShiftsToday). QC and agent: Shifts.Unread alone, the rota changes
	// to them they have not acknowledged.
	Shifts ShiftWork
}

// ShiftWork is what waits on the team's shifts: open handover items,
// accepted swaps to approve, pending leave, open adherence cases, rota
// changes nobody acknowledged, and assigned open bad-review cases (the
// manager's shift card on the today page).
type ShiftWork struct {
	OpenHandover, PendingSwaps, PendingLeave, OpenCases, Unread, HandoverCases int
}

// The day, the moment and the inspector of the manager's and the QC
// inspector's statements are written behind scalar subqueries. As plain
// parameters PostgreSQL planned the manager's statement afresh on every
// call (1.1 ms at scale 1 quiet, 3.7 ms under load, more than it takes to
// run): custom plans, which see how few cases are overdue and that a
// manager inspects few chats, looked cheaper than the generic plan, which
// runs as fast. A value behind a subquery is unknown to every plan alike,
// so after its first five calls PostgreSQL keeps the generic plan.
const (
	dayParam  = "(SELECT ?::date)"
	timeParam = "(SELECT ?::timestamptz)"
	idParam   = "(SELECT ?::bigint)"
)

// todayPart is one single-row subquery of TodayCounts and where its
// columns go.
type todayPart struct {
	sql  string
	args []any
	dest []any
}

// TodayCounts counts u's cards at now; today is the shop's date.
func (s *Store) TodayCounts(ctx context.Context, u User, now time.Time, loc *time.Location) (TodayCounts, error) {
	var c TodayCounts
	q, args, dest := todayCountsSQL(&c, u, now, loc)
	if q == "" {
		return c, nil
	}
	if err := s.conn(ctx).Raw(q, args...).Row().Scan(dest...); err != nil {
		return c, fmt.Errorf("models: unable to count the today page of %d: %w", u.ID, err)
	}
	return c, nil
}

// todayCountsSQL is TodayCounts' statement, its arguments and where its
// one row goes (into c); no statement for a role without cards.
func todayCountsSQL(c *TodayCounts, u User, now time.Time, loc *time.Location) (string, []any, []any) {
	today := dateStr(DayOf(now, loc))
	queue := todayPart{`
		SELECT count(*), count(*) FILTER (WHERE x.due_on < ` + dayParam + `)
		  FROM review_assignments x
		  LEFT JOIN reviews r ON r.conversation_id = x.conversation_id AND r.agent_nick = x.agent_nick
		 WHERE x.inspector_id = ` + idParam + ` AND r.status IS DISTINCT FROM 'submitted'`,
		[]any{today, u.ID}, []any{&c.Queue, &c.QueueOverdue}}
	// A QC inspector's or an agent's rota changes not acknowledged.
	notices := todayPart{`
		SELECT count(*) FROM shift_change_notices WHERE user_id = ? AND acknowledged_at IS NULL`,
		[]any{u.ID}, []any{&c.Shifts.Unread}}
	var parts []todayPart
	switch u.Role {
	case RoleQC:
		parts = []todayPart{queue, notices}
	case RoleManager:
		parts = []todayPart{queue, {`
			SELECT (SELECT count(*) FROM bad_reviews WHERE status IN ` + openStatusesSQL + ` AND due_at < ` + timeParam + `),
			       (SELECT count(*) FROM bad_reviews WHERE status = 'new'),
			       (SELECT count(*) FROM bad_reviews WHERE status = 'escalated')`,
			[]any{now},
			[]any{&c.CasesOverdue, &c.CasesNew, &c.CasesEscalated}}, {`
			SELECT count(*) FROM vip_visits WHERE status = 'open' AND due_on < ` + dayParam,
			[]any{today}, []any{&c.VisitsOverdue}}, {`
			SELECT (SELECT count(*) FROM review_appeals WHERE status = 'open'),
			       (SELECT count(*) FROM review_appeals WHERE status = 'open' AND due_at < ` + timeParam + `),
			       (SELECT count(*) FROM attribution_disputes WHERE status = 'open')`,
			[]any{now}, []any{&c.Appeals, &c.AppealsOverdue, &c.Disputes}}, {`
			SELECT (SELECT count(*) FROM handover_items WHERE done_at IS NULL),
			       (SELECT count(*) FROM swap_requests WHERE status = 'accepted'),
			       (SELECT count(*) FROM leave_requests WHERE status = 'pending'),
			       (SELECT count(*) FROM adherence_cases WHERE status = 'open'),
			       (SELECT count(*) FROM shift_change_notices WHERE acknowledged_at IS NULL),
			       (SELECT count(*) FROM bad_reviews WHERE agent_id IS NOT NULL AND status IN ` + openStatusesSQL + `)`,
			nil, []any{&c.Shifts.OpenHandover, &c.Shifts.PendingSwaps, &c.Shifts.PendingLeave, &c.Shifts.OpenCases, &c.Shifts.Unread, &c.Shifts.HandoverCases}}}
	case RoleAgent:
		parts = []todayPart{{`
			SELECT count(*) FROM reviews WHERE agent_id = ? AND status = 'submitted' AND acknowledged_at IS NULL`,
			[]any{u.ID}, []any{&c.UnreadReviews}}, {`
			SELECT count(*), count(*) FILTER (WHERE due_on < ` + dayParam + `)
			  FROM vip_visits WHERE status = 'open' AND due_on <= ` + dayParam + ` AND agent_id = ?`,
			[]any{today, today, u.ID}, []any{&c.VisitsDue, &c.VisitsOverdue}}, notices}
	default:
		return "", nil, nil
	}
	var from []string
	var args, dest []any
	for i, p := range parts {
		from = append(from, fmt.Sprintf("(%s) p%d", p.sql, i))
		args, dest = append(args, p.args...), append(dest, p.dest...)
	}
	return "SELECT * FROM " + strings.Join(from, ",\n"), args, dest
}
