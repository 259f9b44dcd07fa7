package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kefudesk/models"
	"kefudesk/models/rota"
)

// The test server's clock is 2026-11-11 10:00 in Shanghai (a Wednesday).
var shiftWeek = time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)

type shiftShop struct {
	*app
	agents []models.User
	grid   models.RotaGrid
}

// newShiftShop adds a presales team of four to the app and publishes two
// generated weeks from 2026-11-09.
func newShiftShop(t *testing.T) *shiftShop {
	t.Helper()
	a := newApp(t)
	ctx := context.Background()
	s := &shiftShop{app: a}
	for _, n := range []string{"mei", "hua", "qing", "peng"} {
		u, err := a.store.CreateUser(ctx, models.SystemActor, models.UserForm{Username: n, DisplayName: "客服" + n, Role: models.RoleAgent,
			Team: models.TeamPresales, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		s.agents = append(s.agents, u)
	}
	boss := a.users[models.RoleManager].Actor("")
	g, err := a.store.GenerateRota(ctx, boss, shiftWeek, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range g.Weeks {
		if err := a.store.PublishWeek(ctx, boss, w.WeekStart, w.Version); err != nil {
			t.Fatal(err)
		}
	}
	s.grid, _ = a.store.LoadRota(ctx, shiftWeek, 2)
	return s
}

func (a *app) loginName(name string) *client {
	c := a.client()
	res := c.postForm("/login", url.Values{"username": {name}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("login as %s: %d", name, res.StatusCode)
	}
	return c
}

func pagesByRole(t *testing.T, s *shiftShop) {
	mgr := s.loginAs(models.RoleManager)
	res := mgr.get("/shifts?start=2026-11-09&weeks=2")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("rota: %d", res.StatusCode)
	}
	d := res.doc(t)
	if n := d.Find(`[data-testid=cell]`).Length(); n != 4*14 {
		t.Errorf("%d cells, want 56", n)
	}
	if got := d.Find(`[data-testid=week-status]`).First().Text(); !strings.Contains(got, "已发布") {
		t.Errorf("week status %q", got)
	}
	if res := s.loginAs(models.RoleAdmin).get("/shifts/team"); res.StatusCode != http.StatusForbidden {
		t.Errorf("admin on team view: %d", res.StatusCode)
	}
	// A draft week stays invisible to agents.
	if _, err := s.store.GenerateRota(context.Background(), s.users[models.RoleManager].Actor(""), shiftWeek.AddDate(0, 0, 14), 1); err != nil {
		t.Fatal(err)
	}
	agent := s.loginName("mei")
	me := agent.get("/shifts/me").doc(t)
	days := me.Find(`[data-testid=my-day]`)
	// From Wednesday 11-11 to the end of the published weeks: 12 days.
	if days.Length() != 12 {
		t.Errorf("agent sees %d days, want 12 (drafts hidden)", days.Length())
	}
	if !days.First().HasClass("today") {
		t.Error("today is not highlighted")
	}
	team := agent.get("/shifts/team?week=2026-11-23").doc(t)
	if n := team.Find(`[data-testid=team-week] td.sh-t0, [data-testid=team-week] td.sh-t1`).Length(); n != 0 {
		t.Errorf("draft week shows %d shifts to agents", n)
	}
	now := agent.get("/shifts/team").doc(t)
	if now.Find(`[data-testid=on-now] li`).Length() == 0 {
		t.Error("nobody on now at 10:00 on a Wednesday")
	}
}

func TestRotaCellEditWithHTMX(t *testing.T) {
	s := newShiftShop(t)
	mgr := s.loginAs(models.RoleManager)
	mgr.get("/shifts")
	// Find an early shift after a day that is not late, under a 12 h minimum
	// rest: making that day late breaks the rule.
	if _, err := s.store.SaveSettings(context.Background(), s.users[models.RoleAdmin].Actor(""), 1, map[string]string{models.SettingShiftMinRestHours: "12"}); err != nil {
		t.Fatal(err)
	}
	var who models.User
	day := -1
	for _, u := range s.agents {
		for i := 1; i < 14 && day < 0; i++ {
			if s.grid.Cell(u.ID, i) == "early" && s.grid.Cell(u.ID, i-1) != "late" {
				who, day = u, i-1
			}
		}
	}
	form := url.Values{"user": {itoa(who.ID)}, "day": {s.grid.Rota.Day(day).Format(time.DateOnly)}, "shift": {"late"},
		"version": {itoa(int64(s.grid.Versions[who.ID][day]))}, "start": {"2026-11-09"}, "weeks": {"2"}}
	res := mgr.postForm("/shifts/cell", form, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("rule-breaking edit: %d %s", res.StatusCode, res.Body)
	}
	d := res.doc(t)
	if d.Find(`[data-testid=cell-broken]`).Length() != 1 || d.Find(`[data-testid=override]`).Length() != 1 {
		t.Fatalf("no broken-rule message with a save-anyway button: %s", res.Body)
	}
	if !strings.Contains(d.Find(`[data-testid=cell-broken]`).Text(), "只休息") {
		t.Errorf("message %q", d.Find(`[data-testid=cell-broken]`).Text())
	}
	g, _ := s.store.LoadRota(context.Background(), shiftWeek, 2)
	if g.Cell(who.ID, day) == "late" {
		t.Fatal("refused edit saved")
	}
	form.Set("override", "1")
	res = mgr.postForm("/shifts/cell", form, "HX-Request", "true")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("override: %d %s", res.StatusCode, res.Body)
	}
	d = res.doc(t)
	if !strings.HasPrefix(strings.TrimSpace(res.Body), "<td") {
		t.Errorf("HTMX answer is not just the cell: %.80s", res.Body)
	}
	if oob, _ := d.Find(`#rota-rules`).Attr("hx-swap-oob"); oob != "true" {
		t.Error("rule panel not sent out of band")
	}
	if d.Find(`[data-testid=violation]`).Length() == 0 {
		t.Error("the broken rule is not listed after saving anyway")
	}
	if got := d.Find(`select[name=shift] option[selected]`).AttrOr("value", ""); got != "late" {
		t.Errorf("cell shows %q", got)
	}
	// The same version again is stale: 409 with who changed it.
	res = mgr.postForm("/shifts/cell", form, "HX-Request", "true")
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "用户manager") {
		t.Errorf("stale edit: %d %s", res.StatusCode, res.Body)
	}
	// The agent is told.
	if n := s.loginName(who.Username).get("/shifts/me").doc(t).Find(`[data-testid=my-notices] li`).Length(); n != 1 {
		t.Errorf("agent sees %d change notices", n)
	}
}

// findPair returns two agents on different shifts on one day from d0 on.
func (s *shiftShop) findPair(t *testing.T, d0 int) (models.User, models.User, int) {
	t.Helper()
	for _, a := range s.agents {
		for _, b := range s.agents {
			for d := d0; d < 14; d++ {
				if a.ID != b.ID && s.grid.Cell(a.ID, d) == "early" && s.grid.Cell(b.ID, d) == "late" {
					return a, b, d
				}
			}
		}
	}
	t.Fatal("no pair")
	return models.User{}, models.User{}, 0
}

func TestSwapThroughThePages(t *testing.T) {
	s := newShiftShop(t)
	a, b, d := s.findPair(t, 3) // from Thursday 11-12 on (today is Wednesday)
	day := s.grid.Rota.Day(d).Format(time.DateOnly)
	ca := s.loginName(a.Username)
	ca.get("/shifts/swaps")
	// A swap with oneself is refused next to the field, input kept.
	res := ca.postForm("/shifts/swaps", url.Values{"kind": {"swap"}, "colleague": {itoa(a.ID)}, "day": {day}, "note": {"想换"}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find(`[data-testid=error-colleague]`).Length() != 1 {
		t.Fatalf("self swap: %d", res.StatusCode)
	}
	if v, _ := res.doc(t).Find(`input[name=day][value="` + day + `"]`).Attr("checked"); v == "" && !res.doc(t).Find(`input[name=day][value="`+day+`"]`).Is("[checked]") {
		t.Error("chosen day not kept")
	}
	res = ca.postForm("/shifts/swaps", url.Values{"kind": {"swap"}, "colleague": {itoa(b.ID)}, "day": {day}, "note": {"想换"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("propose: %d %s", res.StatusCode, res.Body)
	}
	reqs, _ := s.store.ListSwaps(context.Background(), models.SwapFilter{})
	r := reqs[0]
	cb := s.loginName(b.Username)
	page := cb.get("/shifts/swaps").doc(t)
	if page.Find(`[data-testid=accept]`).Length() != 1 {
		t.Fatal("colleague has no accept button")
	}
	if res := cb.postForm("/shifts/swaps/"+itoa(r.ID)+"/respond", url.Values{"version": {"1"}, "accept": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.StatusCode)
	}
	mgr := s.loginAs(models.RoleManager)
	page = mgr.get("/shifts/swaps").doc(t)
	if page.Find(`[data-testid=swap-check-ok]`).Length() != 1 {
		t.Fatalf("manager does not see the check result: %s", page.Find(`[data-testid=swap]`).Text())
	}
	g, _ := s.store.LoadRota(context.Background(), shiftWeek, 2)
	if g.Cell(a.ID, d) != "early" {
		t.Fatal("rota changed before approval")
	}
	res = mgr.postForm("/shifts/swaps/"+itoa(r.ID)+"/decide", url.Values{"version": {"2"}, "approve": {"1"}, "day": {day}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", res.StatusCode, res.Body)
	}
	g, _ = s.store.LoadRota(context.Background(), shiftWeek, 2)
	if g.Cell(a.ID, d) != "late" || g.Cell(b.ID, d) != "early" {
		t.Fatalf("after approval %q %q", g.Cell(a.ID, d), g.Cell(b.ID, d))
	}
	for _, c := range []*client{ca, cb} {
		if c.get("/shifts/me").doc(t).Find(`[data-testid=my-notices]`).Length() != 1 {
			t.Error("a side of the swap is not told")
		}
	}
}

func leaveFormKeepsInput(t *testing.T, s *shiftShop) {
	c := s.loginName("mei")
	c.get("/shifts/leave")
	res := c.postForm("/shifts/leave", url.Values{"first": {"2026-11-20"}, "last": {"2026-11-18"}, "reason": {"看病"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("%d", res.StatusCode)
	}
	d := res.doc(t)
	if d.Find(`[data-testid=error-last]`).Length() != 1 || d.Find(`#reason`).AttrOr("value", "") != "看病" {
		t.Fatal("error not next to the field or input lost")
	}
	var n int64
	s.store.DB().Table("leave_requests").Count(&n)
	if n != 0 {
		t.Fatal("half-written request")
	}
	if res := c.postForm("/shifts/leave", url.Values{"first": {"2026-11-20"}, "last": {"2026-11-20"}, "reason": {"看病"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%d", res.StatusCode)
	}
	mgr := s.loginAs(models.RoleManager)
	page := mgr.get("/shifts/leave").doc(t)
	if page.Find(`[data-testid=leave-row] button[name=approve]`).Length() != 2 {
		t.Fatal("manager has no decision buttons")
	}
	// Only the asker withdraws, and only while pending.
	mine := c.get("/shifts/leave").doc(t)
	action := mine.Find(`[data-testid=leave-row] form`).AttrOr("action", "")
	if action == "" {
		t.Fatal("no withdraw button on the agent's pending request")
	}
	if res := s.loginName("hua").postForm(action, url.Values{"version": {"1"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("someone else withdrew it: %d", res.StatusCode)
	}
	if res := c.postForm(action, url.Values{"version": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}
	var status string
	s.store.DB().Raw(`SELECT status FROM leave_requests`).Scan(&status)
	if status != models.LeaveCancelled {
		t.Fatalf("status %q", status)
	}
}

func calendarFeedURL(t *testing.T, s *shiftShop) {
	c := s.loginName("hua")
	feedURL := c.get("/shifts/me").doc(t).Find(`[data-testid=calendar-url]`).AttrOr("value", "")
	u, err := url.Parse(feedURL)
	if err != nil || !strings.HasSuffix(u.Path, ".ics") {
		t.Fatalf("feed url %q", feedURL)
	}
	anon := s.client()
	res := anon.get(u.Path)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	want := 0
	for d := range 14 {
		if rota.Working(s.grid.Cell(s.agents[1].ID, d)) {
			want++
		}
	}
	if got := strings.Count(res.Body, "BEGIN:VEVENT"); got != want {
		t.Errorf("%d events, %d shifts", got, want)
	}
	c.postForm("/shifts/calendar/reset", url.Values{})
	if res := anon.get(u.Path); res.StatusCode != http.StatusNotFound {
		t.Errorf("old feed after reset: %d", res.StatusCode)
	}
}

func staffingScenarioDoesNotSave(t *testing.T, s *shiftShop) {
	mgr := s.loginAs(models.RoleManager)
	d := mgr.get("/shifts/staffing?day=2026-11-11").doc(t)
	if d.Find(`[data-testid=chart]`).Length() != 1 || !strings.Contains(d.Find(`[data-testid=formula]`).Text(), "Pw") {
		t.Fatal("no chart or formula")
	}
	q := url.Values{"day": {"2026-11-11"}, "scenario": {"1"}, "interval": {"60"}, "oct_avg": {"1200"}, "last_d11": {"9000"},
		"last_oct_avg": {"1000"}, "override": {""}, "aht": {"300"}, "concurrency": {"3"}, "target": {"80"}, "answer": {"300"}, "shrinkage": {"30"}}
	d = mgr.get("/shifts/staffing?" + q.Encode()).doc(t)
	if d.Find(`[data-testid=scenario]`).Length() != 1 || !strings.Contains(d.Find(`[data-testid=formula]`).Text(), "10800") {
		t.Fatalf("scenario: %s", d.Find(`[data-testid=formula]`).Text())
	}
	if d.Find(`[data-testid=intervals] tbody tr`).Length() != 24 {
		t.Error("60-minute intervals")
	}
	var n int64
	s.store.DB().Table("staffing_plans").Count(&n)
	if n != 0 {
		t.Fatal("a scenario was saved")
	}
	q.Set("aht", "abc")
	q.Set("version", "0")
	res := mgr.postForm("/shifts/staffing", q)
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find(`#aht`).AttrOr("value", "") != "abc" {
		t.Fatalf("bad input: %d", res.StatusCode)
	}
	q.Set("aht", "300")
	if res := mgr.postForm("/shifts/staffing", q); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, res.Body)
	}
	s.store.DB().Table("staffing_plans").Count(&n)
	if n != 1 {
		t.Fatal("plan not saved")
	}
}

func handoverOnTheIncomingTodayPage(t *testing.T, s *shiftShop) {
	out := s.loginName("mei")
	// At 10:00 on Wednesday 11-11 the next shift is the late one: its people
	// are offered first as owners (not the writer, if she is on it).
	next := out.get("/shifts/handover").doc(t).Find(`[data-testid=owner-next] option`)
	var late []string
	for _, u := range s.agents {
		if s.grid.Cell(u.ID, 2) == "late" && u.Username != "mei" {
			late = append(late, itoa(u.ID))
		}
	}
	var offered []string
	next.Each(func(_ int, o *goquery.Selection) { offered = append(offered, o.AttrOr("value", "")) })
	slices.Sort(late)
	slices.Sort(offered)
	if len(late) == 0 || !slices.Equal(late, offered) {
		t.Errorf("next-shift owners offered %v, the late shift is %v", offered, late)
	}
	res := out.postForm("/shifts/handover", url.Values{"kind": {"refund"}, "owner": {itoa(s.agents[1].ID)}, "ref": {"4012"}, "body": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find(`[data-testid=error-body]`).Length() != 1 {
		t.Fatalf("empty body: %d", res.StatusCode)
	}
	res = out.postForm("/shifts/handover", url.Values{"kind": {"refund"}, "owner": {itoa(s.agents[1].ID)}, "ref": {"4012"}, "body": {"等财务打款"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%d", res.StatusCode)
	}
	in := s.loginName("hua")
	today := in.get("/").doc(t)
	items := today.Find(`[data-testid=handover-waiting] [data-testid=handover-item]`)
	if items.Length() != 1 || !strings.Contains(items.Text(), "等财务打款") {
		t.Fatal("handover not on the incoming today page")
	}
	action := items.Find("form").AttrOr("action", "")
	res = in.postForm(action, url.Values{"version": {"1"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "已完成") {
		t.Fatalf("tick: %d %s", res.StatusCode, res.Body)
	}
	if in.get("/").doc(t).Find(`[data-testid=handover-waiting]`).Length() != 0 {
		t.Error("ticked item still waiting")
	}
	// Someone else cannot tick an item that is not theirs.
	if res := out.postForm(action, url.Values{"version": {"2"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("other's tick: %d", res.StatusCode)
	}
}

// The read-mostly scenarios share one shop (each app costs a database and
// password hashes): pages by role, the leave form, the calendar feed.
func TestShiftPagesLeaveAndCalendar(t *testing.T) {
	s := newShiftShop(t)
	t.Run("pages by role", func(t *testing.T) { pagesByRole(t, s) })
	t.Run("leave form", func(t *testing.T) { leaveFormKeepsInput(t, s) })
	t.Run("calendar feed", func(t *testing.T) { calendarFeedURL(t, s) })
}

// Staffing and handover touch different tables: one shop for both.
func TestStaffingAndHandover(t *testing.T) {
	s := newShiftShop(t)
	t.Run("staffing scenario", func(t *testing.T) { staffingScenarioDoesNotSave(t, s) })
	t.Run("handover", func(t *testing.T) { handoverOnTheIncomingTodayPage(t, s) })
}

// The staffing page closes its gaps: someone off that day is put on a
// shift (rules checked: a late-then-early with too little rest is refused
// and said), and a temporary agent is added and scheduled in one step.
func TestStaffingCoversGapsAndAddsTemporaryStaff(t *testing.T) {
	s := newShiftShop(t)
	ctx := context.Background()
	mgr := s.loginAs(models.RoleManager)
	dayOf := func(d int) string { return s.grid.Rota.Day(d).Format(time.DateOnly) }
	// A day someone is off and was not late the day before: early fits.
	var put models.User
	d := 1
	for ; d < 14 && put.ID == 0; d++ {
		for _, u := range s.agents {
			if s.grid.Cell(u.ID, d) == "" && s.grid.Cell(u.ID, d-1) != "late" {
				put = u
				break
			}
		}
	}
	if put.ID == 0 {
		t.Fatal("nobody off who was not late the day before")
	}
	d--
	day := dayOf(d)
	var off int
	for _, u := range s.agents {
		if s.grid.Cell(u.ID, d) == "" {
			off++
		}
	}
	if got := mgr.get("/shifts/staffing?day=" + day).doc(t).Find(`[data-testid=cover-list] tbody tr`).Length(); got != off {
		t.Fatalf("cover list has %d people, the rota has %d off on %s", got, off, day)
	}
	{
		res := mgr.postForm("/shifts/staffing/cover", url.Values{"day": {day}, "user": {itoa(put.ID)}, "shift": {"early"}, "version": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("cover: %d %s", res.StatusCode, res.Body)
		}
		g, _ := s.store.LoadRota(ctx, shiftWeek, 2)
		if g.Cell(put.ID, d) != "early" {
			t.Errorf("the cell is %q after covering", g.Cell(put.ID, d))
		}
		if flash := mgr.get("/shifts/staffing?day=" + day).doc(t).Find(`[data-testid=flash]`).Text(); !strings.Contains(flash, "已排班") {
			t.Errorf("flash after covering: %q", flash)
		}
	}
	// Someone late one day put on early the next: 11 hours of rest, under a
	// shop minimum of 12.
	st, _ := s.store.Settings(ctx)
	if _, err := s.store.SaveSettings(ctx, s.users[models.RoleAdmin].Actor(""), st.Version, map[string]string{models.SettingShiftMinRestHours: "12"}); err != nil {
		t.Fatal(err)
	}
	g, _ := s.store.LoadRota(ctx, shiftWeek, 2)
	refused := false
	for d2 := 1; d2 < 14 && !refused; d2++ {
		for _, u := range s.agents {
			if g.Cell(u.ID, d2-1) != "late" || g.Cell(u.ID, d2) == "early" {
				continue
			}
			var version int
			s.store.DB().Raw(`SELECT version FROM shift_assignments WHERE user_id = ? AND day = ?`, u.ID, dayOf(d2)).Scan(&version)
			res := mgr.postForm("/shifts/staffing/cover", url.Values{"day": {dayOf(d2)}, "user": {itoa(u.ID)}, "shift": {"early"}, "version": {itoa(int64(version))}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("refused cover: %d", res.StatusCode)
			}
			if g2, _ := s.store.LoadRota(ctx, shiftWeek, 2); g2.Cell(u.ID, d2) == "early" {
				t.Error("a cover breaking the rest rule was saved")
			}
			if flash := mgr.get("/shifts/staffing?day=" + dayOf(d2)).doc(t).Find(`[data-testid=flash]`).Text(); !strings.Contains(flash, "没有排班") {
				t.Errorf("refusal not said: %q", flash)
			}
			refused = true
			break
		}
	}
	if !refused {
		t.Fatal("nobody late one day and not early the next to try")
	}

	// Temporary staff: a missing name is shown at the field, the choices kept.
	day = "2026-11-11"
	res := mgr.postForm("/shifts/staffing/temp", url.Values{"day": {day}, "temp_name": {" "}, "temp_team": {"aftersales"}, "temp_shift": {"late"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty name: %d", res.StatusCode)
	}
	doc := res.doc(t)
	if doc.Find(`[data-testid=error-temp_name]`).Length() != 1 || doc.Find(`#temp_team option[selected]`).AttrOr("value", "") != "aftersales" {
		t.Error("the error is not at the field or the team was not kept")
	}
	var users int64
	s.store.DB().Table("users").Where("username LIKE 'temp%'").Count(&users)
	if users != 0 {
		t.Fatal("a refused temporary agent was created")
	}
	res = mgr.postForm("/shifts/staffing/temp", url.Values{"day": {day}, "temp_name": {"临时小王"}, "temp_team": {"aftersales"}, "temp_shift": {"late"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("temp: %d %s", res.StatusCode, res.Body)
	}
	var temp models.User
	if err := s.store.DB().Raw(`SELECT * FROM users WHERE username = 'temp2026111101'`).Scan(&temp).Error; err != nil || temp.ID == 0 {
		t.Fatalf("no temporary agent: %v", err)
	}
	if temp.DisplayName != "临时小王" || temp.Role != models.RoleAgent || temp.Team != models.TeamAftersales {
		t.Errorf("temporary agent %+v", temp)
	}
	var shift string
	s.store.DB().Raw(`SELECT shift FROM shift_assignments WHERE user_id = ? AND day = ?`, temp.ID, day).Scan(&shift)
	if shift != "late" {
		t.Errorf("temporary agent's shift %q", shift)
	}
	var audited int64
	s.store.DB().Raw(`SELECT count(*) FROM audit_log WHERE (entity = 'user' AND entity_id = ?) OR (entity = 'shift' AND entity_id = ?)`,
		itoa(temp.ID), itoa(temp.ID)+"/"+day).Scan(&audited)
	if audited != 2 {
		t.Errorf("%d audit entries for the temporary agent, want the account and the shift", audited)
	}
}
