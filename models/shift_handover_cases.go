package models

import (
	"context"
	"fmt"
	"time"
)

// HandoverCase rows are open bad-review cases as the shift handover shows
// them. They are read straight from bad_reviews, never copied into
// handover_items, so a case leaves the handover the moment its result is
// handed in and nobody has to tick it off.
//
// Who sees a case (the "next shift" rule): a case stays with its assignee;
// only a manager reassigns it. The assignee sees all their open cases. When
// the published rota has the assignee off on the viewer's day (rest, leave,
// or not on that week's rota), the case is also shown, read-only, to
// everyone of the assignee's team who works a shift that day: the incoming
// shift knows about it when the buyer writes in. With no rota published for
// the day nobody is known to be off, so only the assignee sees it. The day
// is the shop's calendar day: an early and a late shift of the same day do
// not hand cases to each other, because the assignee is back tomorrow.
type HandoverBadReview struct {
	ID        int64
	AgentID   int64
	AgentName string
	AgentTeam Team
	Buyer     string
	Item      string
	Status    string
	DueAt     *time.Time
	// AssigneeOff: the published rota has the assignee off on the day, so
	// the case shows to their team's shift.
	AssigneeOff bool
}

// Overdue reports whether the case is past its deadline at now.
func (h HandoverBadReview) Overdue(now time.Time) bool { return h.DueAt != nil && now.After(*h.DueAt) }

// HandoverCasesShown is how many handover cases the today page and my
// shifts name; the handover page lists up to HandoverPageCases.
const (
	HandoverCasesShown = 10
	HandoverPageCases  = 500
)

// HandoverBadReviewsFirst lists the open bad-review cases in the handover
// on day (a shop-local date, see DayOf), soonest due first, in one query:
// viewer's own and those handed to their shift (see HandoverBadReview), or
// every assigned open case for the manager (viewer 0). It returns the first
// limit and how many there are in all: the today page and my shifts name
// the most urgent and link to the handover for the rest (an agent of a big
// team can have hundreds handed to their shift).
func (s *Store) HandoverBadReviewsFirst(ctx context.Context, viewer int64, day time.Time, limit int) ([]HandoverBadReview, int, error) {
	var rows handoverCaseRows
	q, args := handoverCasesSQL(viewer, day, limit)
	if err := s.conn(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("models: unable to list bad-review cases for the handover: %w", err)
	}
	out, total := rows.split()
	return out, total, nil
}

// handoverCaseRows are HandoverBadReviewsFirst's rows, each with the total.
type handoverCaseRows []struct {
	HandoverBadReview
	Total int
}

func (rows handoverCaseRows) split() ([]HandoverBadReview, int) {
	out := make([]HandoverBadReview, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.HandoverBadReview, r.Total
	}
	return out, total
}

func handoverCasesSQL(viewer int64, day time.Time, limit int) (string, []any) {
	if viewer == 0 {
		return managerHandoverSQL, []any{dateStr(day), limit}
	}
	return fmt.Sprintf(agentHandoverSQL, ""), []any{dateStr(day), viewer, limit}
}

// HandedTo reports whether case id is in viewer's handover on day: theirs,
// or a team-mate's who is off while viewer works (see HandoverBadReview).
// It asks about the one case, so a case past the handover page's limit is
// still found.
func (s *Store) HandedTo(ctx context.Context, viewer int64, day time.Time, id int64) (bool, error) {
	if viewer == 0 {
		return false, nil
	}
	var rows []struct{ ID int64 }
	err := s.conn(ctx).Raw(fmt.Sprintf(agentHandoverSQL, "AND b.id = ?"), dateStr(day), viewer, id, 1).Scan(&rows).Error
	if err != nil {
		return false, fmt.Errorf("models: unable to check bad-review case %d in the handover: %w", id, err)
	}
	return len(rows) == 1, nil
}

// handoverDaySQL says whether day's rota is published: its week is, and
// it has assignments on the day. Without it nobody is known to be off.
// Its one argument is the day.
const handoverDaySQL = `
		WITH d AS (SELECT ?::date AS day), published AS (
			SELECT EXISTS (SELECT 1 FROM rota_weeks w WHERE w.week_start = date_trunc('week', d.day)::date AND w.status = 'published')
			   AND EXISTS (SELECT 1 FROM shift_assignments a WHERE a.day = d.day) AS yes, d.day
			  FROM d
		)`

// worksSQL is whether the rota has user uid working on the published
// day p.day (a shift, not a day off or leave): one primary-key probe.
const worksSQL = `EXISTS (SELECT 1 FROM shift_assignments a WHERE a.user_id = %s AND a.day = p.day AND a.shift NOT IN ('', 'leave'))`

// agentHandoverSQL is an agent's handover: their own open cases, and when
// they work the day, those of team-mates who are off. It starts from the
// agents whose cases qualify and reads only their open cases (by the
// index of migration 00056) and their rows of the rota. Its generic plan
// is as good as its custom ones, so PostgreSQL keeps one after five calls
// (measured: plans 120 for 1,329 calls over 20 connections). The first
// version joined the whole day's rota to every open case; it cost more to
// plan and to run than the rest of the today page together, and it was
// planned afresh on every call. %s adds a filter to the cases (one case for HandedTo). Arguments:
// day, viewer, the filter's, limit.
var agentHandoverSQL = handoverDaySQL + `, me AS (
			SELECT u.id, u.team, ` + fmt.Sprintf(worksSQL, "u.id") + ` AS works
			  FROM users u CROSS JOIN published p
			 WHERE u.id = ?
		), agents AS (
			SELECT me.id, (p.yes AND NOT me.works) AS off
			  FROM me CROSS JOIN published p
			UNION ALL
			SELECT u.id, true
			  FROM me CROSS JOIN published p
			  JOIN users u ON u.team = me.team AND u.id <> me.id
			 WHERE p.yes AND me.works AND me.team <> ''
			   AND NOT ` + fmt.Sprintf(worksSQL, "u.id") + `
		)
		SELECT * FROM (
		SELECT b.id, b.agent_id, coalesce(nullif(au.display_name, ''), au.username) AS agent_name,
		       au.team AS agent_team, b.buyer, b.item, b.status, b.due_at, g.off AS assignee_off,
		       count(*) OVER () AS total
		  FROM agents g
		  JOIN bad_reviews b ON b.agent_id = g.id
		  JOIN users au ON au.id = b.agent_id
		 WHERE b.status IN ` + openStatusesSQL + ` %s
		) t
		 ORDER BY due_at NULLS LAST, id
		 LIMIT ?`

// managerHandoverSQL is every assigned open case, each saying whether its
// agent is off on the day. Ordered and cut outside the count: with the
// limit inside, the planner bets on stopping early, which the count never
// lets it do. Arguments: day, limit.
var managerHandoverSQL = handoverDaySQL + `
		SELECT * FROM (
		SELECT b.id, b.agent_id, coalesce(nullif(au.display_name, ''), au.username) AS agent_name,
		       au.team AS agent_team, b.buyer, b.item, b.status, b.due_at,
		       (p.yes AND NOT ` + fmt.Sprintf(worksSQL, "b.agent_id") + `) AS assignee_off,
		       count(*) OVER () AS total
		  FROM bad_reviews b
		  JOIN users au ON au.id = b.agent_id
		  CROSS JOIN published p
		 WHERE b.status IN ` + openStatusesSQL + `
		) t
		 ORDER BY due_at NULLS LAST, id
		 LIMIT ?`
