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
	var rows []struct {
		HandoverBadReview
		Total int
	}
	err := s.conn(ctx).Raw(fmt.Sprintf(handoverCasesSQL, ""), dateStr(day), viewer, BadReviewOpenStatuses, viewer, viewer, limit).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("models: unable to list bad-review cases for the handover: %w", err)
	}
	out := make([]HandoverBadReview, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.HandoverBadReview, r.Total
	}
	return out, total, nil
}

// HandedTo reports whether case id is in viewer's handover on day: theirs,
// or a team-mate's who is off while viewer works (see HandoverBadReview).
// It asks about the one case, so a case past the handover page's limit is
// still found.
func (s *Store) HandedTo(ctx context.Context, viewer int64, day time.Time, id int64) (bool, error) {
	var rows []struct{ ID int64 }
	err := s.conn(ctx).Raw(fmt.Sprintf(handoverCasesSQL, "AND b.id = ?"), dateStr(day), viewer, BadReviewOpenStatuses, viewer, viewer, id, 1).Scan(&rows).Error
	if err != nil {
		return false, fmt.Errorf("models: unable to check bad-review case %d in the handover: %w", id, err)
	}
	return viewer != 0 && len(rows) == 1, nil
}

// handoverCasesSQL is the handover's rule in one query; %s adds a filter
// to the cases (one case for HandedTo). Its arguments: day, viewer, open
// statuses, viewer, viewer, the filter's, limit.
const handoverCasesSQL = `
		WITH working AS (
			SELECT a.user_id, a.shift NOT IN ('', 'leave') AS works
			  FROM shift_assignments a
			  JOIN rota_weeks w ON w.week_start = date_trunc('week', a.day)::date AND w.status = 'published'
			 WHERE a.day = ?::date
		), published AS (
			SELECT EXISTS (SELECT 1 FROM working) AS yes
		), me AS (
			SELECT u.team FROM users u JOIN working k ON k.user_id = u.id AND k.works
			 WHERE u.id = ? AND u.team <> ''
		)
		-- Ordered and cut outside the count: with the limit inside, the
		-- planner bets on stopping early, which the count never lets it do,
		-- and nested-loops the rota per case (35 ms instead of 2.5 at
		-- scale 1).
		SELECT * FROM (
		SELECT b.id, b.agent_id, coalesce(nullif(au.display_name, ''), au.username) AS agent_name,
		       au.team AS agent_team, b.buyer, b.item, b.status, b.due_at,
		       (p.yes AND NOT coalesce(k.works, false)) AS assignee_off,
		       count(*) OVER () AS total
		  FROM bad_reviews b
		  JOIN users au ON au.id = b.agent_id
		  CROSS JOIN published p
		  LEFT JOIN working k ON k.user_id = b.agent_id
		 WHERE b.status IN ?
		   AND (? = 0 OR b.agent_id = ?
		        OR (p.yes AND NOT coalesce(k.works, false) AND au.team IN (SELECT team FROM me)))
		   %s
		) t
		 ORDER BY due_at NULLS LAST, id
		 LIMIT ?`
