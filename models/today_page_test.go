package models_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"kefudesk/models"
)

// The today page and my shifts read their lists in one batch; for every
// demo user, in a transaction too (where the batch runs its reads one by
// one), they hold what the separate reads give.
func TestTodayAndMyShiftsReadWhatTheSeparateReadsDo(t *testing.T) {
	s, ctx := demoStore(t)
	users, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	loc := settings.Location()
	now := time.Now()
	day := models.DayOf(now, loc)
	shown := models.TodayShown{MyCases: 20, Overdue: 5, Disputes: 5}
	// The demo has no rota change to acknowledge: one for every agent.
	if err := s.DB().Exec(`INSERT INTO shift_change_notices (user_id, day, old_shift, new_shift, cause)
		SELECT id, current_date, 'early', 'late', 'swap' FROM users WHERE role = 'agent'`).Error; err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, u := range users {
		want, err := separateToday(ctx, s, u, now, loc, shown)
		if err != nil {
			t.Fatal(err)
		}
		wantMine, err := separateMyShifts(ctx, s, u.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		for _, inTx := range []bool{false, true} {
			var got models.TodayPage
			var gotMine models.MyShifts
			read := func(ctx context.Context) (err error) {
				if got, err = s.Today(ctx, u, now, shown); err != nil {
					return err
				}
				gotMine, err = s.MyShifts(ctx, u.ID, day)
				return err
			}
			if inTx {
				err = s.WithTx(ctx, func(ctx context.Context, _ *gorm.DB) error { return read(ctx) })
			} else {
				err = read(ctx)
			}
			if err != nil {
				t.Fatalf("%s (in a transaction: %v): %v", u.Username, inTx, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("today of %s (in a transaction: %v):\n got %+v\nwant %+v", u.Username, inTx, got, want)
			}
			if !reflect.DeepEqual(gotMine, wantMine) {
				t.Errorf("my shifts of %s (in a transaction: %v):\n got %+v\nwant %+v", u.Username, inTx, gotMine, wantMine)
			}
		}
		seen["my cases"] += len(want.MyCases)
		seen["overdue cases"] += len(want.OverdueCases)
		seen["open disputes"] += len(want.OpenDisputes)
		seen["disputes to answer"] += len(want.ToAnswer)
		seen["handover cases"] += len(want.Shifts.Cases) + len(wantMine.Cases)
		seen["handover items"] += len(wantMine.Handover)
		seen["notices"] += len(wantMine.Notices)
		seen["swaps asked"] += wantMine.AskedOfMe
	}
	for _, k := range []string{"my cases", "overdue cases", "open disputes", "disputes to answer", "handover cases", "handover items", "notices", "swaps asked"} {
		if seen[k] == 0 {
			t.Errorf("no %s on any demo user's page; the comparison proves little", k)
		}
	}
	t.Logf("rows compared: %v", seen)
}

// separateToday is the today page read one statement at a time.
func separateToday(ctx context.Context, s *models.Store, u models.User, now time.Time, loc *time.Location, shown models.TodayShown) (models.TodayPage, error) {
	var p models.TodayPage
	var err error
	if p.Counts, err = s.TodayCounts(ctx, u, now, loc); err != nil {
		return p, err
	}
	switch u.Role {
	case models.RoleManager:
		if p.OverdueCases, err = s.OverdueCases(ctx, now, shown.Overdue); err != nil {
			return p, err
		}
		if p.OpenDisputes, err = s.OpenDisputes(ctx, shown.Disputes); err != nil {
			return p, err
		}
	case models.RoleAgent:
		if p.MyCases, err = s.OpenCasesOf(ctx, u.ID, shown.MyCases); err != nil {
			return p, err
		}
		if p.ToAnswer, err = s.DisputesToAnswer(ctx, u.ID, now); err != nil {
			return p, err
		}
	}
	p.HasShifts = u.Role != models.RoleAdmin
	st := &p.Shifts
	st.Today, st.Manager = models.DayOf(now, loc), u.Role == models.RoleManager
	switch {
	case !p.HasShifts:
	case st.Manager:
		st.ShiftWork = p.Counts.Shifts
	default:
		st.OnRota = u.Team != models.TeamNone
		days, err := s.PublishedShifts(ctx, u.ID, st.Today, 1)
		if err != nil {
			return p, err
		}
		if len(days) == 1 {
			st.Shift, st.HasShift = days[0], true
		}
		if st.Handover, err = s.OpenHandover(ctx, u.ID); err != nil {
			return p, err
		}
		var total int
		if st.Cases, total, err = s.HandoverBadReviewsFirst(ctx, u.ID, st.Today, models.HandoverCasesShown); err != nil {
			return p, err
		}
		st.CasesMore = total - len(st.Cases)
		st.Unread = p.Counts.Shifts.Unread
	}
	return p, nil
}

// separateMyShifts is my shifts read one statement at a time.
func separateMyShifts(ctx context.Context, s *models.Store, userID int64, day time.Time) (models.MyShifts, error) {
	var m models.MyShifts
	var err error
	if m.Handover, err = s.OpenHandover(ctx, userID); err != nil {
		return m, err
	}
	if m.Cases, m.CasesTotal, err = s.HandoverBadReviewsFirst(ctx, userID, day, models.HandoverCasesShown); err != nil {
		return m, err
	}
	if m.Notices, err = s.OpenNotices(ctx, userID); err != nil {
		return m, err
	}
	swaps, err := s.ListSwaps(ctx, models.SwapFilter{UserID: userID, OpenOnly: true, Limit: 1 << 20})
	if err != nil {
		return m, err
	}
	for _, r := range swaps {
		if r.ColleagueID == userID && r.Status == models.SwapProposed {
			m.AskedOfMe++
		}
	}
	m.CalendarToken, err = s.CalendarToken(ctx, userID)
	return m, err
}
