//go:build browser

package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kefudesk/models"
	"kefudesk/models/demo"
)

// TestBrowserVIPLogsAVisit: an agent opens a visit due today, reveals the
// phone (only that field changes), logs a call at 10:00, is warned that it
// is outside the customer's window, confirms, and is back on their list.
func TestBrowserVIPLogsAVisit(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := a.store.ImportVIPs(ctx, models.SystemActor, strings.NewReader(vipUpload), "v.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	agent := a.users[models.RoleAgent]
	if _, err := a.store.CreateVisitList(ctx, a.users[models.RoleManager].Actor(""), models.VisitListForm{Name: "11月回访", Purpose: "双11后关怀",
		PeriodStart: "2026-11-01", PeriodEnd: "2026-11-30", Tiers: []string{"gold"}, AgentIDs: []int64{agent.ID}, Script: "问候；确认尺码"},
		time.Date(2026, 11, 11, 10, 0, 0, 0, shanghai)); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, a)
	b.login(agent.Username)
	b.open("/vip/me", `[data-testid=my-visit]`)
	b.screenshot("vip-01-my-visits")
	b.atPhoneSize("vip-02-my-visits-phone", `[data-testid=my-visit]`)
	b.do("open the visit",
		chromedp.Click(chromedp.CSS(`[data-testid=my-visit] a`)),
		chromedp.WaitVisible(chromedp.CSS(`#log-form`)),
	)
	if got := b.text(`[data-testid=contact-phone] .masked`); got != "139****9000" {
		t.Errorf("masked phone %q", got)
	}
	b.do("reveal the phone",
		chromedp.Evaluate[chromedp.Void](`window.__kefuNoReload = true`),
		chromedp.Click(chromedp.CSS(`[data-testid=reveal-phone]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=clear-phone]`)),
	)
	if got := b.text(`[data-testid=clear-phone]`); got != "13900139000" {
		t.Errorf("revealed phone %q", got)
	}
	if !run(b, "check no reload", chromedp.Evaluate[bool](`window.__kefuNoReload === true`)) {
		t.Errorf("revealing reloaded the page")
	}
	// tb_李 prefers Wangwang; this time the agent phones.
	b.do("log a call at 10:00",
		chromedp.SetValue(chromedp.CSS(`#channel`), "phone"),
		chromedp.SetValue(chromedp.CSS(`#contacted_at`), "2026-11-11T10:00"),
		chromedp.Click(chromedp.CSS(`[data-testid=outcome-reached]`)),
		chromedp.SendKeys(chromedp.CSS(`#notes`), "客户满意，想看新款"),
		chromedp.Click(chromedp.CSS(`[data-testid=log-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=window-warning]`)),
	)
	if got := b.text(`[data-testid=window-warning]`); !strings.Contains(got, "12:00-13:30") {
		t.Errorf("warning %q does not name the window", got)
	}
	if got := run(b, "read notes", chromedp.Value(chromedp.CSS(`#notes`))); got != "客户满意，想看新款" {
		t.Errorf("notes after the warning = %q", got)
	}
	b.screenshot("vip-03-window-warning")
	b.do("confirm and log",
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-outside]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=log-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=flash]`)),
	)
	if p := b.path(); p != "/vip/me" {
		t.Errorf("after logging the path is %q", p)
	}
	var logs int64
	a.store.DB().Raw(`SELECT count(*) FROM vip_visit_logs WHERE outside_window AND outcome = 'reached'`).Scan(&logs)
	if logs != 1 {
		t.Errorf("logged %d confirmed outside-window calls", logs)
	}
	b.screenshot("vip-04-logged")
}

// TestBrowserVIPManagerPages tours the demo shop's VIP pages as the store
// manager, at desktop and phone size.
func TestBrowserVIPManagerPages(t *testing.T) {
	a := newApp(t)
	if _, err := demo.Load(context.Background(), a.store); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, a)
	b.loginWith("manager", demo.Password)
	for _, p := range []struct{ path, sel, name string }{
		{"/vip/lists", `[data-testid=list-row]`, "vip-05-lists"},
		{"/vip/customers", `[data-testid=vip-row]`, "vip-06-customers"},
		{"/vip/suggestions", `h1`, "vip-07-suggestions"},
		{"/vip/report", `[data-testid=fig-completion]`, "vip-08-report"},
		{"/vip/lists/new", `#list-form`, "vip-09-new-list"},
	} {
		b.open(p.path, p.sel)
		b.screenshot(p.name)
		b.atPhoneSize(p.name+"-phone", p.sel)
	}
	b.open("/vip/customers", `[data-testid=vip-row]`)
	b.atPhoneSize("vip-06-customers-labels", `[data-testid=vip-row]`, func() {
		b.cardLabelsAreColumnHeads(`#vip-customers table`, 6)
	})
	b.do("open a customer",
		chromedp.Click(chromedp.CSS(`[data-testid=vip-row] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=timeline]`)),
	)
	b.screenshot("vip-10-customer")
}
