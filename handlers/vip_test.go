package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kefudesk/models"
)

const vipUpload = "买家会员名,姓名,手机,等级,首选渠道\n" +
	"tb_王,王小丽,13800138000,黄金,电话\n" +
	"tb_李,李娜,'13900139000,黄金,旺旺\n" +
	"tb_张,张敏,13700137000,白银,电话\n"

// vipSetup uploads customers and makes a list of the gold ones for the
// test's agent, as a manager would. The app's clock is Wednesday
// 2026-11-11 10:00 in Shanghai.
func vipSetup(t *testing.T, a *app) (*client, int64) {
	t.Helper()
	m := a.loginAs(models.RoleManager)
	res := m.upload("/vip/import", "vips.csv", vipUpload)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", res.StatusCode, res.Body)
	}
	if got := waitForRun(t, m, res.Header.Get("Location")).doc(t).Find(`[data-testid="import-done"]`).Text(); !strings.Contains(got, "3") {
		t.Fatalf("import outcome %q", got)
	}
	// A list with no customers chosen and no agent: both errors, typed name kept.
	res = m.postForm("/vip/lists", url.Values{"name": {"11月回访"}, "period_start": {"2026-11-01"}, "period_end": {"2026-11-30"}}, "HX-Request", "true")
	d := res.doc(t)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find(`[data-testid="error-choose"]`).Length() != 1 ||
		d.Find(`[data-testid="error-agents"]`).Length() != 1 || d.Find(`#name`).AttrOr("value", "") != "11月回访" || strings.Contains(res.Body, "<html") {
		t.Fatalf("bad list form: %d", res.StatusCode)
	}
	res = m.postForm("/vip/lists", url.Values{"name": {"11月回访"}, "purpose": {"双11后关怀"}, "period_start": {"2026-11-01"},
		"period_end": {"2026-11-30"}, "tiers": {"gold"}, "agents": {itoa(a.users[models.RoleAgent].ID)}, "script": {"问候"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/vip/lists/") {
		t.Fatalf("create list: %d %s", res.StatusCode, res.Body)
	}
	if n := m.get(res.Header.Get("Location")).doc(t).Find(`[data-testid="list-visit"]`).Length(); n != 2 {
		t.Fatalf("list has %d visits, want the 2 gold customers", n)
	}
	var visitID int64
	// The one due first, today: tb_李 (the customers are spread in nick order).
	a.store.DB().Raw(`SELECT id FROM vip_visits ORDER BY due_on, id LIMIT 1`).Scan(&visitID)
	return m, visitID
}

func TestVIPRolesMaskingAndReveal(t *testing.T) {
	a := newApp(t)
	m, visitID := vipSetup(t, a)
	agent := a.loginAs(models.RoleAgent)
	_, err := a.store.CreateUser(context.Background(), models.SystemActor, models.UserForm{Username: "other", Role: models.RoleAgent, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}

	d := agent.get("/vip/me").doc(t)
	if n := d.Find(`[data-testid="my-visit"]`).Length(); n != 1 {
		t.Fatalf("agent's visits due today: %d, want 1 (the other is due later)", n)
	}
	page := agent.get("/vip/visits/" + itoa(visitID))
	d = page.doc(t)
	if got := d.Find(`[data-testid="contact-phone"] .masked`).Text(); got != "139****9000" || strings.Contains(page.Body, "13900139000") {
		t.Fatalf("phone not masked: %q", got)
	}
	// The reveal swaps just the field, and the audit log says who saw what.
	res := agent.postForm("/vip/customers/"+customerOf(t, a, visitID)+"/reveal", url.Values{"field": {"phone"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "<html") || !strings.Contains(res.Body, "13900139000") {
		t.Fatalf("reveal: %d %s", res.StatusCode, res.Body)
	}
	var audited int64
	a.store.DB().Raw(`SELECT count(*) FROM audit_log WHERE action = 'reveal' AND actor_id = ? AND after->>'field' = 'phone'`, a.users[models.RoleAgent].ID).Scan(&audited)
	if audited != 1 {
		t.Errorf("reveal audited %d times", audited)
	}
	// Another agent: no visit of theirs, no page, no reveal.
	oc := a.client()
	oc.postForm("/login", url.Values{"username": {"other"}, "password": {testPassword}})
	if res := oc.get("/vip/visits/" + itoa(visitID)); res.StatusCode != http.StatusForbidden {
		t.Errorf("another agent opened the visit: %d", res.StatusCode)
	}
	if res := oc.postForm("/vip/customers/"+customerOf(t, a, visitID)+"/reveal", url.Values{"field": {"phone"}}); res.StatusCode != http.StatusForbidden || strings.Contains(res.Body, "13900139000") {
		t.Errorf("another agent revealed: %d", res.StatusCode)
	}
	// QC and admin have no part in visits.
	for _, r := range []models.Role{models.RoleQC, models.RoleAdmin} {
		if res := a.loginAs(r).get("/vip/customers/" + customerOf(t, a, visitID)); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s opened a customer: %d", r, res.StatusCode)
		}
	}
	// The manager's list shows masks too; the customer page has the reveal button.
	if body := m.get("/vip/customers").Body; strings.Contains(body, "13900139000") || !strings.Contains(body, "139****9000") {
		t.Errorf("customer list shows a clear phone")
	}
	if m.get("/vip/customers/"+customerOf(t, a, visitID)).doc(t).Find(`[data-testid="reveal-phone"]`).Length() != 1 {
		t.Errorf("no reveal button for the manager")
	}
	// The edit form shows both fields in clear: opening it is a reveal, audited.
	if body := m.get("/vip/customers/" + customerOf(t, a, visitID) + "/edit").Body; !strings.Contains(body, "13900139000") {
		t.Errorf("the edit form does not show the phone to edit")
	}
	var viaEdit int64
	a.store.DB().Raw(`SELECT count(*) FROM audit_log WHERE action = 'reveal' AND actor_id = ? AND after->>'via' = 'edit'
	                  AND after->>'field' = 'phone,real_name'`, a.users[models.RoleManager].ID).Scan(&viaEdit)
	if viaEdit != 1 {
		t.Errorf("opening the edit form was audited %d times, want 1", viaEdit)
	}
}

func customerOf(t *testing.T, a *app, visitID int64) string {
	t.Helper()
	var id int64
	a.store.DB().Raw(`SELECT customer_id FROM vip_visits WHERE id = ?`, visitID).Scan(&id)
	return itoa(id)
}

func TestVIPLogVisitWarnsOutsideWindow(t *testing.T) {
	a := newApp(t)
	m, visitID := vipSetup(t, a)
	agent := a.loginAs(models.RoleAgent)
	var version string
	a.store.DB().Raw(`SELECT version::text FROM vip_visits WHERE id = ?`, visitID).Scan(&version)
	form := url.Values{"version": {version}, "channel": {"phone"}, "contacted_at": {"2026-11-11T10:00"}, "outcome": {"reached"}, "notes": {"想要新款"}}
	res := agent.postForm("/vip/visits/"+itoa(visitID)+"/log", form, "HX-Request", "true")
	d := res.doc(t)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find(`[data-testid="window-warning"]`).Length() != 1 || d.Find(`#notes`).Text() != "想要新款" {
		t.Fatalf("10:00 call not warned: %d %s", res.StatusCode, res.Body)
	}
	var logs int64
	a.store.DB().Raw(`SELECT count(*) FROM vip_visit_logs`).Scan(&logs)
	if logs != 0 {
		t.Fatal("a warned call was logged")
	}
	form.Set("confirm_outside", "1")
	res = agent.postForm("/vip/visits/"+itoa(visitID)+"/log", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/vip/me" {
		t.Fatalf("confirmed log: %d %s", res.StatusCode, res.Body)
	}
	if n := agent.get("/vip/me").doc(t).Find(`[data-testid="my-visit"]`).Length(); n != 0 {
		t.Errorf("a reached visit is still due: %d", n)
	}
	rep := m.get("/vip/report?from=2026-11-01&to=2026-11-30").doc(t)
	if got := rep.Find(`[data-testid="fig-completion"] .big`).Text(); got != "50%" {
		t.Errorf("completion %q", got)
	}
	if rep.Find(`[data-testid="chart"] rect`).Length() == 0 || rep.Find(`[data-testid="outcome-reached"]`).Text() == "" {
		t.Errorf("no chart or outcomes")
	}
	x := m.get("/vip/report.xlsx?from=2026-11-01&to=2026-11-30")
	if x.StatusCode != http.StatusOK || !strings.HasPrefix(x.Body, "PK") {
		t.Errorf("xlsx export: %d", x.StatusCode)
	}
	if got := m.get("/").doc(t).Find(`[data-testid="card-visits"] .big`).Text(); got != "0" {
		t.Errorf("manager's overdue visits on the 11th: %q", got)
	}
	if got := agent.get("/").doc(t).Find(`[data-testid="card-visits"] .big`).Text(); got != "0" {
		t.Errorf("agent's due visits after logging: %q", got)
	}
}

func TestVIPCustomerFormAndSuggestions(t *testing.T) {
	a := newApp(t)
	m := a.loginAs(models.RoleManager)
	// Bad input: messages next to the fields, typed values kept, nothing saved.
	res := m.postForm("/vip/customers", url.Values{"buyer": {"tb_新"}, "phone": {"call me"}, "tier": {"gold"},
		"preferred_channel": {"phone"}, "contact_window": {"午饭时间"}, "notes": {"喜欢红色"}}, "HX-Request", "true")
	d := res.doc(t)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find(`[data-testid="error-phone"]`).Length() != 1 ||
		d.Find(`[data-testid="error-contact_window"]`).Length() != 1 || d.Find(`#notes`).Text() != "喜欢红色" || d.Find(`#buyer`).AttrOr("value", "") != "tb_新" {
		t.Fatalf("bad customer form: %d %s", res.StatusCode, res.Body)
	}
	res = m.postForm("/vip/customers", url.Values{"buyer": {"tb_新"}, "phone": {"13800000000"}, "tier": {"gold"},
		"preferred_channel": {"phone"}, "contact_window": {"工作日 19:00-21:00"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	page := res.Header.Get("Location")
	edit := m.get(page + "/edit").doc(t)
	version := edit.Find(`#vip-form input[name=version]`).AttrOr("value", "")
	form := url.Values{"version": {version}, "buyer": {"tb_新"}, "phone": {"13800000000"}, "tier": {"diamond"}, "preferred_channel": {"phone"}, "contact_window": {"工作日 19:00-21:00"}}
	if res := m.postForm(page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", res.StatusCode)
	}
	// The same version again: refused, says who changed it, keeps the input.
	form.Set("notes", "第二次保存")
	res = m.postForm(page, form)
	if d := res.doc(t); res.StatusCode != http.StatusConflict || d.Find(`[data-testid="conflict"]`).Length() != 1 || d.Find(`#notes`).Text() != "第二次保存" {
		t.Errorf("stale save: %d", res.StatusCode)
	}
	if got := m.get(page).doc(t).Find(`.facts`).Text(); !strings.Contains(got, "工作日 19:00-21:00") || strings.Contains(got, "13800000000") {
		t.Errorf("customer page: %q", got)
	}

	// Suggestions: two buyers meet the rule; accept one, dismiss the other.
	orders := "order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark\n" +
		"S1,tb_大,2500,交易成功,2026-11-01 10:00:00,2026-11-01 10:00:00,\n" +
		"S2,tb_常,100,交易成功,2026-10-01 10:00:00,2026-10-01 10:00:00,\n" +
		"S3,tb_常,100,交易成功,2026-10-02 10:00:00,2026-10-02 10:00:00,\n" +
		"S4,tb_常,100,交易成功,2026-10-03 10:00:00,2026-10-03 10:00:00,\n" +
		"S5,tb_少,100,交易成功,2026-11-05 10:00:00,2026-11-05 10:00:00,\n"
	if res := m.upload("/orders/import", "o.csv", orders); res.StatusCode != http.StatusSeeOther {
		t.Fatal(res.StatusCode)
	} else {
		waitForRun(t, m, res.Header.Get("Location"))
	}
	if n := m.get("/vip/suggestions").doc(t).Find(`[data-testid="suggestion"]`).Length(); n != 2 {
		t.Fatalf("suggestions %d, want tb_大 and tb_常", n)
	}
	if res := m.postForm("/vip/suggestions/accept", url.Values{"buyer": {"tb_大"}, "tier": {"diamond"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept %d", res.StatusCode)
	}
	if res := m.postForm("/vip/suggestions/dismiss", url.Values{"buyer": {"tb_常"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dismiss %d", res.StatusCode)
	}
	if d := m.get("/vip/suggestions").doc(t); d.Find(`[data-testid="suggestion"]`).Length() != 0 || d.Find(`[data-testid="suggestions-empty"]`).Length() != 1 {
		t.Errorf("decided suggestions still shown")
	}
	if !strings.Contains(m.get("/vip/customers?tier=diamond").Body, "tb_大") {
		t.Errorf("accepted buyer is not a diamond VIP")
	}
	if res := a.loginAs(models.RoleAgent).get("/vip/suggestions"); res.StatusCode != http.StatusForbidden {
		t.Errorf("agent sees suggestions: %d", res.StatusCode)
	}
}
