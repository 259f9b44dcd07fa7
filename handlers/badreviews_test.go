package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"kefudesk/models"
)

const badReviewCSV = "评价ID,订单编号,买家,评价,评价内容,评价时间,宝贝\n" +
	"H1,O1,tb_王,差评,衣服起球，质量太差,2026-11-10 21:00:00,羊毛开衫\n" +
	"H2,O2,tb_李,中评,物流慢,2026-11-10 09:30:00,加绒卫衣\n" +
	"H3,O3,tb_张,好评,用户agent服务很好,2026-11-10 10:00:00,加绒卫衣\n"

// badReviewApp is an app with the three reviews above and their ids by review number.
func badReviewApp(t *testing.T) (*app, map[string]int64) {
	a := newApp(t)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := a.store.ImportBadReviews(context.Background(), models.SystemActor, strings.NewReader(badReviewCSV), "r.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ID       int64
		ReviewNo string
	}
	a.store.DB().Raw(`SELECT id, review_no FROM bad_reviews`).Scan(&rows)
	ids := map[string]int64{}
	for _, r := range rows {
		ids[r.ReviewNo] = r.ID
	}
	return a, ids
}

func caseVersion(t *testing.T, a *app, id int64) string {
	t.Helper()
	b, err := a.store.BadReviewByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return itoa(int64(b.Version))
}

