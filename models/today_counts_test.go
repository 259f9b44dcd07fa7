package models_test

import (
	"testing"
	"time"

	"kefudesk/models"
)

// The today page's cards are counted in one statement; on the demo shop
// every count must equal what the full list behind its card holds.
func TestTodayCountsMatchTheLists(t *testing.T) {
	s, ctx := demoStore(t)
	settings, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	loc := settings.Location()
	now := time.Now()
	// One decided adherence case, so that the open count's filter matters.
	if res := s.DB().Exec(`UPDATE adherence_cases SET status = 'excused' WHERE id = (SELECT min(id) FROM adherence_cases)`); res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("excuse an adherence case: %v, %d rows", res.Error, res.RowsAffected)
	}
	// Rota changes to two agents and a QC inspector, one of them read.
	if res := s.DB().Exec(`
		INSERT INTO shift_change_notices (user_id, day, old_shift, new_shift, cause, acknowledged_at)
		SELECT id, current_date, 'early', 'late', 'edit', CASE WHEN n = 3 THEN now() END
		  FROM (SELECT id, row_number() OVER (ORDER BY role, id) AS n FROM users WHERE role IN ('agent', 'qc')) u
		 WHERE n <= 3 OR n = (SELECT count(*) FROM users WHERE role IN ('agent', 'qc'))`); res.Error != nil || res.RowsAffected != 4 {
		t.Fatalf("rota changes: %v, %d rows", res.Error, res.RowsAffected)
	}
	users, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var queued, unread, due, noticed int
	for _, u := range users {
		got, err := s.TodayCounts(ctx, u, now, loc)
		if err != nil {
			t.Fatal(err)
		}
		var want models.TodayCounts
		if u.Role == models.RoleQC || u.Role == models.RoleAgent {
			notices, err := s.OpenNotices(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			want.Shifts.Unread = len(notices)
			noticed += want.Shifts.Unread
		}
		switch u.Role {
		case models.RoleQC, models.RoleManager:
			items, err := s.InspectorQueue(ctx, u.ID, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			want.Queue = len(items)
			for _, q := range items {
				if q.Overdue(now, loc) {
					want.QueueOverdue++
				}
			}
			queued += want.Queue
		case models.RoleAgent:
			rs, err := s.AgentReviews(ctx, u.ID, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if r.AcknowledgedAt == nil {
					want.UnreadReviews++
				}
			}
			unread += want.UnreadReviews
			visits, err := s.DueVisits(ctx, u.ID, now.In(loc), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			want.VisitsDue = len(visits)
			for _, v := range visits {
				if v.Overdue(now.In(loc)) {
					want.VisitsOverdue++
				}
			}
			due += want.VisitsDue
		}
		if u.Role == models.RoleManager {
			late, err := s.OverdueVisits(ctx, now.In(loc), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			cases, err := s.OverdueCases(ctx, now, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			want.VisitsOverdue, want.CasesOverdue = len(late), len(cases)
			for status, n := range map[string]*int{models.BadReviewNew: &want.CasesNew, models.BadReviewEscalated: &want.CasesEscalated} {
				page, err := s.ListBadReviewBoard(ctx, models.BadReviewFilter{Status: status, Now: now, Loc: loc, Limit: 1 << 20}, false)
				if err != nil {
					t.Fatal(err)
				}
				*n = len(page.Cases)
			}
			appeals, err := s.OpenAppeals(ctx, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			want.Appeals = len(appeals)
			for _, a := range appeals {
				if a.DueAt.Before(now) {
					want.AppealsOverdue++
				}
			}
			disputes, err := s.OpenDisputes(ctx, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			want.Disputes = len(disputes)
			items, err := s.OpenHandover(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, assigned, err := s.HandoverBadReviewsFirst(ctx, 0, models.DayOf(now, loc), 1)
			if err != nil {
				t.Fatal(err)
			}
			want.Shifts.OpenHandover, want.Shifts.HandoverCases = len(items), assigned
			swaps, err := s.ListSwaps(ctx, models.SwapFilter{Limit: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range swaps {
				if r.Status == "accepted" {
					want.Shifts.PendingSwaps++
				}
			}
			leave, err := s.ListLeave(ctx, 0, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range leave {
				if l.Status == "pending" {
					want.Shifts.PendingLeave++
				}
			}
			adherence, err := s.ListAdherence(ctx, models.AdherenceFilter{Status: "open", Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			notices, err := s.OpenNotices(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			want.Shifts.OpenCases, want.Shifts.Unread = len(adherence.Cases), len(notices)
			if assigned == 0 || len(items) == 0 {
				t.Errorf("the demo shop should have open handover items and assigned open cases: %+v", want.Shifts)
			}
			if want.VisitsOverdue == 0 || want.CasesOverdue == 0 || want.CasesNew == 0 || want.Appeals == 0 || want.Disputes == 0 {
				t.Errorf("the demo shop should have overdue visits and cases, new cases, open appeals and disputes: %+v", want)
			}
		}
		if got != want {
			t.Errorf("%s (%s): counted %+v, the lists hold %+v", u.Username, u.Role, got, want)
		}
	}
	if queued == 0 || unread == 0 || due == 0 || noticed == 0 {
		t.Errorf("the demo shop should have some of each: queued %d, unread %d, due visits %d, rota changes %d", queued, unread, due, noticed)
	}
}
