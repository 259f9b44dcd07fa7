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

// TestBrowserDisputeFromClaimToRuling: 小美 served the buyer first, 阿华
// last, so the order went to 阿华. 小美 claims it, 阿华 answers from the
// today page, the manager compares the evidence and splits it 70/30.
func TestBrowserDisputeFromClaimToRuling(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	mei, hua := disputeAgents(t, a)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	chats := "会话ID,买家,客服,发送方,时间,内容\n" +
		"b1,tb_王,云裳:小美,买家,2026-11-10 20:00:00,这件外套有M码吗？\n" +
		"b1,tb_王,云裳:小美,客服,2026-11-10 20:01:00,亲，有的，您165的话M码正好\n" +
		"b2,tb_王,云裳:阿华,买家,2026-11-11 08:50:00,今天能发货吗\n" +
		"b2,tb_王,云裳:阿华,客服,2026-11-11 08:51:00,亲，16点前下单当天发\n"
	if _, err := a.store.ImportChats(ctx, models.SystemActor, strings.NewReader(chats), "c.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	orders := "order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark,flag,refund_amount\n" +
		"B1,tb_王,300,交易成功,2026-11-11 09:30:00,2026-11-11 09:31:00,,,0\n"
	if _, err := a.store.ImportOrders(ctx, models.SystemActor, strings.NewReader(orders), "o.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, a)
	b.login(mei.Username)
	b.open("/orders", `[data-testid=order-link]`)
	b.do("open the order and claim it",
		chromedp.Click(chromedp.CSS(`[data-testid=order-link]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=claim-form]`)),
	)
	if got := b.text(`[data-testid=rule]`); !strings.Contains(got, "最后接待") {
		t.Errorf("rule shown to the agent: %q", got)
	}
	b.screenshot("40-order-detail-agent")
	b.do("file the claim",
		chromedp.SendKeys(chromedp.CSS(`#reason`), "尺码是我推荐的，买家前一晚就决定了"),
		chromedp.Click(chromedp.CSS(`[data-testid=claim-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=evidence]`)),
	)
	b.logout()

	b.login(hua.Username)
	b.do("the holder sees the dispute on the today page",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=card-dispute-answers] a`)),
		chromedp.Click(chromedp.CSS(`[data-testid=card-dispute-answers] p a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=answer-form]`)),
		chromedp.SendKeys(chromedp.CSS(`#body`), "买家是问了发货时间后才下单的"),
		chromedp.Click(chromedp.CSS(`[data-testid=answer-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=answer]`)),
	)
	b.logout()

	b.login(a.users[models.RoleManager].Username)
	b.do("the manager opens it from the today page",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=card-disputes] li a`)),
		chromedp.Click(chromedp.CSS(`[data-testid=card-disputes] li a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=ruling-form]`)),
	)
	if n := run(b, "count evidence columns", chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=evidence-agent]").length`)); n != 2 {
		t.Errorf("evidence for %d agents, want 2", n)
	}
	b.screenshot("41-dispute-ruling-form")
	b.atPhoneSize("42-dispute-phone", `[data-testid=ruling-form]`)
	meiShare, huaShare := "#share_"+itoa(mei.ID), "#share_"+itoa(hua.ID)
	b.do("a split that does not add up is refused, keeping the input",
		clearField(meiShare), chromedp.SendKeys(chromedp.CSS(meiShare), "70"),
		chromedp.SendKeys(chromedp.CSS(`#ruling_reason`), "小美推荐尺码，阿华促成"),
		chromedp.Click(chromedp.CSS(`[data-testid=rule-button]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=error-shares]`)),
	)
	if got := run(b, "read typed share", chromedp.Evaluate[string](`document.querySelector("`+meiShare+`").value`)); got != "70" {
		t.Errorf("typed share after 422: %q", got)
	}
	b.do("split 70/30",
		clearField(huaShare), chromedp.SendKeys(chromedp.CSS(huaShare), "30"),
		chromedp.Click(chromedp.CSS(`[data-testid=rule-button]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=reopen-form]`)),
	)
	if got := b.text(`[data-testid=ruling]`); !strings.Contains(got, "70%") || !strings.Contains(got, "30%") {
		t.Errorf("ruling shown: %q", got)
	}
	b.screenshot("43-dispute-ruled")
	b.open("/orders/performance?from=2026-11-11&to=2026-11-11", `[data-testid=sales-agents]`)
	if got := b.text(`[data-testid=sales-agents]`); !strings.Contains(got, "¥210.00") || !strings.Contains(got, "¥90.00") {
		t.Errorf("performance after the ruling: %q", got)
	}
	b.screenshot("44-performance")
}

func (b *browser) logout() {
	b.t.Helper()
	b.do("log out", chromedp.Click(chromedp.CSS(`[data-testid=logout]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)))
}

// TestBrowserDemoOrders walks the order pages of the demo shop as the
// store manager, and an agent's view of performance.
func TestBrowserDemoOrders(t *testing.T) {
	a := newApp(t)
	if _, err := demo.Load(context.Background(), a.store); err != nil {
		t.Fatal(err)
	}
	// A re-apply cut off by a restart, as the run list shows it.
	if err := a.store.DB().Exec(`INSERT INTO import_runs (kind, file_name, status, rows_done, bytes_total, finished_at, problems)
		VALUES ('attribution', '2026-11-10', 'failed', 3000, 5200, now(), '{"List":[{"Key":"attr.reapply_interrupted"}],"Total":1}')`).Error; err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, a)
	b.loginWith("manager", demo.Password)
	for _, p := range []struct{ path, sel, shot string }{
		{"/", `[data-testid=card-disputes]`, "45-demo-today-disputes"},
		{"/orders", `[data-testid=order-credited]`, "46-demo-orders"},
		{"/orders/performance?from=2026-11-01&to=2026-11-15", `[data-testid=trend]`, "47-demo-performance"},
		{"/disputes", `[data-testid=dispute]`, "48-demo-disputes"},
		{"/orders/attribution?from=2026-11-11&to=2026-11-11", `[data-testid=reapply-run-problem]`, "49-demo-attribution"},
	} {
		b.open(p.path, p.sel)
		b.screenshot(p.shot)
	}
	b.open("/orders/performance?from=2026-11-01&to=2026-11-15", `[data-testid=trend]`)
	b.atPhoneSize("50-demo-performance-phone", `[data-testid=trend]`, func() {
		b.cardLabelsAreColumnHeads(`[data-testid=sales-agents]`, 12)
	})
	b.open("/orders", `[data-testid=order-credited]`)
	b.atPhoneSize("50-demo-orders-phone", `[data-testid=order-credited]`, func() {
		b.cardLabelsAreColumnHeads(`#orders table`, 7)
	})
	b.open("/disputes", `[data-testid=dispute]`)
	b.do("open a demo dispute",
		chromedp.Click(chromedp.CSS(`[data-testid=dispute] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=evidence]`)),
	)
	b.screenshot("51-demo-dispute")
	b.logout()
	b.loginWith("xiaomei", demo.Password)
	b.open("/orders/performance?from=2026-11-01&to=2026-11-15", `[data-testid=sales-agents]`)
	if n := run(b, "count rows", chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=sales-row]").length`)); n != 1 {
		t.Errorf("an agent sees %d rows, want only their own", n)
	}
	b.screenshot("52-demo-performance-agent")
}
