//go:build browser

package handlers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kefudesk/models"
)

// TestBrowserBadReviewAssignAndHandIn: the manager assigns a review from the
// board with the suggested agent, the board refreshes by itself when another
// manager assigns the other one, and the agent logs a contact and hands in
// the result.
func TestBrowserBadReviewAssignAndHandIn(t *testing.T) {
	a, ids := badReviewApp(t)
	b := newBrowser(t, a)
	b.login(a.users[models.RoleManager].Username)
	b.open("/reviews", `[data-testid=board]`)
	b.screenshot("40-badreviews-board")
	row := fmt.Sprintf(`[data-testid=case][data-id="%d"]`, ids["H1"])
	b.do("assign the suggested agent",
		chromedp.Click(chromedp.CSS(row+` [data-testid=assign-suggested]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=flash]`)),
	)
	if got := b.text(row + ` td:nth-child(4)`); got != "用户agent" {
		t.Errorf("assigned agent shown %q", got)
	}
	// Another manager assigns H2 elsewhere: the open board shows it without reload.
	other := fmt.Sprintf(`[data-testid=case][data-id="%d"]`, ids["H2"])
	if err := a.store.AssignBadReviews(context.Background(), a.users[models.RoleManager].Actor(""),
		[]models.CaseVersion{{ID: ids["H2"], Version: 1}}, a.users[models.RoleAgent].ID, time.Date(2026, 11, 11, 2, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	b.do("live refresh", chromedp.WaitVisible(chromedp.CSS(other+` .badge:not(.badge-warn)`)))
	b.atPhoneSize("41-badreviews-board-phone", `[data-testid=board]`, func() {
		b.cardLabelsAreColumnHeads(`#bulk-assign table`, 6)
	})

	b.do("log out", chromedp.Click(chromedp.CSS(`[data-testid=logout]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)))
	b.login(a.users[models.RoleAgent].Username)
	b.open(fmt.Sprintf("/reviews/%d", ids["H1"]), `[data-testid=contact-form]`)
	b.do("log a contact",
		chromedp.SetValue(chromedp.CSS(`#channel`), "wangwang"),
		chromedp.SetValue(chromedp.CSS(`#offer`), "coupon"),
		chromedp.SendKeys(chromedp.CSS(`#offer_yuan`), "10"),
		chromedp.SetValue(chromedp.CSS(`#answer`), "agreed"),
		chromedp.SendKeys(chromedp.CSS(`#note`), "送10元券"),
		chromedp.Click(chromedp.CSS(`[data-testid=log-contact]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=contact]`)),
	)
	b.do("hand in the result",
		chromedp.SetValue(chromedp.CSS(`#outcome`), "revised"),
		chromedp.SetValue(chromedp.CSS(`#final_rating`), "good"),
		chromedp.SendKeys(chromedp.CSS(`#compensation_yuan`), "10"),
		chromedp.SendKeys(chromedp.CSS(`#account`), "送10元优惠券，买家已改为好评"),
		chromedp.Click(chromedp.CSS(`[data-testid=hand-in]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=case-result]`)),
	)
	if got := b.text(`[data-testid=case-status]`); got != "已解决" {
		t.Errorf("status after hand-in %q", got)
	}
	b.screenshot("42-badreviews-case-resolved")
	b.atPhoneSize("43-badreviews-case-phone", `[data-testid=case-result]`)
	var status string
	a.store.DB().Raw(`SELECT status FROM bad_reviews WHERE id = ?`, ids["H1"]).Scan(&status)
	if status != "resolved" {
		t.Errorf("DB status %q", status)
	}
}
