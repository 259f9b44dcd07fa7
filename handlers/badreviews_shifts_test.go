package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kefudesk/models"
	"kefudesk/views"
)

// On Wednesday 2026-11-11 (the test clock, 10:00 in Shanghai) mei is off,
// hua works early, qing late, peng is off. mei's open case shows in hua's
// handover at the top of her today page, read-only, with its deadline; the
// board suggests hua for a new case (on duty) over peng (off, no cases).
func TestBadReviewCaseInTheShiftHandover(t *testing.T) {
	s := newShiftShop(t)
	ctx := context.Background()
	meiOffOnWednesday(t, s)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := s.store.ImportBadReviews(ctx, models.SystemActor, strings.NewReader(badReviewCSV), "r.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	var h1 int64
	s.store.DB().Raw(`SELECT id FROM bad_reviews WHERE review_no = 'H1'`).Scan(&h1)
	assigned := time.Date(2026, 11, 10, 2, 0, 0, 0, time.UTC) // due 11-13 10:00 Shanghai
	if err := s.store.AssignBadReviews(ctx, s.users[models.RoleManager].Actor(""), []models.CaseVersion{{ID: h1, Version: 1}}, s.agents[0].ID, assigned); err != nil {
		t.Fatal(err)
	}

	hua := s.loginName("hua")
	rows := hua.get("/").doc(t).Find(`[data-testid=handover-waiting] [data-testid=handover-case]`)
	if rows.Length() != 1 {
		t.Fatalf("%d bad-review rows in hua's handover, want 1", rows.Length())
	}
	text := rows.Text()
	for _, want := range []string{"中差评处理", "tb_王", "期限 2026-11-13 10:00", "客服mei 今天休息"} {
		if !strings.Contains(text, want) {
			t.Errorf("handover row %q lacks %q", text, want)
		}
	}
	if href := rows.Find("a").AttrOr("href", ""); href != "/reviews/"+itoa(h1) {
		t.Errorf("row links to %q", href)
	}
	if rows.Find("form").Length() != 0 {
		t.Error("a bad-review row has a tick form")
	}
	// hua may read the case she was handed, not work it; peng (off) may not.
	res := hua.get("/reviews/" + itoa(h1))
	if res.StatusCode != 200 || res.doc(t).Find(`form[action$="/contacts"]`).Length() != 0 {
		t.Errorf("hua opens the handed-over case: %d", res.StatusCode)
	}
	if res := s.loginName("peng").get("/reviews/" + itoa(h1)); res.StatusCode != 403 {
		t.Errorf("peng (off) opens it: %d", res.StatusCode)
	}
	// mei sees her own case on /shifts/me; the manager on the handover page.
	if n := s.loginName("mei").get("/shifts/me").doc(t).Find(`[data-testid=handover-case]`).Length(); n != 1 {
		t.Errorf("mei's /shifts/me shows %d cases", n)
	}
	mgr := s.loginAs(models.RoleManager)
	if got := mgr.get("/shifts/handover").doc(t).Find(`[data-testid=handover-cases] [data-testid=handover-case]`).Text(); !strings.Contains(got, "tb_王") {
		t.Errorf("manager's handover cases: %q", got)
	}
	// The suggestion for the new case H2 keeps to who is on the rota.
	b := mgr.get("/reviews?status=new").doc(t)
	sug := b.Find(`[data-testid=suggested]`).First().Text()
	why := b.Find(`[data-testid=suggested-why]`).First().Text()
	if !strings.Contains(sug, "客服hua") || !strings.Contains(why, "当班") {
		t.Errorf("suggested %q (%q), want hua on duty", sug, why)
	}
	if got := mgr.get("/reviews/handover").doc(t).Find(`[data-testid=handover-shifts] a`).AttrOr("href", ""); got != "/shifts/handover" {
		t.Errorf("bad-review handover links to %q", got)
	}
}

// A big team hands hundreds of cases to a shift: the today page and my
// shifts name the ten most urgent, count them all and link to the handover
// page, which lists every one.
func TestHandoverNamesTheMostUrgentCases(t *testing.T) {
	s := newShiftShop(t)
	meiOffOnWednesday(t, s)
	// 23 open cases of mei's (off today), due an hour apart.
	err := s.store.DB().Exec(`
		INSERT INTO bad_reviews (review_no, order_no, buyer, rating, first_rating, content, item, reviewed_at, status, agent_id, assigned_at, due_at)
		SELECT 'c-' || g, 'o-' || g, 'tb_' || lpad(g::text, 2, '0'), 'bad', 'bad', '质量差', '开衫', timestamptz '2026-11-10 09:00+08',
		       'assigned', ?, timestamptz '2026-11-10 10:00+08', timestamptz '2026-11-13 10:00+08' + g * interval '1 hour'
		  FROM generate_series(1, 23) g`, s.agents[0].ID).Error
	if err != nil {
		t.Fatal(err)
	}
	hua := s.loginName("hua")
	for _, path := range []string{"/", "/shifts/me"} {
		d := hua.get(path).doc(t)
		var buyers []string
		d.Find(`[data-testid=handover-waiting] [data-testid=handover-case] a`).Each(func(_ int, a *goquery.Selection) { buyers = append(buyers, a.Text()) })
		if len(buyers) != models.HandoverCasesShown || buyers[0] != "tb_01" || buyers[9] != "tb_10" {
			t.Errorf("%s names %q, want tb_01 to tb_10", path, buyers)
		}
		if got := d.Find(`[data-testid=handover-waiting] h2`).Text(); got != "交接给你的事（23）" {
			t.Errorf("%s heading %q", path, got)
		}
		more := d.Find(`[data-testid=handover-more]`)
		if more.Text() != "还有 13 个差评案件，在交接页 →" || more.AttrOr("href", "") != "/shifts/handover" {
			t.Errorf("%s more link %q -> %q", path, more.Text(), more.AttrOr("href", ""))
		}
	}
	d := hua.get("/shifts/handover").doc(t)
	if n := d.Find(`[data-testid=handover-waiting] [data-testid=handover-case]`).Length(); n != 23 {
		t.Errorf("the handover page lists %d cases, want 23", n)
	}
	if d.Find(`[data-testid=handover-more]`).Length() != 0 {
		t.Error("the handover page links to itself for more")
	}
	// The manager's handover page lists the first 500 open cases and
	// counts them all.
	err = s.store.DB().Exec(`
		INSERT INTO bad_reviews (review_no, order_no, buyer, rating, first_rating, content, item, reviewed_at, status, agent_id, assigned_at, due_at)
		SELECT 'm-' || g, 'mo-' || g, 'tb_m' || g, 'bad', 'bad', '质量差', '开衫', timestamptz '2026-11-10 09:00+08',
		       'assigned', ?, timestamptz '2026-11-10 10:00+08', timestamptz '2026-11-14 10:00+08'
		  FROM generate_series(1, 480) g`, s.agents[1].ID).Error
	if err != nil {
		t.Fatal(err)
	}
	d = s.loginAs(models.RoleManager).get("/shifts/handover").doc(t)
	cases := d.Find(`[data-testid=handover-cases]`)
	if got := cases.Find("h2").Text(); got != "未完成的中差评（503）" {
		t.Errorf("manager's handover heading %q, want 503 cases", got)
	}
	if n := cases.Find(`[data-testid=handover-case]`).Length(); n != models.HandoverPageCases {
		t.Errorf("manager's handover lists %d cases, want %d", n, models.HandoverPageCases)
	}
	if got := cases.Find(`[data-testid=handover-unlisted]`).Text(); got != "还有 3 个差评案件未列出：这里只列截止最早的 500 个。" {
		t.Errorf("manager's handover says %q of the unlisted cases", got)
	}
	// hua now has 480 of her own and mei's 23 handed over: her handover
	// page counts all 503, lists 500 and says so.
	d = hua.get("/shifts/handover").doc(t)
	if got := d.Find(`[data-testid=handover-waiting] h2`).Text(); got != "交接给你的事（503）" {
		t.Errorf("hua's handover heading %q, want 503", got)
	}
	if got := d.Find(`[data-testid=handover-waiting] [data-testid=handover-unlisted]`).Text(); got != "还有 3 个差评案件未列出：这里只列截止最早的 500 个。" {
		t.Errorf("hua's handover says %q of the unlisted cases", got)
	}
	// A case of mei's due after all of those is past the 500 listed, and
	// still handed to hua's shift: she may read it. peng is off too: he
	// may not.
	var late int64
	err = s.store.DB().Raw(`
		INSERT INTO bad_reviews (review_no, order_no, buyer, rating, first_rating, content, item, reviewed_at, status, agent_id, assigned_at, due_at)
		VALUES ('late-1', 'lo-1', 'tb_late', 'bad', 'bad', '质量差', '开衫', timestamptz '2026-11-10 09:00+08',
		        'assigned', ?, timestamptz '2026-11-10 10:00+08', timestamptz '2026-11-20 10:00+08')
		RETURNING id`, s.agents[0].ID).Scan(&late).Error
	if err != nil {
		t.Fatal(err)
	}
	if res := hua.get(views.CaseURL(late)); res.StatusCode != http.StatusOK {
		t.Errorf("hua opening mei's 504th handover case: %d, want 200", res.StatusCode)
	}
	if res := s.loginName("peng").get(views.CaseURL(late)); res.StatusCode != http.StatusForbidden {
		t.Errorf("peng (off) opening mei's case: %d, want 403", res.StatusCode)
	}
}

// meiOffOnWednesday publishes 2026-11-11 as mei off, hua early, qing late,
// peng off.
func meiOffOnWednesday(t *testing.T, s *shiftShop) {
	t.Helper()
	day := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	for i, shift := range []string{"", "early", "late", ""} {
		err := s.store.DB().Exec(`UPDATE shift_assignments SET shift = ? WHERE user_id = ? AND day = ?::date`,
			shift, s.agents[i].ID, day.Format(time.DateOnly)).Error
		if err != nil {
			t.Fatal(err)
		}
	}
}
