package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kefudesk/models"
)

// disputedOrder: 小美 chatted the evening before, 阿华 on the morning of
// the order, so B1 (¥300) went to 阿华.
func disputedOrder(t *testing.T, a *app) (mei, hua models.User, orderID int64) {
	t.Helper()
	mei, hua = disputeAgents(t, a)
	ctx := context.Background()
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	chats := "会话ID,买家,客服,发送方,时间,内容\n" +
		"b1,tb_王,云裳:小美,买家,2026-11-10 20:00:00,这件外套有M码吗？\n" +
		"b1,tb_王,云裳:小美,客服,2026-11-10 20:01:00,亲，有的\n" +
		"b2,tb_王,云裳:阿华,买家,2026-11-11 08:50:00,今天能发货吗\n" +
		"b2,tb_王,云裳:阿华,客服,2026-11-11 08:51:00,亲，16点前下单当天发\n"
	if _, err := a.store.ImportChats(ctx, models.SystemActor, strings.NewReader(chats), "c.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	orders := "order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark,flag,refund_amount\n" +
		"B1,tb_王,300,交易成功,2026-11-11 09:30:00,2026-11-11 09:31:00,,,0\n" +
		"S1,tb_路人,50,交易成功,2026-11-11 12:00:00,2026-11-11 12:01:00,,,0\n"
	if _, err := a.store.ImportOrders(ctx, models.SystemActor, strings.NewReader(orders), "o.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.store.DB().Raw(`SELECT id FROM orders WHERE order_no = 'B1'`).Scan(&orderID).Error; err != nil {
		t.Fatal(err)
	}
	return mei, hua, orderID
}

func TestOrderDisputeThroughTheRouter(t *testing.T) {
	a := newApp(t)
	mei, hua, id := disputedOrder(t, a)
	order := "/orders/" + itoa(id)

	m := a.loginAs(models.RoleManager)
	if got := m.get("/orders").doc(t).Find(`[data-testid=order-credited]`).Text(); !strings.Contains(got, "阿华") || !strings.Contains(got, "静默下单") {
		t.Errorf("credited column: %q", got)
	}
	// Agents: the involved one sees and may claim; another may not even open it.
	if res := a.loginAs(models.RoleAgent).get(order); res.StatusCode != http.StatusForbidden {
		t.Errorf("uninvolved agent opens the order: %d", res.StatusCode)
	}
	mc := a.client()
	if res := mc.postForm("/login", url.Values{"username": {mei.Username}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login mei: %d", res.StatusCode)
	}
	d := mc.get(order).doc(t)
	if got := d.Find(`[data-testid=steps]`).Text(); !strings.Contains(got, "窗口内最后接待买家的是 阿华（2026-11-11 08:51）") {
		t.Errorf("steps: %q", got)
	}
	res := mc.postForm(order+"/dispute", url.Values{"reason": {" "}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find(`[data-testid=error-reason]`).Length() != 1 {
		t.Fatalf("empty reason: %d", res.StatusCode)
	}
	res = mc.postForm(order+"/dispute", url.Values{"reason": {"尺码是我推荐的"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/disputes/") {
		t.Fatalf("claim: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	dispute := res.Header.Get("Location")

	// QC reads the dispute but may not rule.
	qc := a.loginAs(models.RoleQC)
	if d := qc.get(dispute).doc(t); d.Find(`[data-testid=evidence-agent]`).Length() != 2 || d.Find(`[data-testid=ruling-form]`).Length() != 0 {
		t.Errorf("qc view of the dispute")
	}
	if res := qc.postForm(dispute+"/rule", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("qc rules: %d", res.StatusCode)
	}
	// Shares that do not add up: 422, the typed values kept.
	form := url.Values{"version": {"1"}, "share_" + itoa(mei.ID): {"60"}, "share_" + itoa(hua.ID): {"30"}, "ruling_reason": {"各有贡献"}}
	res = m.postForm(dispute+"/rule", form)
	if d := res.doc(t); res.StatusCode != http.StatusUnprocessableEntity || d.Find(`[data-testid=error-shares]`).Length() != 1 ||
		d.Find(`#share_`+itoa(mei.ID)).AttrOr("value", "") != "60" || d.Find(`#ruling_reason`).Text() != "各有贡献" {
		t.Fatalf("bad split: %d", res.StatusCode)
	}
	form.Set("share_"+itoa(mei.ID), "70")
	if res := m.postForm(dispute+"/rule", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rule: %d %s", res.StatusCode, res.Body)
	}
	// The same form again is stale: 409 with who changed it.
	if res := m.postForm(dispute+"/rule", form); res.StatusCode != http.StatusConflict || res.doc(t).Find(`[data-testid=conflict]`).Length() != 1 {
		t.Errorf("stale ruling: %d", res.StatusCode)
	}
	if got := m.get(order).doc(t).Find(`[data-testid=credits]`).Text(); !strings.Contains(got, "¥210.00") || !strings.Contains(got, "店长裁决") {
		t.Errorf("credit after the ruling: %q", got)
	}
	// The manager's today page lists no open dispute now; a re-apply keeps the ruling.
	if got := m.get("/").doc(t).Find(`[data-testid=card-disputes] .big`).Text(); got != "0" {
		t.Errorf("open disputes on today: %q", got)
	}
	if got := m.get("/orders/attribution?from=2026-11-11&to=2026-11-11").doc(t).Find(`[data-testid=preview-summary]`).Text(); got != "共 2 笔订单，其中 0 笔归属会改变。" {
		t.Errorf("preview: %q", got)
	}
	if res := m.postForm("/orders/attribution/apply", url.Values{"from": {"2026-11-11"}, "to": {"2026-11-11"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("apply: %d", res.StatusCode)
	}
	// The re-apply runs in the background; the page lists it until done.
	deadline := time.Now().Add(20 * time.Second)
	for {
		run := m.get("/orders/attribution").doc(t).Find(`[data-testid=reapply-run]`).First()
		if status := run.AttrOr("data-status", ""); status == "done" {
			if !strings.Contains(run.Text(), "2 笔订单") {
				t.Errorf("finished run: %q", run.Text())
			}
			break
		} else if status == "failed" || time.Now().After(deadline) {
			t.Fatalf("re-apply run: %q %q", status, run.Text())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := m.get(order).doc(t).Find(`[data-testid=credits]`).Text(); !strings.Contains(got, "¥210.00") {
		t.Errorf("ruling lost on re-apply: %q", got)
	}
	// A re-apply whose server died mid-run (silent for six minutes) does
	// not block the next one, and the page says what became of it.
	if err := a.store.DB().Exec(`INSERT INTO import_runs (kind, file_name, status, progressed_at, started_at)
		VALUES ('attribution', '11-10', 'running', now() - interval '6 minutes', now() - interval '7 minutes')`).Error; err != nil {
		t.Fatal(err)
	}
	if res := m.postForm("/orders/attribution/apply", url.Values{"from": {"2026-11-11"}, "to": {"2026-11-11"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("apply after a cut-off run: %d", res.StatusCode)
	}
	cut := m.get("/orders/attribution").doc(t).Find(`[data-testid=reapply-run][data-status=failed]`)
	if got := cut.Find(`[data-testid=reapply-run-problem]`).Text(); !strings.Contains(got, "重新计算中断") || !strings.Contains(cut.Text(), "11-10") {
		t.Errorf("cut-off run: %q", cut.Text())
	}
}

func TestSalesPerformancePage(t *testing.T) {
	a := newApp(t)
	mei, hua, id := disputedOrder(t, a)
	ctx := context.Background()
	d, err := a.store.FileDispute(ctx, mei.Actor(""), id, "尺码是我推荐的", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.RuleDispute(ctx, a.users[models.RoleManager].Actor(""), d.ID, d.Version, map[int64]int{mei.ID: 70, hua.ID: 30}, "各有贡献"); err != nil {
		t.Fatal(err)
	}
	m := a.loginAs(models.RoleManager)
	doc := m.get("/orders/performance?from=2026-11-10&to=2026-11-11").doc(t)
	rows := doc.Find(`[data-testid=sales-agents] [data-testid=sales-row]`)
	if rows.Length() != 2 || !strings.Contains(rows.First().Text(), "小美") || !strings.Contains(rows.First().Text(), "¥210.00") {
		t.Errorf("ranking: %q", rows.Text())
	}
	// 小美 served the buyer, who ordered and paid within the window: 100%.
	if got := rows.First().Text(); !strings.Contains(got, "100.0%") || !strings.Contains(got, "0.7") {
		t.Errorf("conversion and split order count: %q", got)
	}
	if got := doc.Find(`[data-testid=shop-figures]`).Text(); !strings.Contains(got, "¥350.00") || !strings.Contains(got, "¥50.00") {
		t.Errorf("shop figures (paid 350, silent 50): %q", got)
	}
	if doc.Find(`[data-testid=trend-credited]`).Length() != 1 || doc.Find(`[data-testid=definitions]`).Length() != 1 {
		t.Error("trend or definitions missing")
	}
	res := m.get("/orders/performance.xlsx?from=2026-11-10&to=2026-11-11")
	x, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if v, _ := x.GetCellValue("客服", "H2"); v != "210" {
		t.Errorf("exported sales of the first agent: %q", v)
	}
	// An agent sees only their own row, not the shop's.
	hc := a.client()
	hc.postForm("/login", url.Values{"username": {hua.Username}, "password": {testPassword}})
	doc = hc.get("/orders/performance?from=2026-11-10&to=2026-11-11").doc(t)
	if got := doc.Find(`[data-testid=sales-row]`); got.Length() != 1 || !strings.Contains(got.Text(), "阿华") || doc.Find(`[data-testid=shop-figures]`).Length() != 0 {
		t.Errorf("agent's performance: %q", got.Text())
	}
	if res := m.get("/orders/performance?from=2026-11-12&to=2026-11-01"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("backwards period: %d", res.StatusCode)
	}
}

func TestAttributionSettingsAndPromotions(t *testing.T) {
	a := newApp(t)
	m := a.loginAs(models.RoleManager)
	res := m.postForm("/orders/attribution/settings", url.Values{"version": {"1"}, "attribution_window_days": {"abc"},
		"attribution_window_hours": {"0"}, "attribution_decide_by": {"payment"}, "attribution_assist_share_percent": {"0"}, "dispute_answer_days": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find(`[data-testid=error-attribution_window_days]`).Length() != 1 {
		t.Fatalf("bad window: %d", res.StatusCode)
	}
	res = m.postForm("/orders/attribution/settings", url.Values{"version": {"1"}, "attribution_window_days": {"2"},
		"attribution_window_hours": {"0"}, "attribution_decide_by": {"payment"}, "attribution_assist_share_percent": {"10"}, "dispute_answer_days": {"1"}},
		"HX-Request", "true")
	if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "<html") {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if s, _ := a.store.Settings(context.Background()); s.Int(models.SettingAttrWindowDays) != 2 || s.Get(models.SettingAttrDecideBy) != "payment" || s.Get(models.SettingShopName) == "" {
		t.Errorf("saved settings")
	}
	res = m.postForm("/orders/promotions", url.Values{"name": {"双十一"}, "from": {"2026-11-12"}, "to": {"2026-11-11"}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find(`[data-testid=error-to]`).Length() != 1 || res.doc(t).Find(`#name`).AttrOr("value", "") != "双十一" {
		t.Fatalf("backwards promotion: %d", res.StatusCode)
	}
	if res := m.postForm("/orders/promotions", url.Values{"name": {"双十一"}, "from": {"2026-11-11"}, "to": {"2026-11-11"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("promotion: %d", res.StatusCode)
	}
	if n := m.get("/orders/attribution").doc(t).Find(`[data-testid=promotion]`).Length(); n != 1 {
		t.Errorf("promotions listed: %d", n)
	}
	if res := a.loginAs(models.RoleQC).get("/orders/attribution"); res.StatusCode != http.StatusForbidden {
		t.Errorf("qc opens the settings: %d", res.StatusCode)
	}
}

// The claimant withdraws an open claim from the dispute page; the holder
// cannot, and a withdrawn claim says so.
func TestDisputeWithdrawThroughThePage(t *testing.T) {
	a := newApp(t)
	mei, hua, orderID := disputedOrder(t, a)
	d, err := a.store.FileDispute(context.Background(), mei.Actor(""), orderID, "买家先找我问的尺码", time.Date(2026, 11, 11, 2, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	page := "/disputes/" + itoa(d.ID)
	hc := a.loginName(hua.Username)
	if hc.get(page).doc(t).Find(`[data-testid=withdraw-form]`).Length() != 0 {
		t.Error("the holder is offered to withdraw the claim")
	}
	if res := hc.postForm(page+"/withdraw", url.Values{"version": {itoa(int64(d.Version))}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("the holder withdrew: %d", res.StatusCode)
	}
	mc := a.loginName(mei.Username)
	if mc.get(page).doc(t).Find(`[data-testid=withdraw-form]`).Length() != 1 {
		t.Fatal("the claimant has no withdraw button")
	}
	if res := mc.postForm(page+"/withdraw", url.Values{"version": {itoa(int64(d.Version))}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d %s", res.StatusCode, res.Body)
	}
	doc := mc.get(page).doc(t)
	if got := doc.Find(`[data-testid=dispute-status]`).Text(); got != "已撤回" {
		t.Errorf("status after withdrawing: %q", got)
	}
	if doc.Find(`[data-testid=withdraw-form]`).Length() != 0 || !strings.Contains(doc.Find(`[data-testid=flash]`).Text(), "已撤回") {
		t.Error("the page still offers to withdraw, or does not say it was withdrawn")
	}
	// The manager sees that there is nothing to rule, and finds it in the list.
	m := a.loginAs(models.RoleManager)
	md := m.get(page).doc(t)
	if md.Find(`[data-testid=withdrawn]`).Length() != 1 || md.Find(`#ruling-section form`).Length() != 0 {
		t.Error("the manager is offered a ruling on a withdrawn claim")
	}
	if m.get("/disputes?status=withdrawn").doc(t).Find(`a[href="`+page+`"]`).Length() == 0 {
		t.Error("the withdrawn claim is not in the list's withdrawn filter")
	}
}
