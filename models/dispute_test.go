package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"kefudesk/models"
)

// disputedShop: 小美 chatted first, 阿华 last; the order went to 阿华.
func disputedShop(t *testing.T) (*shop, int64) {
	sh := newShop(t)
	sh.chat("d1", "tb_d", "云裳:小美", "2026-11-11 08:00:00")
	sh.chat("d2", "tb_d", "云裳:阿华", "2026-11-11 09:00:00")
	sh.order("D1", "tb_d", "300", "2026-11-11 10:00:00", "2026-11-11 10:05:00", "", "")
	sh.order("Q1", "tb_quiet", "10", "2026-11-11 10:00:00", "2026-11-11 10:05:00", "", "")
	sh.load(t)
	var id int64
	if err := sh.s.DB().Raw(`SELECT id FROM orders WHERE order_no = 'D1'`).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return sh, id
}

func actor(u models.User) models.Actor { return u.Actor("") }

func TestDisputeFromClaimToRuling(t *testing.T) {
	sh, orderID := disputedShop(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 12, 2, 0, 0, 0, time.UTC)
	mgr := mustUser(t, sh.s, "boss", models.RoleManager)

	// Who may claim: only agents involved; a reason is required.
	if _, err := sh.s.FileDispute(ctx, actor(sh.ling), orderID, "我也聊过", now); !errors.Is(err, models.ErrNotYours) {
		t.Errorf("uninvolved claim: %v", err)
	}
	if _, err := sh.s.FileDispute(ctx, actor(sh.hua), orderID, "这是我的", now); err == nil {
		t.Error("the holder of the whole order claimed it")
	}
	if _, err := sh.s.FileDispute(ctx, actor(sh.mei), orderID, " ", now); err == nil {
		t.Error("claim without a reason")
	}
	d, err := sh.s.FileDispute(ctx, actor(sh.mei), orderID, "买家是我接待的，尺码也是我推荐的", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Holders) != 1 || d.Holders[0] != sh.hua.ID || d.Status != "open" || !d.AnswerDueAt.Equal(now.Add(24*time.Hour)) {
		t.Fatalf("dispute %+v", d)
	}
	if _, err := sh.s.FileDispute(ctx, actor(sh.mei), orderID, "再申请一次", now); err == nil {
		t.Error("second open dispute on one order")
	}
	// The holder is told, answers once within the deadline.
	todo, _ := sh.s.DisputesToAnswer(ctx, sh.hua.ID, now)
	if len(todo) != 1 {
		t.Fatalf("holder's list %d", len(todo))
	}
	if err := sh.s.AnswerDispute(ctx, actor(sh.hua), d.ID, "最后是我催的下单", now.Add(25*time.Hour)); err == nil {
		t.Error("answer after the deadline")
	}
	if err := sh.s.AnswerDispute(ctx, actor(sh.hua), d.ID, "最后是我促成的下单", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if todo, _ := sh.s.DisputesToAnswer(ctx, sh.hua.ID, now); len(todo) != 0 {
		t.Error("still to answer after answering")
	}
	// Ruling: shares must add to 100 and go to involved agents.
	if _, err := sh.s.RuleDispute(ctx, actor(mgr), d.ID, d.Version, map[int64]int{sh.mei.ID: 60, sh.hua.ID: 30}, "各有贡献"); err == nil {
		t.Error("shares of 90% accepted")
	}
	if _, err := sh.s.RuleDispute(ctx, actor(mgr), d.ID, d.Version, map[int64]int{sh.ling.ID: 100}, "给玲玲"); err == nil {
		t.Error("award to an uninvolved agent")
	}
	ruled, err := sh.s.RuleDispute(ctx, actor(mgr), d.ID, d.Version, map[int64]int{sh.mei.ID: 70, sh.hua.ID: 30}, "小美接待和推荐，阿华促成")
	if err != nil {
		t.Fatal(err)
	}
	sh.expect(t, "D1", "last_chat", "credit:xiaomei:21000:7000", "credit:ahua:9000:3000")
	// A stale second ruling is a conflict; a ruled dispute is final.
	if _, err := sh.s.RuleDispute(ctx, actor(mgr), d.ID, d.Version, map[int64]int{sh.mei.ID: 100}, "改判"); err == nil {
		t.Error("stale ruling accepted")
	} else if _, ok := models.AsConflict(err); !ok {
		t.Errorf("stale ruling: %v", err)
	}
	if _, err := sh.s.RuleDispute(ctx, actor(mgr), d.ID, ruled.Version, map[int64]int{sh.mei.ID: 100}, "改判"); err == nil {
		t.Error("ruled twice without reopening")
	}
	if err := sh.s.AnswerDispute(ctx, actor(sh.hua), d.ID, "补充一句", now.Add(time.Hour)); err == nil {
		t.Error("answer on a ruled dispute")
	}
	// The ruling survives a re-import and a re-apply.
	sh.orderRows = sh.orderRows[:1]
	sh.orderRows[0] = "D1,tb_d,300,交易成功,2026-11-11 10:00:00,2026-11-11 10:05:00,,,60"
	sh.chats = nil
	sh.load(t)
	sh.expect(t, "D1", "last_chat", "credit:xiaomei:21000:7000", "credit:ahua:9000:3000")
	if n := count(t, sh.s, `SELECT sum(c.refund_fen) FROM order_credits c JOIN orders o ON o.id = c.order_id WHERE o.order_no = 'D1'`); n != 6000 {
		t.Errorf("refund split %d", n)
	}
	// Reopening brings the automatic credit back until the next ruling.
	if _, err := sh.s.ReopenDispute(ctx, actor(mgr), d.ID, ruled.Version, "有新证据", now); err != nil {
		t.Fatal(err)
	}
	sh.expect(t, "D1", "last_chat", "credit:ahua:30000:10000")
	if n := count(t, sh.s, `SELECT count(*) FROM audit_log WHERE entity = 'dispute' AND entity_id = ?`, fmt.Sprint(d.ID)); n != 4 {
		t.Errorf("audited %d (claim, answer, rule, reopen)", n)
	}
}

func TestDisputeOnSilentOrderAndLists(t *testing.T) {
	sh, orderID := disputedShop(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 12, 2, 0, 0, 0, time.UTC)
	var quiet int64
	_ = sh.s.DB().Raw(`SELECT id FROM orders WHERE order_no = 'Q1'`).Scan(&quiet).Error
	// Nobody is involved in a silent order, so nobody can claim it.
	if _, err := sh.s.FileDispute(ctx, actor(sh.mei), quiet, "是我", now); !errors.Is(err, models.ErrNotYours) {
		t.Errorf("claim on a silent order nobody touched: %v", err)
	}
	if _, err := sh.s.FileDispute(ctx, actor(sh.mei), orderID, "买家是我接待的", now); err != nil {
		t.Fatal(err)
	}
	open, _ := sh.s.OpenDisputes(ctx, 10)
	mine, _, _ := sh.s.ListDisputes(ctx, models.DisputeFilter{UserID: sh.mei.ID})
	others, _, _ := sh.s.ListDisputes(ctx, models.DisputeFilter{UserID: sh.ling.ID})
	if len(open) != 1 || len(mine) != 1 || len(others) != 0 {
		t.Errorf("open %d mine %d others %d", len(open), len(mine), len(others))
	}
	c, err := sh.s.DisputeCase(ctx, open[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Agents) != 2 {
		t.Fatalf("evidence for %d agents", len(c.Agents))
	}
	for _, e := range c.Agents {
		if e.AgentMessages != 1 || e.BuyerMessages != 1 || e.QuestionsAnswered != 1 || len(e.Lines) != 2 {
			t.Errorf("%s: %+v", e.Name, e)
		}
	}
	if !c.Agents[0].Claimant || c.Agents[0].UserID != sh.mei.ID || c.Agents[1].AutoShareBP != 10000 {
		t.Errorf("claimant first, holder's automatic share: %+v", c.Agents)
	}
}

// The claimant may take an open claim back: nobody else may, a stale page
// is told, the order keeps its automatic credit, and a new claim may follow.
// A ruled claim cannot be withdrawn.
func TestDisputeWithdrawnByTheClaimant(t *testing.T) {
	sh, orderID := disputedShop(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 12, 2, 0, 0, 0, time.UTC)
	d, err := sh.s.FileDispute(ctx, actor(sh.mei), orderID, "买家是我接待的", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sh.s.WithdrawDispute(ctx, actor(sh.hua), d.ID, d.Version); !errors.Is(err, models.ErrNotYours) {
		t.Errorf("the holder withdrew the claim: %v", err)
	}
	if _, err := sh.s.WithdrawDispute(ctx, actor(sh.mei), d.ID, d.Version+1); err == nil {
		t.Error("a stale version withdrew")
	}
	w, err := sh.s.WithdrawDispute(ctx, actor(sh.mei), d.ID, d.Version)
	if err != nil {
		t.Fatal(err)
	}
	if w.Status != models.DisputeWithdrawn {
		t.Fatalf("status %q", w.Status)
	}
	sh.expect(t, "D1", "last_chat", "credit:ahua:30000:10000")
	if n := count(t, sh.s, `SELECT count(*) FROM audit_log WHERE entity = 'dispute' AND action = 'withdraw'`); n != 1 {
		t.Errorf("withdrawals audited: %d", n)
	}
	again, err := sh.s.FileDispute(ctx, actor(sh.mei), orderID, "补充了聊天记录，再申诉", now.Add(time.Hour))
	if err != nil {
		t.Fatalf("a new claim after withdrawing: %v", err)
	}
	mgr := mustUser(t, sh.s, "boss", models.RoleManager)
	ruled, err := sh.s.RuleDispute(ctx, actor(mgr), again.ID, again.Version, map[int64]int{sh.hua.ID: 100}, "阿华最后接待")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sh.s.WithdrawDispute(ctx, actor(sh.mei), ruled.ID, ruled.Version); err == nil {
		t.Error("a ruled claim was withdrawn")
	}
}