func TestBadReviewBoardAssignAndRoles(t *testing.T) {
	a, ids := badReviewApp(t)
	m := a.loginAs(models.RoleManager)
	d := m.get("/reviews").doc(t)
	if n := d.Find(`[data-testid="case"]`).Length(); n != 2 {
		t.Fatalf("board shows %d cases, want the 2 medium/bad ones", n)
	}
	if got := d.Find(`[data-testid="tab-new"] .badge`).Text(); got != "2" {
		t.Errorf("new tab count %q", got)
	}
	if got := d.Find(`[data-testid="suggested"]`).First().Text(); !strings.Contains(got, "用户agent") {
		t.Errorf("suggestion %q", got)
	}
	// HTMX filter: the section only.
	res := m.get("/reviews?item=%E7%BE%8A%E6%AF%9B%E5%BC%80%E8%A1%AB", "HX-Request", "true")
	if strings.Contains(res.Body, "<html") || strings.Count(res.Body, `data-testid="case"`) != 1 {
		t.Errorf("item filter fragment: %d %d", res.StatusCode, strings.Count(res.Body, `data-testid="case"`))
	}

	h1 := ids["H1"]
	stale := caseVersion(t, a, h1)
	agent := itoa(a.users[models.RoleAgent].ID)
	res = m.postForm("/reviews/"+itoa(h1)+"/assign", url.Values{"agent_id": {agent}, "version": {stale}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
	}
	// A second manager assigning from the page they loaded before is told.
	res = m.postForm("/reviews/assign", url.Values{"agent_id": {agent}, "case": {itoa(h1) + ":" + stale}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.doc(t).Find(`[data-testid="conflict"]`).Text(), "用户manager") {
		t.Errorf("stale bulk assign: %d", res.StatusCode)
	}
	if href, _ := res.doc(t).Find(`[data-testid="conflict"] a`).Attr("href"); href != "/reviews" {
		t.Errorf("reload link %q", href)
	}
	// The same on the case page: a stale result is refused, the account kept.
	res = m.postForm("/reviews/"+itoa(h1)+"/result", url.Values{"outcome": {"explained"}, "account": {"已解释尺码"}, "version": {stale}})
	if d := res.doc(t); res.StatusCode != http.StatusConflict || d.Find(`#account`).Text() != "已解释尺码" || d.Find(`[data-testid="conflict"]`).Length() != 1 {
		t.Errorf("stale result: %d", res.StatusCode)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	report := "order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark\nO1,tb_王,259,交易成功,2026-11-05 10:00:00,2026-11-05 10:01:00,\n"
	if _, err := a.store.ImportOrders(context.Background(), models.SystemActor, strings.NewReader(report), "o.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	cd := m.get("/reviews/" + itoa(h1)).doc(t)
	if got := cd.Find(`[data-testid="case-agent"]`).Text(); got != "用户agent" {
		t.Errorf("case agent %q", got)
	}
	if got := cd.Find(`[data-testid="case-order"]`).Text(); !strings.Contains(got, "¥259.00") || !strings.Contains(got, "交易成功") {
		t.Errorf("linked order %q", got)
	}

	// The agent sees only their case; QC reads but cannot assign; admin has no access.
	ag := a.loginAs(models.RoleAgent)
	if n := ag.get("/reviews").doc(t).Find(`[data-testid="case"]`).Length(); n != 1 {
		t.Errorf("agent board %d cases", n)
	}
	if res := ag.get("/reviews/" + itoa(ids["H2"])); res.StatusCode != http.StatusForbidden {
		t.Errorf("agent opens an unassigned case: %d", res.StatusCode)
	}
	qc := a.loginAs(models.RoleQC)
	qd := qc.get("/reviews/" + itoa(h1)).doc(t)
	if qd.Find(`[data-testid="assign-form"], [data-testid="result-form"]`).Length() != 0 {
		t.Error("QC sees forms")
	}
	if res := qc.postForm("/reviews/"+itoa(h1)+"/result", url.Values{"outcome": {"explained"}, "account": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("QC hands in: %d", res.StatusCode)
	}
	if res := a.loginAs(models.RoleAdmin).get("/reviews"); res.StatusCode != http.StatusForbidden {
		t.Errorf("admin board: %d", res.StatusCode)
	}
	// Bulk assign the rest.
	res = m.postForm("/reviews/assign", url.Values{"agent_id": {agent}, "case": {itoa(ids["H2"]) + ":" + caseVersion(t, a, ids["H2"])}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("bulk assign: %d", res.StatusCode)
	}
	if n := ag.get("/reviews").doc(t).Find(`[data-testid="case"]`).Length(); n != 2 {
		t.Errorf("agent board after bulk %d", n)
	}
	// A rights complaint: the agent escalates, the manager's today page says so.
	res = ag.postForm("/reviews/"+itoa(ids["H2"])+"/escalate", url.Values{"escalation": {"买家发起维权"}, "version": {caseVersion(t, a, ids["H2"])}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("escalate: %d", res.StatusCode)
	}
	if got := m.get("/").doc(t).Find(`[data-testid="badreviews-escalated"]`).Text(); got != "1 条上报待店长处理" {
		t.Errorf("manager today escalated %q", got)
	}
}

func TestBadReviewWorkCase(t *testing.T) {
	a, ids := badReviewApp(t)
	id := ids["H1"]
	ctx := context.Background()
	mgr, agent := a.users[models.RoleManager], a.users[models.RoleAgent]
	// Assigned five days before the test clock: overdue.
	assigned := time.Date(2026, 11, 6, 2, 0, 0, 0, time.UTC)
	if err := a.store.AssignBadReviews(ctx, mgr.Actor(""), []models.CaseVersion{{ID: id, Version: 1}}, agent.ID, assigned); err != nil {
		t.Fatal(err)
	}
	ag := a.loginAs(models.RoleAgent)
	if d := ag.get("/").doc(t); d.Find(`[data-testid="my-case"]`).Length() != 1 {
		t.Error("agent's today page lacks the open case")
	}
	if d := a.loginAs(models.RoleManager).get("/").doc(t); d.Find(`[data-testid="overdue-case"]`).Length() != 1 {
		t.Error("manager's today page lacks the overdue case")
	}
	if d := ag.get("/reviews").doc(t); d.Find(`[data-testid="overdue"]`).Length() != 1 {
		t.Error("board does not mark the overdue case")
	}

	path := "/reviews/" + itoa(id)
	// A coupon without its amount: 422, the note kept, the message at the field.
	res := ag.postForm(path+"/contacts", url.Values{"channel": {"phone"}, "contacted_at": {"2026-11-11T09:30"}, "reached": {"1"},
		"offer": {"coupon"}, "offer_yuan": {""}, "answer": {"agreed"}, "note": {"买家同意改评"}})
	d := res.doc(t)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find(`[data-testid="error-offer_yuan"]`).Length() != 1 || d.Find(`#note`).Text() != "买家同意改评" {
		t.Fatalf("bad contact: %d", res.StatusCode)
	}
	res = ag.postForm(path+"/contacts", url.Values{"channel": {"phone"}, "contacted_at": {"2026-11-11T09:30"}, "reached": {"1"},
		"offer": {"coupon"}, "offer_yuan": {"10"}, "answer": {"agreed"}, "note": {"买家同意改评"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("contact: %d", res.StatusCode)
	}
	d = ag.get(path).doc(t)
	if got := d.Find(`[data-testid="contact"]`).Text(); !strings.Contains(got, "¥10.00") || !strings.Contains(got, "2026-11-11 09:30") {
		t.Errorf("contact row %q", got)
	}
	if got := d.Find(`[data-testid="case-status"]`).Text(); got != "买家同意修改" {
		t.Errorf("status %q", got)
	}
	// No resolved without a result.
	res = ag.postForm(path+"/result", url.Values{"outcome": {"revised"}, "account": {"改好评了"}, "compensation_yuan": {"10"}, "version": {caseVersion(t, a, id)}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find(`[data-testid="error-final_rating"]`).Length() != 1 {
		t.Errorf("revised without final rating: %d", res.StatusCode)
	}
	res = ag.postForm(path+"/result", url.Values{"outcome": {"revised"}, "final_rating": {"good"}, "account": {"送10元券，买家改为好评"},
		"compensation_yuan": {"10"}, "version": {caseVersion(t, a, id)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("result: %d %s", res.StatusCode, res.Body)
	}
	var cost int64
	a.store.DB().Raw(`SELECT compensation_fen FROM bad_reviews WHERE id = ? AND status = 'resolved'`, id).Scan(&cost)
	if cost != 1000 {
		t.Errorf("compensation stored %d fen", cost)
	}
	if res := ag.postForm(path+"/reopen", url.Values{"reopen_reason": {"x"}, "version": {caseVersion(t, a, id)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("agent reopen: %d", res.StatusCode)
	}
	m := a.loginAs(models.RoleManager)
	if res := m.postForm(path+"/reopen", url.Values{"reopen_reason": {"买家又改回差评"}, "version": {caseVersion(t, a, id)}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("manager reopen: %d", res.StatusCode)
	}
	// The report counts the period, each cause week by week; the export is a workbook.
	a.store.DB().Exec(`UPDATE bad_reviews SET causes = '{quality}' WHERE id = ?`, id)
	rd := m.get("/reviews/report?from=2026-11-01&to=2026-11-11").doc(t)
	if rows := rd.Find(`[data-testid="cause-trend-row"]`); rows.Length() != 1 || !strings.Contains(rows.Text(), "质量") || rd.Find(`[data-testid="cause-trend"] thead th`).Length() != 4 { // the cause and the weeks of 10-26, 11-02, 11-09
		t.Errorf("cause trend: %q", rd.Find(`[data-testid="cause-trend"]`).Text())
	}
	if rd.Find(`[data-testid="by-item"] [data-testid="breakdown-row"]`).Length() != 2 {
		t.Errorf("items in report")
	}
	if n := rd.Find(`[data-testid="item-trend-row"]`).Length(); n != 2 {
		t.Errorf("%d items week by week, want 2", n)
	}
	if rows := rd.Find(`[data-testid="agent-trend-row"]`); rows.Length() == 0 || strings.TrimSpace(rows.First().Find("th").Text()) == "" {
		t.Errorf("agents week by week: %q", rows.Text())
	}
	if got := rd.Find(`[data-testid="by-agent"]`).Text(); !strings.Contains(got, "1（表扬 1，批评 0）") {
		t.Errorf("agent praise not counted: %q", got)
	}
	res = m.get("/reviews/report.xlsx?from=2026-11-01&to=2026-11-11")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatalf("export: %d %v", res.StatusCode, err)
	}
	if rows, _ := f.GetRows("按宝贝"); len(rows) != 3 {
		t.Errorf("item sheet rows %d", len(rows))
	}
}

func TestBadReviewEntryAndUpload(t *testing.T) {
	a := newApp(t)
	m := a.loginAs(models.RoleManager)
	res := m.postForm("/reviews/new", url.Values{"review_no": {""}, "buyer": {"tb_新"}, "rating": {"差评"}, "content": {"破了"}, "reviewed_at": {"2026-11-10T10:00"}})
	d := res.doc(t)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find(`[data-testid="error-review_no"]`).Length() != 1 || d.Find(`#content`).Text() != "破了" {
		t.Fatalf("entry without id: %d", res.StatusCode)
	}
	res = m.postForm("/reviews/new", url.Values{"review_no": {"M1"}, "buyer": {"tb_新"}, "rating": {"bad"}, "content": {"破了"}, "reviewed_at": {"2026-11-10T10:00"},
		"photos": {"https://img.example/1.jpg; https://img.example/2.jpg"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/reviews/") {
		t.Fatalf("entry: %d", res.StatusCode)
	}
	if n := m.get(res.Header.Get("Location")).doc(t).Find(`.photos a`).Length(); n != 2 {
		t.Errorf("photo links %d", n)
	}
	up := m.upload("/reviews/import", "r.csv", badReviewCSV)
	done := waitForRun(t, m, up.Header.Get("Location"))
	if got := done.doc(t).Find(`[data-testid="import-done"]`).Text(); got != "新增 3 条，更新 0 条，未变 0 条" {
		t.Errorf("upload outcome %q", got)
	}
	up = m.upload("/reviews/import", "r.csv", strings.Replace(badReviewCSV, "tb_李,中评", "tb_李,好评", 1))
	if got := waitForRun(t, m, up.Header.Get("Location")).doc(t).Find(`[data-testid="import-done"]`).Text(); got != "新增 0 条，更新 1 条，未变 2 条" {
		t.Errorf("re-upload outcome %q", got)
	}
	if res := a.loginAs(models.RoleQC).get("/reviews/import"); res.StatusCode != http.StatusForbidden {
		t.Errorf("QC import page: %d", res.StatusCode)
	}
}

func TestBadReviewAgentTakesWhenShopAllows(t *testing.T) {
	a, ids := badReviewApp(t)
	ag := a.loginAs(models.RoleAgent)
	if n := ag.get("/reviews").doc(t).Find(`[data-testid="case"]`).Length(); n != 0 {
		t.Fatalf("agent sees %d unassigned cases without the setting", n)
	}
	ctx := context.Background()
	set, _ := a.store.Settings(ctx)
	if _, err := a.store.SaveSettings(ctx, models.SystemActor, set.Version, map[string]string{models.SettingBadReviewAgentsTake: "true"}); err != nil {
		t.Fatal(err)
	}
	d := ag.get("/reviews").doc(t)
	if n := d.Find(`[data-testid="take"]`).Length(); n != 2 {
		t.Fatalf("take buttons %d", n)
	}
	v := caseVersion(t, a, ids["H2"])
	// Taking opens the case to work it.
	res := ag.postForm("/reviews/"+itoa(ids["H2"])+"/take?v="+v, url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/reviews/"+itoa(ids["H2"]) {
		t.Fatalf("take: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// Clicking the same, now stale, button again says someone was quicker.
	res = ag.postForm("/reviews/"+itoa(ids["H2"])+"/take?v="+v, url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second take: %d", res.StatusCode)
	}
	if got := ag.get("/reviews").doc(t).Find(`[data-testid="flash"]`).Text(); got != "这条评价已经有人处理了" {
		t.Errorf("flash %q", got)
	}
	var agent int64
	a.store.DB().Raw(`SELECT agent_id FROM bad_reviews WHERE id = ?`, ids["H2"]).Scan(&agent)
	if agent != a.users[models.RoleAgent].ID {
		t.Errorf("taken by %d", agent)
	}
}

// The manager's today card counts every overdue case and names the five
// most overdue (it read up to 500 whole cases to count them, and said 500
// when there were more).
func TestTodayCountsEveryOverdueCase(t *testing.T) {
	a, ids := badReviewApp(t)
	agent := a.users[models.RoleAgent]
	err := a.store.DB().Exec(`
		INSERT INTO bad_reviews (review_no, order_no, buyer, rating, first_rating, content, item, reviewed_at, status, agent_id, assigned_at, due_at)
		SELECT 'late-' || g, order_no, buyer || g, rating, first_rating, content, item, reviewed_at, 'assigned', ?,
		       timestamptz '2026-10-20 10:00+08', timestamptz '2026-10-23 10:00+08' + g * interval '1 minute'
		  FROM bad_reviews, generate_series(1, 503) g WHERE id = ?`, agent.ID, ids["H1"]).Error
	if err != nil {
		t.Fatal(err)
	}
	d := a.loginAs(models.RoleManager).get("/").doc(t)
	if got := d.Find(`[data-testid="badreviews-overdue"]`).Text(); got != "503 条已逾期" {
		t.Errorf("overdue count %q, want 503 条已逾期", got)
	}
	var named []string
	d.Find(`[data-testid="overdue-case"] a`).Each(func(_ int, s *goquery.Selection) { named = append(named, s.Text()) })
	if len(named) != 5 || named[0] != "tb_王1" || named[4] != "tb_王5" {
		t.Errorf("named %q, want the five most overdue", named)
	}
}
