package models_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"kefudesk/models"
	"kefudesk/models/rota"
)

var rotaMonday = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func teamUser(t *testing.T, s *models.Store, name string, role models.Role, team models.Team) models.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), models.SystemActor, models.UserForm{Username: name, Role: role, Team: team, Password: "long-enough"})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

// rotaShop is a manager and a presales team of four on a published two-week
// rota from 2026-11-02.
func rotaShop(t *testing.T) (*models.Store, models.User, []models.User, models.RotaGrid) {
	t.Helper()
	s, _ := newStore(t)
	ctx := context.Background()
	boss := teamUser(t, s, "boss", models.RoleManager, models.TeamNone)
	var team []models.User
	for _, n := range []string{"a1", "a2", "a3", "a4"} {
		team = append(team, teamUser(t, s, n, models.RoleAgent, models.TeamPresales))
	}
	g, err := s.GenerateRota(ctx, boss.Actor(""), rotaMonday, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range g.Weeks {
		if err := s.PublishWeek(ctx, boss.Actor(""), w.WeekStart, w.Version); err != nil {
			t.Fatal(err)
		}
	}
	g, err = s.LoadRota(ctx, rotaMonday, 2)
	if err != nil {
		t.Fatal(err)
	}
	return s, boss, team, g
}

func TestGeneratedRotaIsStoredAndClean(t *testing.T) {
	s, boss, team, g := rotaShop(t)
	if len(g.Violations) != 0 {
		t.Fatalf("violations: %+v", g.Violations)
	}
	for _, w := range g.Weeks {
		if w.Status != models.RotaPublished {
			t.Fatalf("week %v is %s", w.WeekStart, w.Status)
		}
	}
	var rows int64
	s.DB().Table("shift_assignments").Count(&rows)
	if rows != 4*14 {
		t.Fatalf("%d cells stored", rows)
	}
	// A published week is never regenerated.
	_, err := s.GenerateRota(context.Background(), boss.Actor(""), rotaMonday, 1)
	if fe, ok := models.AsValidation(err); !ok || !fe.Has("start") {
		t.Fatalf("regenerating a published week: %v", err)
	}
	// The next generation continues the weekly alternation.
	g3, err := s.GenerateRota(context.Background(), boss.Actor(""), rotaMonday.AddDate(0, 0, 14), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range team {
		if first(g3.Rota.Cells[u.ID][:7]) == first(g.Rota.Cells[u.ID][7:14]) {
			t.Fatalf("%s works %s two weeks running", u.Username, first(g3.Rota.Cells[u.ID][:7]))
		}
	}
}

func hasRule(vs []rota.Violation, rule string) bool {
	for _, v := range vs {
		if v.Rule == rule {
			return true
		}
	}
	return false
}

func first(cells []string) string {
	for _, c := range cells {
		if rota.Working(c) {
			return c
		}
	}
	return ""
}

// dayWhere finds a day index where agent a's and b's cells satisfy ok.
func dayWhere(t *testing.T, g models.RotaGrid, a, b int64, ok func(x, y string) bool) int {
	t.Helper()
	for d := range g.Days() {
		if ok(g.Cell(a, d), g.Cell(b, d)) {
			return d
		}
	}
	t.Fatal("no such day")
	return -1
}

func TestManagerEditBreakingARuleNeedsOverride(t *testing.T) {
	s, boss, team, g := rotaShop(t)
	ctx := context.Background()
	a := team[0].ID
	// Put a late shift the day before one of a's early shifts, with a
	// minimum rest of 12 h: the rest rule breaks.
	if _, err := s.SaveSettings(ctx, boss.Actor(""), 1, map[string]string{models.SettingShiftMinRestHours: "12"}); err != nil {
		t.Fatal(err)
	}
	d := -1
	for i := 1; i < g.Days(); i++ {
		if g.Cell(a, i) == "early" && g.Cell(a, i-1) != "late" {
			d = i - 1
			break
		}
	}
	if d < 0 {
		t.Fatal("no early shift after a day that is not late")
	}
	day := g.Rota.Day(d)
	_, err := s.SetShift(ctx, boss.Actor(""), a, day, "late", g.Versions[a][d], false)
	var re *models.RuleError
	if !errors.As(err, &re) || !hasRule(re.Violations, rota.RuleMinRest) {
		t.Fatalf("want a min-rest rule error, got %v", err)
	}
	again, _ := s.LoadRota(ctx, rotaMonday, 2)
	if again.Cell(a, d) != g.Cell(a, d) {
		t.Fatal("a refused edit was saved")
	}
	if _, err := s.SetShift(ctx, boss.Actor(""), a, day, "late", g.Versions[a][d], true); err != nil {
		t.Fatal(err)
	}
	again, _ = s.LoadRota(ctx, rotaMonday, 2)
	if again.Cell(a, d) != "late" || len(again.Violations) == 0 {
		t.Fatalf("override not saved or its violation not listed: %q %v", again.Cell(a, d), again.Violations)
	}
	// A stale version is refused.
	_, err = s.SetShift(ctx, boss.Actor(""), a, day, "", g.Versions[a][d], true)
	if _, ok := models.AsConflict(err); !ok {
		t.Fatalf("stale edit: %v", err)
	}
	notes, _ := s.OpenNotices(ctx, a)
	if len(notes) != 1 || notes[0].NewShift != "late" || notes[0].Cause != models.CauseEdit {
		t.Fatalf("notices %+v", notes)
	}
	if n, err := s.AcknowledgeNotices(ctx, team[0].Actor("")); err != nil || n != 1 {
		t.Fatalf("ack %d %v", n, err)
	}
	if notes, _ := s.OpenNotices(ctx, 0); len(notes) != 0 {
		t.Fatalf("still open: %+v", notes)
	}
}

func TestSwapStateMachine(t *testing.T) {
	s, boss, team, g := rotaShop(t)
	ctx := context.Background()
	today := rotaMonday.AddDate(0, 0, -1)
	// Two agents of the team on different shifts the same day.
	var a, b models.User
	d := -1
	for _, x := range team {
		for _, y := range team {
			if x.ID != y.ID && d < 0 {
				for i := 2; i < 12; i++ {
					if g.Cell(x.ID, i) == "early" && g.Cell(y.ID, i) == "late" {
						a, b, d = x, y, i
						break
					}
				}
			}
		}
	}
	if d < 0 {
		t.Fatal("no early/late pair")
	}
	day := models.Monday(g.Rota.Day(d)).AddDate(0, 0, (d % 7))
	r, err := s.ProposeSwap(ctx, a.Actor(""), false, models.SwapForm{Kind: models.SwapExchange, ColleagueID: b.ID, Days: []string{day.Format(time.DateOnly)}}, today)
	if err != nil {
		var re *models.RuleError
		if errors.As(err, &re) {
			t.Fatalf("swap refused: %+v", re.Violations)
		}
		t.Fatal(err)
	}
	if r.Status != models.SwapProposed {
		t.Fatal(r.Status)
	}
	// The manager cannot approve before the colleague accepts.
	if _, err := s.DecideSwap(ctx, boss.Actor(""), r.ID, r.Version, true, []string{day.Format(time.DateOnly)}); err == nil {
		t.Fatal("approved a proposed swap")
	}
	// Only the colleague answers.
	if err := s.RespondSwap(ctx, a.Actor(""), r.ID, r.Version, true); !errors.Is(err, models.ErrNotYours) {
		t.Fatalf("requester accepted own swap: %v", err)
	}
	if err := s.RespondSwap(ctx, b.Actor(""), r.ID, r.Version, true); err != nil {
		t.Fatal(err)
	}
	if err := s.RespondSwap(ctx, b.Actor(""), r.ID, r.Version, true); err == nil {
		t.Fatal("stale second accept went through")
	}
	// Until approval the requester keeps the shift.
	mid, _ := s.LoadRota(ctx, rotaMonday, 2)
	if mid.Cell(a.ID, d) != "early" {
		t.Fatal("rota changed before approval")
	}
	r, _ = s.SwapByID(ctx, r.ID)
	if _, err := s.DecideSwap(ctx, boss.Actor(""), r.ID, r.Version, true, []string{day.Format(time.DateOnly)}); err != nil {
		t.Fatal(err)
	}
	after, _ := s.LoadRota(ctx, rotaMonday, 2)
	if after.Cell(a.ID, d) != "late" || after.Cell(b.ID, d) != "early" {
		t.Fatalf("after approval a=%q b=%q", after.Cell(a.ID, d), after.Cell(b.ID, d))
	}
	r, _ = s.SwapByID(ctx, r.ID)
	if r.Status != models.SwapApproved || r.Days[0].Approved == nil || !*r.Days[0].Approved {
		t.Fatalf("%+v", r)
	}
	for _, u := range []models.User{a, b} {
		if n, _ := s.OpenNotices(ctx, u.ID); len(n) != 1 || n[0].Cause != models.CauseSwap {
			t.Fatalf("%s notices %+v", u.Username, n)
		}
	}
	var audits int64
	s.DB().Table("audit_log").Where("entity = 'swap' AND entity_id = ?", fmt.Sprint(r.ID)).Count(&audits)
	if audits != 3 {
		t.Fatalf("%d audit rows for the swap", audits)
	}
}

// A give-away of two days approved for one: only that day changes; and a
// day whose approval would now break a rule is refused at approval, after
// passing at request time.
func TestSwapPartialApprovalAndRecheck(t *testing.T) {
	s, boss, team, g := rotaShop(t)
	ctx := context.Background()
	today := rotaMonday.AddDate(0, 0, -1)
	// A give-away adds a shift to the colleague's week: allow the hours.
	if _, err := s.SaveSettings(ctx, boss.Actor(""), 1, map[string]string{models.SettingShiftMaxWeekHours: "70"}); err != nil {
		t.Fatal(err)
	}
	// Find two days a gives to b that pass every rule; the rest-day rule
	// refuses many pairs, which is what checking at request time is for.
	var a, b models.User
	var days []int
	var r models.SwapRequest
	refused := 0
search:
	for _, x := range team {
		for _, y := range team {
			for i := 0; i < 14 && x.ID != y.ID; i++ {
				for j := i + 1; j < 14; j++ {
					if !rota.Working(g.Cell(x.ID, i)) || g.Cell(y.ID, i) != rota.Rest || !rota.Working(g.Cell(x.ID, j)) || g.Cell(y.ID, j) != rota.Rest {
						continue
					}
					ds := []string{g.Rota.Day(i).Format(time.DateOnly), g.Rota.Day(j).Format(time.DateOnly)}
					got, err := s.ProposeSwap(ctx, boss.Actor(""), true, models.SwapForm{Kind: models.SwapGiveaway, RequesterID: x.ID, ColleagueID: y.ID, Days: ds}, today)
					var re *models.RuleError
					if errors.As(err, &re) {
						refused++
						continue
					}
					if err != nil {
						t.Fatal(err)
					}
					a, b, days, r = x, y, []int{i, j}, got
					break search
				}
			}
		}
	}
	if days == nil {
		t.Fatalf("every give-away refused (%d)", refused)
	}
	var n int64
	s.DB().Table("swap_requests").Count(&n)
	if n != 1 {
		t.Fatalf("%d requests stored: refused ones must store nothing", n)
	}
	ds := []string{g.Rota.Day(days[0]).Format(time.DateOnly), g.Rota.Day(days[1]).Format(time.DateOnly)}
	if r.Status != models.SwapAccepted {
		t.Fatalf("manager's swap on someone's behalf is %s", r.Status)
	}
	// The manager puts the colleague on the second day meanwhile: a
	// give-away to someone already working is refused at approval.
	_, err := s.SetShift(ctx, boss.Actor(""), b.ID, g.Rota.Day(days[1]), g.Cell(a.ID, days[1]), g.Versions[b.ID][days[1]], true)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.DecideSwap(ctx, boss.Actor(""), r.ID, r.Version, true, ds)
	if fe, ok := models.AsValidation(err); !ok || !fe.Has("days") {
		t.Fatalf("approval of a day the colleague now works: %v", err)
	}
	if _, err := s.DecideSwap(ctx, boss.Actor(""), r.ID, r.Version, true, ds[:1]); err != nil {
		t.Fatal(err)
	}
	after, _ := s.LoadRota(ctx, rotaMonday, 2)
	if after.Cell(a.ID, days[0]) != rota.Rest || after.Cell(b.ID, days[0]) != g.Cell(a.ID, days[0]) {
		t.Fatal("approved day not given away")
	}
	if after.Cell(a.ID, days[1]) != g.Cell(a.ID, days[1]) {
		t.Fatal("unapproved day changed")
	}
	r, _ = s.SwapByID(ctx, r.ID)
	if r.Status != models.SwapPartly {
		t.Fatal(r.Status)
	}
}

func TestLeaveApprovalMarksTheRota(t *testing.T) {
	s, boss, team, _ := rotaShop(t)
	ctx := context.Background()
	today := rotaMonday.AddDate(0, 0, -3)
	_, err := s.RequestLeave(ctx, team[1].Actor(""), models.LeaveForm{First: "2026-11-05", Last: "2026-11-04", Reason: "x"}, today)
	if fe, ok := models.AsValidation(err); !ok || !fe.Has("last") {
		t.Fatalf("dates out of order: %v", err)
	}
	l, err := s.RequestLeave(ctx, team[1].Actor(""), models.LeaveForm{First: "2026-11-04", Last: "2026-11-05", Reason: "家里有事"}, today)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideLeave(ctx, boss.Actor(""), l.ID, l.Version, true); err != nil {
		t.Fatal(err)
	}
	g, _ := s.LoadRota(ctx, rotaMonday, 2)
	if g.Cell(team[1].ID, 2) != rota.Leave || g.Cell(team[1].ID, 3) != rota.Leave {
		t.Fatalf("leave not on the rota: %v", g.Rota.Cells[team[1].ID][:5])
	}
	if _, err := s.DecideLeave(ctx, boss.Actor(""), l.ID, l.Version+1, false); err == nil {
		t.Fatal("decided twice")
	}
}

// The handover's owner is whoever takes over: at the end of an early shift
// the late shift already on duty, not tomorrow's early one; off duty after
// everyone has left, the first shift that comes in.
func TestHandoverTakersFollowTheRota(t *testing.T) {
	s, _, _, _ := rotaShop(t)
	ctx := context.Background()
	settings, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for d := 0; d < 14; d++ {
		day := rotaMonday.AddDate(0, 0, d)
		cells, err := s.PublishedShifts(ctx, 0, day, 2)
		if err != nil {
			t.Fatal(err)
		}
		var early, late []models.ShiftDay
		var tomorrowFirst time.Time
		for _, c := range cells {
			switch {
			case !c.Working() || c.Start.IsZero():
			case c.Day.Equal(day) && c.Shift == "early":
				early = append(early, c)
			case c.Day.Equal(day) && c.Shift == "late":
				late = append(late, c)
			}
		}
		if len(early) == 0 || len(late) == 0 {
			continue
		}
		e := early[0]
		for _, c := range cells {
			if !c.Day.Equal(day) && c.Working() && !c.Start.IsZero() && c.UserID != e.UserID && (tomorrowFirst.IsZero() || c.Start.Before(tomorrowFirst)) {
				tomorrowFirst = c.Start
			}
		}
		lateSet, tomorrowSet := map[int64]bool{}, map[int64]bool{}
		for _, l := range late {
			lateSet[l.UserID] = true
		}
		for _, c := range cells {
			if !c.Day.Equal(day) && c.Working() && c.Start.Equal(tomorrowFirst) && c.UserID != e.UserID {
				tomorrowSet[c.UserID] = true
			}
		}
		// A day where the two answers differ tells them apart.
		if tomorrowFirst.IsZero() || maps.Equal(lateSet, tomorrowSet) {
			continue
		}
		got, err := s.HandoverTakers(ctx, settings, e.UserID, e.End.Add(-15*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, lateSet) {
			t.Fatalf("%s, 15 minutes before the early shift ends: takers %v, want the late shift %v", day.Format(time.DateOnly), got, lateSet)
		}
		// After the late shift has gone home: tomorrow's first shift.
		got, err = s.HandoverTakers(ctx, settings, e.UserID, late[0].End.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, tomorrowSet) {
			t.Fatalf("%s, after hours: takers %v, want tomorrow's first shift %v", day.Format(time.DateOnly), got, tomorrowSet)
		}
		return
	}
	t.Fatal("no day with both an early and a late shift and a shift the next day")
}
