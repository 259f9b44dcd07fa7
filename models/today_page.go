package models

import (
	"context"
	"fmt"
	"time"
)

// TodayShown is how many rows the today page names of each list; the
// rest are counted.
type TodayShown struct {
	MyCases  int // an agent's open bad-review cases
	Overdue  int // the manager's overdue cases
	Disputes int // the manager's open disputes
}

// TodayPage is what the today page shows u: the cards' counts and the
// rows each card names for the user's role.
type TodayPage struct {
	Counts       TodayCounts
	MyCases      []BadReview   // agent: open cases, soonest due first
	OverdueCases []BadReview   // manager: most overdue first
	OpenDisputes []DisputeItem // manager: oldest first
	ToAnswer     []DisputeItem // agent: disputes over their orders waiting for their answer
	Shifts       ShiftsToday   // everyone but the admin
	HasShifts    bool
}

// Today reads u's today page at now in one round trip (readBatch): the
// counts, the role's lists and the shift card; the user's rota cell comes
// from the rota's kept copy. A manager's shift card is counts only.
func (s *Store) Today(ctx context.Context, u User, now time.Time, shown TodayShown) (TodayPage, error) {
	var p TodayPage
	settings, err := s.Settings(ctx)
	if err != nil {
		return p, err
	}
	loc := settings.Location()
	b := s.newReadBatch(ctx)
	if q, args, dest := todayCountsSQL(&p.Counts, u, now, loc); q != "" {
		b.row("the today counts", q, args, dest...)
	}
	switch u.Role {
	case RoleManager:
		b.badReviews("overdue cases", s.overdueCasesQuery(ctx, now, shown.Overdue), &p.OverdueCases)
		q, args := openDisputesSQL(shown.Disputes)
		b.raw("open disputes", q, args, &p.OpenDisputes)
	case RoleAgent:
		b.badReviews("open cases", s.openCasesOfQuery(ctx, u.ID, shown.MyCases), &p.MyCases)
		q, args := disputesToAnswerSQL(u.ID, now)
		b.raw("disputes to answer", q, args, &p.ToAnswer)
	}
	p.HasShifts = u.Role != RoleAdmin
	st := &p.Shifts
	st.Today, st.Manager = DayOf(now, loc), u.Role == RoleManager
	var cases handoverCaseRows
	if p.HasShifts && !st.Manager {
		st.OnRota = u.Team != TeamNone
		b.find("the handover", s.openHandoverQuery(ctx, u.ID), &st.Handover)
		q, args := handoverCasesSQL(u.ID, st.Today, HandoverCasesShown)
		b.raw("the handover's cases", q, args, &cases)
	}
	if err := b.run(); err != nil {
		return p, fmt.Errorf("models: today page of %d: %w", u.ID, err)
	}
	switch {
	case !p.HasShifts:
	case st.Manager:
		st.ShiftWork = p.Counts.Shifts
	default:
		days, err := s.publishedShifts(ctx, RotaParams(settings), u.ID, st.Today, 1)
		if err != nil {
			return p, err
		}
		if len(days) == 1 {
			st.Shift, st.HasShift = days[0], true
		}
		var total int
		st.Cases, total = cases.split()
		st.CasesMore = total - len(st.Cases)
		st.Unread = p.Counts.Shifts.Unread
	}
	return p, nil
}

// MyShifts is what an agent's own schedule shows besides the rota.
type MyShifts struct {
	Handover      []HandoverItem      // items handed to them, not done
	Cases         []HandoverBadReview // the most urgent open bad-review cases in their handover
	CasesTotal    int
	Notices       []ShiftNotice // rota changes to acknowledge
	AskedOfMe     int           // swap requests waiting for their answer
	CalendarToken string
}

// MyShifts reads userID's schedule page on day in one round trip
// (readBatch); a user without a calendar feed gets one.
func (s *Store) MyShifts(ctx context.Context, userID int64, day time.Time) (MyShifts, error) {
	var m MyShifts
	b := s.newReadBatch(ctx)
	b.find("the handover", s.openHandoverQuery(ctx, userID), &m.Handover)
	var cases handoverCaseRows
	q, args := handoverCasesSQL(userID, day, HandoverCasesShown)
	b.raw("the handover's cases", q, args, &cases)
	b.find("shift notices", s.openNoticesQuery(ctx, userID), &m.Notices)
	b.row("swaps asked and the calendar feed", `
		SELECT (SELECT count(*) FROM swap_requests WHERE colleague_id = ? AND status = ?),
		       coalesce((SELECT token FROM calendar_feeds WHERE user_id = ?), '')`,
		[]any{userID, SwapProposed, userID}, &m.AskedOfMe, &m.CalendarToken)
	if err := b.run(); err != nil {
		return m, fmt.Errorf("models: shifts of %d: %w", userID, err)
	}
	m.Cases, m.CasesTotal = cases.split()
	if m.CalendarToken == "" {
		tok, err := s.CalendarToken(ctx, userID)
		if err != nil {
			return m, err
		}
		m.CalendarToken = tok
	}
	return m, nil
}
