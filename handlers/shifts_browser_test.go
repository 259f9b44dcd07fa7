//go:build browser

package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kefudesk/models"
	"kefudesk/models/demo"
)

// switchUser logs the browser out, then in as name.
func (b *browser) switchUser(name string) {
	b.t.Helper()
	b.do("log out", chromedp.Click(chromedp.CSS(`[data-testid=logout]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)))
	b.login(name)
}

// TestBrowserSwapFromProposalToApproval: an agent proposes a swap, the
// colleague accepts, the manager sees the rule check and approves; the rota
// changes only then. Then the manager edits a cell with HTMX.
func TestBrowserSwapFromProposalToApproval(t *testing.T) {
	s := newShiftShop(t)
	a, c, d := s.findPair(t, 3)
	day := s.grid.Rota.Day(d).Format(time.DateOnly)
	b := newBrowser(t, s.app)

	b.login(a.Username)
	b.open("/shifts/swaps", `[data-testid=swap-form]`)
	b.do("fill the swap form",
		chromedp.SetValue(chromedp.CSS(`#colleague`), itoa(c.ID)),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=day][value="%s"]`, day))),
		chromedp.SendKeys(chromedp.CSS(`#note`), "周五家里有事"),
		chromedp.Click(chromedp.CSS(`[data-testid=propose]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=swap]`)),
	)
	if got := b.text(`[data-testid=swap-status]`); got != "等同事回复" {
		t.Fatalf("status after proposing: %q", got)
	}
	b.open("/shifts/me", `[data-testid=my-shifts]`)
	b.atPhoneSize("40-shifts-me-phone", `[data-testid=my-shifts]`)

	b.switchUser(c.Username)
	b.open("/shifts/swaps", `[data-testid=accept]`)
	b.do("accept", chromedp.Click(chromedp.CSS(`[data-testid=accept]`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	if got := b.text(`[data-testid=swap-status]`); got != "等店长批准" {
		t.Fatalf("status after accepting: %q", got)
	}
	g, _ := s.store.LoadRota(b.ctx, shiftWeek, 2)
	if g.Cell(a.ID, d) != "early" {
		t.Fatal("the rota changed before the manager approved")
	}

	b.switchUser(s.users[models.RoleManager].Username)
	b.open("/shifts/swaps", `[data-testid=swap-check-ok]`)
	b.screenshot("41-shifts-swap-manager")
	b.do("approve", chromedp.Click(chromedp.CSS(`[data-testid=approve]`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	if got := b.text(`[data-testid=swap-status]`); got != "已批准" {
		t.Fatalf("status after approval: %q", got)
	}
	cell := fmt.Sprintf(`#cell-%d-%s select`, a.ID, strings.ReplaceAll(day, "-", ""))
	b.open("/shifts?start=2026-11-09&weeks=2", cell)
	v := run(b, "read the cell", chromedp.Value(chromedp.CSS(cell)))
	if v != "late" {
		t.Fatalf("after approval the requester's cell is %q", v)
	}
	b.screenshot("42-shifts-rota")

	// An HTMX edit: set the day off, only the cell and the rule panel change.
	before := b.text(`#rota-rules h2`)
	b.do("edit a cell",
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.value = ""; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, cell)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=cell-broken], #rota-rules h2`)),
	)
	time.Sleep(500 * time.Millisecond) // let the swap settle before reading
	after := b.text(`#rota-rules h2`)
	broken := run(b, "count broken", chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=cell-broken]").length`))
	if before == after && broken == 0 {
		t.Errorf("the edit changed neither the rule panel (%q) nor showed a broken rule", after)
	}
	b.screenshot("43-shifts-rota-after-edit")
	b.open("/shifts/staffing?day=2026-11-11", `[data-testid=chart]`)
	b.screenshot("44-shifts-staffing")
}

// TestBrowserShiftsDemoTour walks the shift pages of the demo shop as the
// manager and as an agent, on a desk and on a phone.
func TestBrowserShiftsDemoTour(t *testing.T) {
	a := newApp(t)
	if _, err := demo.Load(context.Background(), a.store); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, a)
	b.loginWith("manager", demo.Password)
	scenario := "/shifts/staffing?day=2026-11-11&scenario=1&interval=30&oct_avg=1200&last_d11=9000&last_oct_avg=1000&override=&aht=300&concurrency=3&target=80&answer=300&shrinkage=30"
	for _, p := range []struct{ path, sel, shot string }{
		{"/", `[data-testid=card-shifts]`, "50-demo-today-manager-shifts"},
		{"/shifts?start=2026-11-09&weeks=2", `[data-testid=rota-rules]`, "51-demo-rota"},
		{"/shifts/swaps", `[data-testid=swap]`, "52-demo-swaps"},
		{"/shifts/handover", `[data-testid=handover-open]`, "53-demo-handover"},
		{scenario, `[data-testid=gaps]`, "54-demo-staffing-scenario"},
		{"/shifts/adherence", `[data-testid=adherence-case]`, "55-demo-adherence"},
		{"/shifts/fairness", `[data-testid=fairness]`, "56-demo-fairness"},
	} {
		b.open(p.path, p.sel)
		b.screenshot(p.shot)
	}
	b.open("/shifts?start=2026-11-09&weeks=2", `[data-testid=rota-rules]`)
	b.atPhoneSize("57-demo-rota-phone", `[data-testid=rota-rules]`)
	b.do("log out", chromedp.Click(chromedp.CSS(`[data-testid=logout]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)))
	b.loginWith("ahua", demo.Password)
	b.open("/", `[data-testid=handover-waiting]`)
	b.atPhoneSize("58-demo-today-agent-phone", `[data-testid=handover-waiting]`)
	b.open("/shifts/team", `[data-testid=team-week]`)
	b.atPhoneSize("59-demo-team-phone", `[data-testid=team-week]`)
}
