package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

// The buyer tb_王 chatted with 店:阿华 before reviewing: the case links
// 阿华 as the serving agent and suggests her even though 小美 has fewer
// open cases; a case with no chat goes to whoever has the fewest.
func TestBadReviewServedByAndSuggestion(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	mgr := mustUser(t, s, "mgr", models.RoleManager)
	ahua := mustUser(t, s, "ahua", models.RoleAgent, "店:阿华")
	xiaomei := mustUser(t, s, "xiaomei", models.RoleAgent, "店:小美")
	chat := "conversation_id,buyer,agent,sender,sent_at,text\n" +
		"c1,tb_王,店:阿华,buyer,2026-11-09 10:00:00,在吗\n" +
		"c1,tb_王,店:阿华,agent,2026-11-09 10:01:00,亲，在的\n"
	if _, err := s.ImportChats(ctx, models.SystemActor, strings.NewReader(chat), "c.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportBadReviews(ctx, models.SystemActor, strings.NewReader(reviewExport), "r.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	var rv1, rv2 models.BadReview
	s.DB().Where("review_no = 'RV1'").Take(&rv1)
	s.DB().Where("review_no = 'RV2'").Take(&rv2)
	if rv1.ServedBy == nil || *rv1.ServedBy != ahua.ID {
		t.Fatalf("RV1 served by %v, want 阿华 %d", rv1.ServedBy, ahua.ID)
	}
	// 阿华 already has one open case, 小美 none.
	now := time.Date(2026, 11, 11, 2, 0, 0, 0, time.UTC)
	var rv4 models.BadReview
	s.DB().Where("review_no = 'RV4'").Take(&rv4)
	if err := s.AssignBadReviews(ctx, mgr.Actor(""), []models.CaseVersion{{ID: rv4.ID, Version: rv4.Version}}, ahua.ID, now); err != nil {
		t.Fatal(err)
	}
	agents, err := s.CaseAgents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// No rota is published: the suggestion ignores shifts, as before.
	settings, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	duty, err := s.DutyAt(ctx, settings, now)
	if err != nil || duty.Published {
		t.Fatalf("duty without a rota: %+v %v", duty, err)
	}
	got := models.SuggestAgents([]models.BadReview{rv1, rv2}, agents, duty)
	if got[rv1.ID].ID != ahua.ID || got[rv2.ID].ID != xiaomei.ID {
		t.Errorf("suggested %v / %v, want 阿华 then 小美", got[rv1.ID], got[rv2.ID])
	}
}

func TestBadReviewReportFigures(t *testing.T) {
	s, mgr, ag1, ag2, ids := caseShop(t)
	ctx := context.Background()
	// RV3 (good) says "小美服务很好"; name ag2 小美 so it counts as praise.
	s.DB().Exec(`UPDATE users SET display_name = '小美' WHERE id = ?`, ag2.ID)
	t0 := time.Date(2026, 11, 11, 2, 0, 0, 0, time.UTC)
	m, a1 := mgr.Actor(""), ag1.Actor("")
	all := []models.CaseVersion{}
	for _, id := range ids {
		all = append(all, version(t, s, id))
	}
	if err := s.AssignBadReviews(ctx, m, all, ag1.ID, t0); err != nil {
		t.Fatal(err)
	}
	results := []models.ResultForm{
		{Outcome: "revised", FinalRating: "good", CompensationFen: 1000, Account: "券"}, // 10 h
		{Outcome: "compensated", CompensationFen: 2550, Account: "部分退款"},               // 20 h
		{Outcome: "unresolved", Account: "拒绝"},                                         // 30 h
	}
	for i, r := range results {
		if err := s.HandInResult(ctx, a1, version(t, s, ids[i]), r, t0.Add(time.Duration(10*(i+1))*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids[:2] {
		s.DB().Exec(`UPDATE bad_reviews SET causes = '{quality,size}' WHERE id = ?`, id)
	}
	from := time.Date(2026, 11, 10, 0, 0, 0, 0, shanghai)
	rep, err := s.BadReviewReportFor(ctx, from, from.AddDate(0, 0, 1), shanghai, 3, t0.Add(100*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	tt := rep.Totals
	if tt.Bad != 3 || tt.Medium != 2 || tt.Good != 2 || tt.Closed != 3 || tt.Resolved != 2 || tt.Revised != 1 || tt.Open != 2 || tt.Overdue != 2 {
		t.Errorf("totals %+v", tt)
	}
	if tt.CompensationFen != 3550 || tt.MedianResolveHours == nil || *tt.MedianResolveHours != 20 {
		t.Errorf("compensation %d median %v", tt.CompensationFen, tt.MedianResolveHours)
	}
	if r := tt.ResolutionRate(); r < 0.66 || r > 0.67 {
		t.Errorf("resolution rate %v", r)
	}
	if len(rep.ByCause) != 2 || rep.ByCause[0].Count != 2 {
		t.Errorf("causes %+v", rep.ByCause)
	}
	// 2026-11-10 is a Tuesday: both causes fall in the week of Monday 11-09.
	monday := time.Date(2026, 11, 9, 0, 0, 0, 0, shanghai)
	if len(rep.CauseWeeks) != 2 || !rep.CauseWeeks[0].Week.Equal(monday) || rep.CauseWeeks[0].Key != "quality" || rep.CauseWeeks[0].Count != 2 {
		t.Errorf("cause weeks %+v", rep.CauseWeeks)
	}
	// Items and agents week by week: every item's count adds up to its
	// total, and ag1's week holds the three cases assigned to them.
	perItem := map[string]int64{}
	for _, w := range rep.ItemWeeks {
		if !w.Week.Equal(monday) {
			t.Errorf("item week %+v", w)
		}
		perItem[w.Key] += w.Count
	}
	for _, it := range rep.ByItem {
		if perItem[it.Key] != it.Count {
			t.Errorf("item %s: %d by week, %d in total", it.Key, perItem[it.Key], it.Count)
		}
	}
	var agentWeek int64
	for _, w := range rep.AgentWeeks {
		if w.Key == itoa(ag1.ID) && w.Week.Equal(monday) {
			agentWeek = w.Count
		}
	}
	if agentWeek != int64(len(ids)) {
		t.Errorf("agent weeks %+v, want %d for %s", rep.AgentWeeks, len(ids), ag1.Username)
	}
	flagged := map[string]bool{}
	for _, it := range rep.ByItem {
		flagged[it.Key] = it.Flagged
	}
	// 加绒卫衣 has RV2, RV4, RV5 (3 cases); 羊毛针织衫 RV1, RV6 (2).
	if !flagged["加绒卫衣"] || flagged["羊毛针织衫"] {
		t.Errorf("items %+v", rep.ByItem)
	}
	if len(rep.Days) != 1 || rep.Days[0].Bad != 3 || rep.Days[0].Medium != 2 {
		t.Errorf("days %+v", rep.Days)
	}
	for _, a := range rep.ByAgent {
		switch a.AgentID {
		case ag1.ID:
			if a.Cases != 5 || a.Resolved != 2 || a.Revised != 1 || a.Overdue != 2 || a.CompensationFen != 3550 {
				t.Errorf("agent 1 %+v", a)
			}
		case ag2.ID:
			if a.Praise != 1 || a.Criticism != 0 || a.ServiceScore() != 1 {
				t.Errorf("小美 %+v", a)
			}
		}
	}
}

func TestBadReviewBoardKeysetPaging(t *testing.T) {
	s, _, _, _, _ := caseShop(t)
	ctx := context.Background()
	seen := map[int64]bool{}
	f := models.BadReviewFilter{Limit: 2, Loc: shanghai, Now: time.Now()}
	pages := 0
	for {
		p, err := s.ListBadReviewBoard(ctx, f, false)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, c := range p.Cases {
			if seen[c.ID] || c.Status == models.BadReviewPraise {
				t.Fatalf("case %d twice or praise on the board", c.ID)
			}
			seen[c.ID] = true
		}
		if p.Counts[models.BadReviewNew] != 5 {
			t.Errorf("new count %d", p.Counts[models.BadReviewNew])
		}
		if p.Next.IsZero() {
			break
		}
		f.Before = p.Next
	}
	if len(seen) != 5 || pages != 3 {
		t.Errorf("%d cases over %d pages", len(seen), pages)
	}
}

// The board's counts come from tallies a trigger keeps; after assignments,
// cause edits, escalation and results they equal a live count for every
// filter the board offers.
func TestBadReviewTalliesMatchLiveCounts(t *testing.T) {
	s, mgr, ag1, ag2, ids := caseShop(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 11, 2, 0, 0, 0, time.UTC)
	m, a1 := mgr.Actor(""), ag1.Actor("")
	if err := s.AssignBadReviews(ctx, m, []models.CaseVersion{version(t, s, ids[0]), version(t, s, ids[1])}, ag1.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := s.AssignBadReviews(ctx, m, []models.CaseVersion{version(t, s, ids[2])}, ag2.ID, now); err != nil {
		t.Fatal(err)
	}
	// Several causes, one listed twice, and a change of item.
	if err := s.SaveCaseDetails(ctx, a1, version(t, s, ids[0]), models.CaseDetails{Causes: []string{"quality", "size", "quality"}, Item: "羊毛大衣"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCaseDetails(ctx, a1, version(t, s, ids[1]), models.CaseDetails{Causes: []string{"size"}, Item: "羊毛大衣"}); err != nil {
		t.Fatal(err)
	}
	if err := s.EscalateBadReview(ctx, a1, version(t, s, ids[1]), "买家要求退一赔三"); err != nil {
		t.Fatal(err)
	}
	if err := s.HandInResult(ctx, a1, version(t, s, ids[0]), models.ResultForm{Outcome: "explained", Account: "已解释"}, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	live := func(where string, args ...any) map[string]int64 {
		var rows []struct {
			Status string
			N      int64
		}
		s.DB().Raw(`SELECT status, count(*) AS n FROM bad_reviews WHERE status <> 'praise' `+where+` GROUP BY status`, args...).Scan(&rows)
		out := map[string]int64{}
		for _, r := range rows {
			out[r.Status] = r.N
		}
		return out
	}
	for _, c := range []struct {
		name  string
		f     models.BadReviewFilter
		where string
		args  []any
	}{
		{"all", models.BadReviewFilter{}, "", nil},
		{"agent", models.BadReviewFilter{AgentID: ag1.ID}, "AND agent_id = ?", []any{ag1.ID}},
		{"cause", models.BadReviewFilter{Cause: "size"}, "AND causes @> ARRAY['size']", nil},
		{"item", models.BadReviewFilter{Item: "羊毛大衣"}, "AND item = ?", []any{"羊毛大衣"}},
		{"cause and item", models.BadReviewFilter{Cause: "quality", Item: "羊毛大衣"}, "AND causes @> ARRAY['quality'] AND item = ?", []any{"羊毛大衣"}},
		{"viewer", models.BadReviewFilter{Viewer: ag2.ID}, "AND agent_id = ?", []any{ag2.ID}},
		{"viewer and new", models.BadReviewFilter{Viewer: ag2.ID, Unassigned: true}, "AND (agent_id = ? OR status = 'new')", []any{ag2.ID}},
	} {
		c.f.Now = now
		page, err := s.ListBadReviewBoard(ctx, c.f, false)
		if err != nil {
			t.Fatal(err)
		}
		want := live(c.where, c.args...)
		if len(want) == 0 {
			t.Errorf("%s: the live count is empty; the case proves nothing", c.name)
		}
		if fmt.Sprint(page.Counts) != fmt.Sprint(want) {
			t.Errorf("%s: board counts %v, live %v", c.name, page.Counts, want)
		}
	}
}

// The tallies are kept per statement (00057): one statement inserting,
// changing, upserting or deleting many cases at once, cases it leaves as
// they were, a change that moves nothing between tallies and a TRUNCATE
// all leave the tallies equal to a count of the cases.
func TestBadReviewTalliesFollowStatementsOfManyRows(t *testing.T) {
	s, _, ag1, ag2, _ := caseShop(t)
	db := s.DB()
	recount := func(step string) {
		t.Helper()
		var diff []string
		err := db.Raw(`
			WITH live AS (SELECT k.dim, k.key, b.status, count(*) AS n
			                FROM bad_reviews b, bad_review_keys(b.agent_id, b.item, b.causes) AS k
			               GROUP BY 1, 2, 3),
			     kept AS (SELECT dim, key, status, n FROM bad_review_tallies WHERE n <> 0)
			SELECT concat_ws(' ', coalesce(l.dim, k.dim), coalesce(l.key, k.key), coalesce(l.status, k.status),
			                 'live', coalesce(l.n, 0), 'kept', coalesce(k.n, 0))
			  FROM live l FULL JOIN kept k USING (dim, key, status)
			 WHERE l.n IS DISTINCT FROM k.n`).Scan(&diff).Error
		if err != nil {
			t.Fatal(err)
		}
		if len(diff) > 0 {
			t.Errorf("%s: tallies differ from a count: %v", step, diff)
		}
	}
	recount("import")
	exec := func(step, sql string, args ...any) {
		t.Helper()
		res := db.Exec(sql, args...)
		if res.Error != nil {
			t.Fatalf("%s: %v", step, res.Error)
		}
		if res.RowsAffected < 2 {
			t.Fatalf("%s: %d rows; one statement over many rows is the point", step, res.RowsAffected)
		}
		recount(step)
	}
	exec("insert many", `
		INSERT INTO bad_reviews (review_no, buyer, rating, first_rating, item, reviewed_at, status, agent_id, causes, assigned_at, due_at)
		SELECT 'T' || g, 'buyer' || g, 'bad', 'bad', (ARRAY['羊毛大衣', '牛仔裤', ''])[1 + g % 3], now(),
		       CASE WHEN g % 2 = 0 THEN 'assigned' ELSE 'new' END,
		       CASE WHEN g % 2 = 0 THEN (ARRAY[?, ?]::bigint[])[1 + g / 2 % 2] END,
		       CASE g % 3 WHEN 0 THEN ARRAY['quality', 'size'] WHEN 1 THEN ARRAY['size', 'size'] ELSE ARRAY['logistics', 'quality'] END,
		       CASE WHEN g % 2 = 0 THEN now() END, CASE WHEN g % 2 = 0 THEN now() + interval '3 days' END
		  FROM generate_series(1, 300) g`, ag1.ID, ag2.ID)
	exec("move many between agents, statuses, items and causes", `
		UPDATE bad_reviews SET agent_id = CASE WHEN agent_id = ?::bigint THEN ?::bigint ELSE ?::bigint END, status = 'contacting',
		       item = CASE WHEN id % 5 = 0 THEN '连衣裙' ELSE item END,
		       causes = CASE WHEN id % 7 = 0 THEN ARRAY['price'] ELSE causes END
		 WHERE status IN ('assigned', 'new') AND id % 3 <> 0`, ag1.ID, ag2.ID, ag1.ID)
	exec("change what no tally counts", `UPDATE bad_reviews SET account = 'noted' WHERE review_no LIKE 'T%'`)
	exec("one statement, some moved and some not", `
		UPDATE bad_reviews SET status = CASE WHEN id % 2 = 0 THEN 'escalated' ELSE status END, escalation = 'x'
		 WHERE status = 'contacting'`)
	exec("upsert many, some new and some moved", `
		INSERT INTO bad_reviews (review_no, buyer, rating, first_rating, item, reviewed_at, status, causes)
		SELECT 'T' || g, 'buyer' || g, 'bad', 'bad', '围巾', now(), 'new', ARRAY['other']
		  FROM generate_series(250, 400) g
		    ON CONFLICT (review_no) DO UPDATE SET item = EXCLUDED.item, causes = EXCLUDED.causes`)
	exec("delete many", `DELETE FROM bad_reviews WHERE id % 4 = 1`)
	if err := db.Exec(`TRUNCATE bad_reviews CASCADE`).Error; err != nil {
		t.Fatal(err)
	}
	recount("truncate")
}

// The reviews naming an agent follow every change: a rename, a nick added
// or removed, a follow-up arriving on a review.
func TestMentionsFollowNamesAndReviews(t *testing.T) {
	s, _, ag1, ag2, _ := caseShop(t)
	ctx := context.Background()
	named := func(u models.User) []string {
		t.Helper()
		rs, err := s.AgentMentions(ctx, u.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.ReviewNo)
		}
		return out
	}
	edit := func(u models.User, display string, nicks ...string) {
		t.Helper()
		cur, err := s.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		f := models.UserForm{ID: u.ID, Version: cur.Version, DisplayName: display, Role: cur.Role, Team: cur.Team, Nicks: nicks}
		if _, err := s.UpdateUser(ctx, models.SystemActor, f); err != nil {
			t.Fatal(err)
		}
	}
	if got := named(ag2); got != nil {
		t.Fatalf("ag2 named by %v before having a name in any review", got)
	}
	// RV3 says "小美服务很好".
	edit(ag2, "小美")
	if got := fmt.Sprint(named(ag2)); got != "[RV3]" {
		t.Errorf("after the rename ag2 is named by %s, want [RV3]", got)
	}
	// A follow-up on RV2 names 阿华, ag1's nick after the shop's prefix.
	edit(ag1, "", "云裳:阿华")
	followUp := strings.Replace(reviewExport, "物流太慢了，等了五天,2026/11/10 09:30:00,加绒卫衣,,,",
		"物流太慢了，等了五天,2026/11/10 09:30:00,加绒卫衣,阿华回消息也慢,2026-11-12 09:00:00,", 1)
	if _, err := s.ImportBadReviews(ctx, models.SystemActor, strings.NewReader(followUp), "r2.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(named(ag1)); got != "[RV2]" {
		t.Errorf("after the follow-up ag1 is named by %s, want [RV2]", got)
	}
	// Names given up name nobody.
	edit(ag1, "")
	edit(ag2, "大美")
	if got := fmt.Sprint(named(ag1), named(ag2)); got != "[] []" {
		t.Errorf("after giving the names up: %s", got)
	}
	if n := count(t, s, `SELECT count(*) FROM bad_review_mentions`); n != 0 {
		t.Errorf("%d mentions left", n)
	}
}
