package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
	"kefudesk/models/rota"
)

// Adherence: agents a1..a4 with nicks; chats on the first Wednesday. Whoever
// chats on their day off is listed off shift; whoever is rostered and
// silent that day is absent; the manager fines one and excuses another.
func TestAdherenceFromChats(t *testing.T) {
	s, boss, team, g := rotaShop(t)
	ctx := context.Background()
	for _, u := range team {
		f := models.UserForm{ID: u.ID, Version: u.Version, Role: u.Role, Team: u.Team, Nicks: []string{"店:" + u.Username}}
		if _, err := s.UpdateUser(ctx, models.SystemActor, f); err != nil {
			t.Fatal(err)
		}
	}
	// A day of the first week with someone off and at least two on.
	var off, on []models.User
	d := 0
	for ; d < 7; d++ {
		off, on = nil, nil
		for _, u := range team {
			if rota.Working(g.Cell(u.ID, d)) {
				on = append(on, u)
			} else {
				off = append(off, u)
			}
		}
		if len(off) > 0 && len(on) >= 2 {
			break
		}
	}
	if d == 7 {
		t.Fatalf("no day with someone off: %v", g.Rota.Cells)
	}
	ds := g.Rota.Day(d).Format(time.DateOnly)
	// One agent on shift chats inside it, the one off chats too (at
	// 14:00, inside anyone's shift hours but on their day off), and the
	// other agents on shift stay silent.
	var b strings.Builder
	b.WriteString("conversation_id,buyer,agent,sender,sent_at,text\n")
	fmt.Fprintf(&b, "c1,buyer1,店:%s,buyer,%s 14:00:00,在吗\n", on[0].Username, ds)
	fmt.Fprintf(&b, "c1,buyer1,店:%s,agent,%s 14:01:00,亲，在的\n", on[0].Username, ds)
	fmt.Fprintf(&b, "c2,buyer2,店:%s,buyer,%s 14:00:00,发货了吗\n", off[0].Username, ds)
	fmt.Fprintf(&b, "c2,buyer2,店:%s,agent,%s 14:02:00,亲，今天发\n", off[0].Username, ds)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := s.ImportChats(ctx, models.SystemActor, strings.NewReader(b.String()), "a.csv", sh, nil); err != nil {
		t.Fatal(err)
	}
	day := g.Rota.Day(d)
	n, err := s.DetectAdherence(ctx, boss.Actor(""), day, day)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := s.ListAdherence(ctx, models.AdherenceFilter{})
	cases := page.Cases
	got := map[int64]string{}
	for _, c := range cases {
		got[c.UserID] = c.Kind
	}
	if got[off[0].ID] != models.AdherenceOffShift {
		t.Errorf("%s chatted on a day off: %q", off[0].Username, got[off[0].ID])
	}
	if _, ok := got[on[0].ID]; ok {
		t.Errorf("%s worked their shift but is listed", on[0].Username)
	}
	for _, u := range on[1:] {
		if got[u.ID] != models.AdherenceAbsent {
			t.Errorf("%s was rostered and silent: %q", u.Username, got[u.ID])
		}
	}
	if n != len(cases) || n != len(on)-1+1 { // the silent ones and the one off
		t.Fatalf("%d new, %d listed", n, len(cases))
	}
	// Detecting again adds nothing.
	if again, _ := s.DetectAdherence(ctx, boss.Actor(""), day, day); again != 0 {
		t.Fatalf("second run added %d", again)
	}
	c, err := s.DecideAdherence(ctx, boss.Actor(""), cases[0].ID, cases[0].Version, true, "")
	if err != nil || c.Status != models.AdherenceFined || c.FineFen != 5000 {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := s.DecideAdherence(ctx, boss.Actor(""), cases[0].ID, c.Version, false, ""); err == nil {
		t.Fatal("decided twice")
	}
	// Paging one case at a time walks every open case once.
	seen := 0
	f := models.AdherenceFilter{Limit: 1}
	for {
		p, err := s.ListAdherence(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(p.Cases)
		if p.Next.ID == 0 {
			break
		}
		f.Before = models.ParseAdherenceCursor(p.Next.String())
	}
	if seen != len(cases)-1 {
		t.Fatalf("paged %d open cases, want %d", seen, len(cases)-1)
	}
	if fined, _ := s.ListAdherence(ctx, models.AdherenceFilter{Status: models.AdherenceFined}); len(fined.Cases) != 1 {
		t.Fatal("fined case not listed under fined")
	}
}

func TestCalendarFeedAndReset(t *testing.T) {
	s, _, team, g := rotaShop(t)
	ctx := context.Background()
	tok, err := s.CalendarToken(ctx, team[0].ID)
	if err != nil || len(tok) < 32 {
		t.Fatal(tok, err)
	}
	again, _ := s.CalendarToken(ctx, team[0].ID)
	if again != tok {
		t.Fatal("token changes on each read")
	}
	now := rotaMonday.Add(2 * time.Hour)
	feed, err := s.CalendarFeed(ctx, tok, now, func(c string) string { return "班:" + c })
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for d := range g.Days() {
		if rota.Working(g.Cell(team[0].ID, d)) {
			want++
		}
	}
	if got := strings.Count(feed, "BEGIN:VEVENT"); got != want {
		t.Fatalf("%d events, %d shifts", got, want)
	}
	fresh, err := s.ResetCalendarToken(ctx, team[0].Actor(""))
	if err != nil || fresh == tok {
		t.Fatal("reset kept the token")
	}
	if _, err := s.CalendarFeed(ctx, tok, now, func(c string) string { return c }); err == nil {
		t.Fatal("old URL still works")
	}
}

func TestHandoverCarriesOverUntilTicked(t *testing.T) {
	s, boss, team, _ := rotaShop(t)
	ctx := context.Background()
	day := rotaMonday
	_, err := s.AddHandoverItem(ctx, team[0].Actor(""), day, models.HandoverForm{Kind: "refund", OwnerID: team[1].ID, Body: " "})
	if fe, ok := models.AsValidation(err); !ok || !fe.Has("body") {
		t.Fatalf("empty body: %v", err)
	}
	it, err := s.AddHandoverItem(ctx, team[0].Actor(""), day, models.HandoverForm{Kind: "promise", OwnerID: team[1].ID, Ref: "buyer1", Body: "答应今天补发赠品"})
	if err != nil {
		t.Fatal(err)
	}
	open, _ := s.OpenHandover(ctx, team[1].ID)
	if len(open) != 1 || !open[0].CarriedOver(day.AddDate(0, 0, 1)) || open[0].CarriedOver(day) {
		t.Fatalf("%+v", open)
	}
	if _, err := s.TickHandover(ctx, team[2].Actor(""), false, it.ID, it.Version); err == nil {
		t.Fatal("someone else ticked it")
	}
	if all, _ := s.OpenHandover(ctx, 0); len(all) != 1 {
		t.Fatal("manager does not see the open item")
	}
	if _, err := s.TickHandover(ctx, team[1].Actor(""), false, it.ID, it.Version); err != nil {
		t.Fatal(err)
	}
	if open, _ := s.OpenHandover(ctx, 0); len(open) != 0 {
		t.Fatal("ticked item still open")
	}
	_ = boss
}

func TestStaffingPlanUsesRotaAndFormula(t *testing.T) {
	s, boss, _, _ := rotaShop(t)
	ctx := context.Background()
	day := rotaMonday.AddDate(0, 0, 9) // 2026-11-11, in the rota
	sched, err := s.ScheduledByMinute(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	if sched[60] != 0 || sched[15*60] == 0 {
		t.Fatalf("01:00 has %d on, 15:00 has %d", sched[60], sched[15*60])
	}
	p, errs := models.StaffingForm{Interval: "60", OctAvg: "1200", LastD11: "9000", LastOctAvg: "1000", AHT: "300",
		Concurrency: "3", Target: "80", Answer: "300", Shrinkage: "30"}.Parse(day)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	counts := make([]int, 24*60)
	counts[30], counts[15*60] = 1, 1 // half the day's chats at 00:30, half at 15:00
	st := models.WorkOut(p, counts, sched, nil)
	if !st.FormulaOK || st.Total != 10800 || len(st.Intervals) != 24 {
		t.Fatalf("total %v ok %v n %d", st.Total, st.FormulaOK, len(st.Intervals))
	}
	if !st.Intervals[0].NoShift() || st.Intervals[0].Gap() == 0 {
		t.Fatalf("midnight demand with nobody on must stand out: %+v", st.Intervals[0])
	}
	if st.Intervals[3].Chats != 0 || st.Intervals[3].NoShift() {
		t.Fatalf("no demand at 03:00: %+v", st.Intervals[3])
	}
	if err := s.SaveStaffingPlan(ctx, boss.Actor(""), p, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveStaffingPlan(ctx, boss.Actor(""), p, 0); err == nil {
		t.Fatal("stale plan saved")
	}
	saved, ok, _ := s.StaffingPlanFor(ctx, day)
	if !ok || saved.Version != 1 || saved.LastD11 != 9000 {
		t.Fatalf("%+v", saved)
	}
	_, errs = models.StaffingForm{Interval: "20", OctAvg: "x"}.Parse(day)
	if !errs.Has("interval") || !errs.Has("oct_avg") {
		t.Fatal(errs)
	}
}
