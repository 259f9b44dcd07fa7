package models_test

import (
	"context"
	"testing"
	"time"

	"kefudesk/models"
	"kefudesk/models/demo"
)

// The today page's cards are counted in SQL; on the demo shop every count
// must equal what the full lists behind the cards hold.
func TestTodayCountsMatchTheLists(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	loc := settings.Location()
	now := time.Now()
	users, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var queued, unread, due int
	for _, u := range users {
		switch u.Role {
		case models.RoleQC, models.RoleManager:
			items, err := s.InspectorQueue(ctx, u.ID, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			late := 0
			for _, q := range items {
				if q.Overdue(now, loc) {
					late++
				}
			}
			open, overdue, err := s.InspectorQueueCount(ctx, u.ID, models.DayOf(now, loc))
			if err != nil || open != len(items) || overdue != late {
				t.Errorf("%s's queue counts %d (%d overdue), lists %d (%d): %v", u.Username, open, overdue, len(items), late, err)
			}
			queued += open
		case models.RoleAgent:
			rs, err := s.AgentReviews(ctx, u.ID, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			var want int64
			for _, r := range rs {
				if r.AcknowledgedAt == nil {
					want++
				}
			}
			if n, err := s.UnreadReviewCount(ctx, u.ID); err != nil || n != want {
				t.Errorf("%s's unread reviews count %d, list %d: %v", u.Username, n, want, err)
			}
			unread += int(want)
			visits, err := s.DueVisits(ctx, u.ID, now.In(loc), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			late := 0
			for _, v := range visits {
				if v.Overdue(now.In(loc)) {
					late++
				}
			}
			if d, o, err := s.VisitCounts(ctx, u.ID, now.In(loc)); err != nil || d != len(visits) || o != late {
				t.Errorf("%s's visits count %d (%d overdue), list %d (%d): %v", u.Username, d, o, len(visits), late, err)
			}
			due += len(visits)
		}
	}
	late, err := s.OverdueVisits(ctx, now.In(loc), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, o, err := s.VisitCounts(ctx, 0, now.In(loc)); err != nil || o != len(late) {
		t.Errorf("the shop's overdue visits count %d, list %d: %v", o, len(late), err)
	}
	if queued == 0 || unread == 0 || due == 0 || len(late) == 0 {
		t.Errorf("the demo shop should have some of each: queued %d, unread %d, due visits %d, overdue visits %d", queued, unread, due, len(late))
	}
}
