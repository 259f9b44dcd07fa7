package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

// shop is a store with two pre-sales agents and an assistant, as nicks in
// chats and names in remarks.
type shop struct {
	s                *models.Store
	mei, hua, ling   models.User
	chats, orderRows []string
}

func newShop(t *testing.T) *shop {
	s, _ := newStore(t)
	sh := &shop{s: s}
	sh.mei = mustUser(t, s, "xiaomei", models.RoleAgent, "云裳:小美")
	sh.hua = mustUser(t, s, "ahua", models.RoleAgent, "云裳:阿华")
	sh.ling = mustUser(t, s, "lingling", models.RoleAgent, "云裳:玲玲")
	return sh
}

// chat adds an agent line to the buyer (and the buyer's question before it).
func (sh *shop) chat(conv, buyer, nick, at string) {
	sh.chats = append(sh.chats,
		fmt.Sprintf("%s,%s,%s,买家,%s,有M码吗？", conv, buyer, nick, at),
		fmt.Sprintf("%s,%s,%s,客服,%s,亲，有的", conv, buyer, nick, at))
}

func (sh *shop) order(no, buyer, paidYuan, created, paid, remark, flag string) {
	sh.orderRows = append(sh.orderRows, strings.Join([]string{no, buyer, paidYuan, "交易成功", created, paid, remark, flag, "0"}, ","))
}

func (sh *shop) load(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if len(sh.chats) > 0 {
		body := "会话ID,买家,客服,发送方,时间,内容\n" + strings.Join(sh.chats, "\n") + "\n"
		if res, err := sh.s.ImportChats(ctx, models.SystemActor, strings.NewReader(body), "c.csv", shanghai, nil); err != nil {
			t.Fatalf("chats: %v %+v", err, res.Problems)
		}
	}
	body := "order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark,flag,refund_amount\n" + strings.Join(sh.orderRows, "\n") + "\n"
	if res, err := sh.s.ImportOrders(ctx, models.SystemActor, strings.NewReader(body), "o.csv", shanghai, nil); err != nil {
		t.Fatalf("orders: %v %+v", err, res.Problems)
	}
}

// credit reads what the DB holds for an order: rule and "kind:user:fen" rows.
func (sh *shop) credit(t *testing.T, no string) (string, []string) {
	t.Helper()
	var rule string
	if err := sh.s.DB().Raw(`SELECT a.rule FROM order_attributions a JOIN orders o ON o.id = a.order_id WHERE o.order_no = ?`, no).Scan(&rule).Error; err != nil {
		t.Fatal(err)
	}
	var rows []string
	err := sh.s.DB().Raw(`SELECT c.kind || ':' || COALESCE(u.username, c.agent) || ':' || c.amount_fen || ':' || c.share_bp
		FROM order_credits c JOIN orders o ON o.id = c.order_id LEFT JOIN users u ON u.id = c.user_id
		WHERE o.order_no = ? ORDER BY c.kind DESC, c.share_bp DESC, u.username`, no).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	return rule, rows
}

func (sh *shop) expect(t *testing.T, no, rule string, rows ...string) {
	t.Helper()
	gotRule, got := sh.credit(t, no)
	if gotRule != rule || strings.Join(got, " ") != strings.Join(rows, " ") {
		t.Errorf("%s: got %s %v, want %s %v", no, gotRule, got, rule, rows)
	}
}

func TestAttributionRulesThroughTheDatabase(t *testing.T) {
	sh := newShop(t)
	// Last chat: 小美 the day before, 阿华 on the day; 阿华 was last.
	sh.chat("c1", "tb_a", "云裳:小美", "2026-11-10 20:00:00")
	sh.chat("c2", "tb_a", "云裳:阿华", "2026-11-11 09:00:00")
	sh.order("L1", "tb_a", "100", "2026-11-11 10:00:00", "2026-11-11 10:01:00", "", "")
	// A red-flag remark naming 小美 wins over 阿华's later chat.
	sh.order("R1", "tb_a", "50", "2026-11-11 11:00:00", "2026-11-11 11:05:00", "小美：要M码", "red")
	// Silent: a buyer nobody talked to.
	sh.order("S1", "tb_silent", "30", "2026-11-11 12:00:00", "2026-11-11 12:01:00", "", "")
	// Assist: 小美 before the order, 玲玲 between order and payment.
	sh.chat("c3", "tb_b", "云裳:小美", "2026-11-12 09:00:00")
	sh.chat("c4", "tb_b", "云裳:玲玲", "2026-11-12 15:00:00")
	sh.order("A1", "tb_b", "200", "2026-11-12 10:00:00", "2026-11-12 16:00:00", "", "")
	sh.load(t)

	sh.expect(t, "L1", "last_chat", "credit:ahua:10000:10000")
	sh.expect(t, "R1", "remark", "credit:xiaomei:5000:10000")
	sh.expect(t, "S1", "silent")
	sh.expect(t, "A1", "last_chat", "credit:xiaomei:20000:10000", "assist:lingling:0:0")
}

func TestAttributionWindowEdges(t *testing.T) {
	sh := newShop(t)
	// Window D-1 00:00 .. order time, in shop time.
	sh.chat("e1", "tb_in", "云裳:小美", "2026-11-10 00:00:00")
	sh.order("IN", "tb_in", "10", "2026-11-11 23:59:00", "2026-11-11 23:59:30", "", "")
	sh.chat("e2", "tb_out", "云裳:小美", "2026-11-09 23:59:59")
	sh.order("OUT", "tb_out", "10", "2026-11-11 08:00:00", "2026-11-11 08:00:30", "", "")
	// A chat after the order is no inquiry for it.
	sh.chat("e3", "tb_after", "云裳:阿华", "2026-11-11 08:00:01")
	sh.order("AFTER", "tb_after", "10", "2026-11-11 08:00:00", "", "", "")
	sh.load(t)
	sh.expect(t, "IN", "last_chat", "credit:xiaomei:1000:10000")
	sh.expect(t, "OUT", "silent")
	sh.expect(t, "AFTER", "silent")
}

func TestAttributionSettingsPromotionAndReapply(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	sh.chat("p1", "tb_p", "云裳:小美", "2026-11-11 08:00:00")
	sh.chat("p2", "tb_p", "云裳:阿华", "2026-11-11 09:00:00")
	sh.order("P1", "tb_p", "100.01", "2026-11-11 10:00:00", "2026-11-11 10:30:00", "", "")
	sh.load(t)
	sh.expect(t, "P1", "last_chat", "credit:ahua:10001:10000")

	if _, err := sh.s.SavePromotion(ctx, models.SystemActor, models.PromotionForm{Name: "双十一", From: "2026-11-11", To: "2026-11-11"}); err != nil {
		t.Fatal(err)
	}
	from, to := day("2026-11-11"), day("2026-11-12")
	pv, err := sh.s.PreviewAttribution(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Orders != 1 || pv.Changed != 1 || len(pv.Sample) != 1 || pv.Sample[0].NewRule != "promotion" {
		t.Fatalf("preview %+v", pv)
	}
	sh.expect(t, "P1", "last_chat", "credit:ahua:10001:10000") // a preview writes nothing
	// reapply starts a re-apply of the day and runs it; one at a time: a
	// second start while the first runs is refused.
	reapply := func() {
		t.Helper()
		run, err := sh.s.StartReapply(ctx, models.SystemActor, from, to, "11-11")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sh.s.StartReapply(ctx, models.SystemActor, from, to, "11-11"); !errors.Is(err, models.ErrReapplyRunning) {
			t.Fatalf("second start: %v", err)
		}
		if err := sh.s.RunReapply(ctx, models.SystemActor, run.ID, from, to); err != nil {
			t.Fatal(err)
		}
		if r, _ := sh.s.ImportRunByID(ctx, run.ID); r.Status != "done" || r.RowsDone != 1 || r.BytesTotal != 1 {
			t.Errorf("the run after re-applying: %+v", r)
		}
	}
	reapply()
	// Split evenly; the odd fen goes to the first; shares add up to the whole.
	sh.expect(t, "P1", "promotion", "credit:ahua:5000:5000", "credit:xiaomei:5001:5000")

	// Payment time (10:30) decides with a one-hour window: 阿华's 09:00 chat
	// would count from the order time (10:00) but not from the payment.
	st, _ := sh.s.Settings(ctx)
	if _, err := sh.s.SaveSettings(ctx, models.SystemActor, st.Version, map[string]string{
		models.SettingAttrDecideBy: "payment", models.SettingAttrWindowHours: "1"}); err != nil {
		t.Fatal(err)
	}
	prs, _ := sh.s.PromotionPeriods(ctx)
	if err := sh.s.DeletePromotion(ctx, models.SystemActor, prs[0].ID, prs[0].Version); err != nil {
		t.Fatal(err)
	}
	reapply()
	sh.expect(t, "P1", "silent")
	if n := count(t, sh.s, `SELECT count(*) FROM audit_log WHERE entity = 'attribution' AND action = 'reapply'`); n != 2 {
		t.Errorf("re-applies audited: %d", n)
	}
}

func TestAttributionAssistShare(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	st, _ := sh.s.Settings(ctx)
	if _, err := sh.s.SaveSettings(ctx, models.SystemActor, st.Version, map[string]string{models.SettingAttrAssistShare: "20"}); err != nil {
		t.Fatal(err)
	}
	sh.chat("x1", "tb_x", "云裳:小美", "2026-11-12 09:00:00")
	// A yellow flag naming 阿华: the payment reminder.
	sh.order("Y1", "tb_x", "99.99", "2026-11-12 10:00:00", "2026-11-12 18:00:00", "阿华：已催付", "yellow")
	sh.load(t)
	sh.expect(t, "Y1", "last_chat", "credit:xiaomei:7999:8000", "assist:ahua:2000:2000")
}

func day(s string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, s, shanghai)
	if err != nil {
		panic(err)
	}
	return d
}

// A run silent past its kind's limit lost its server: a re-apply is
// failed by the next start (saying its finished batches stand), an import
// by the server's sweep (saying nothing was imported); a live one blocks.
func TestStaleRunsFailWithTheirKindsMessage(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	from, to := day("2026-11-11"), day("2026-11-12")
	first, err := s.StartReapply(ctx, models.SystemActor, from, to, "11-11")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartReapply(ctx, models.SystemActor, from, to, "11-11"); !errors.Is(err, models.ErrReapplyRunning) {
		t.Fatalf("start beside a live run: %v", err)
	}
	chats, err := s.StartImportRun(ctx, models.SystemActor, "chats", "a.csv", 10)
	if err != nil {
		t.Fatal(err)
	}
	s.DB().Exec(`UPDATE import_runs SET progressed_at = now() - interval '6 minutes'`)
	if _, err := s.StartReapply(ctx, models.SystemActor, from, to, "11-11"); err != nil {
		t.Fatalf("start after a cut-off run: %v", err)
	}
	key := func(id int64) (string, string) {
		t.Helper()
		var r models.ImportRun
		if err := s.DB().First(&r, id).Error; err != nil {
			t.Fatal(err)
		}
		list, _ := r.ProblemList()
		if len(list) == 0 {
			return r.Status, ""
		}
		return r.Status, list[0].Key
	}
	if st, k := key(first.ID); st != "failed" || k != "attr.reapply_interrupted" {
		t.Errorf("cut-off re-apply: %s %s", st, k)
	}
	if st, _ := key(chats.ID); st != "running" {
		t.Errorf("an import six minutes quiet was failed by a re-apply start: %s", st)
	}
	s.DB().Exec(`UPDATE import_runs SET progressed_at = now() - interval '31 minutes' WHERE id = ?`, chats.ID)
	if n, err := s.FailStaleImportRuns(ctx, models.StaleImportAfter); err != nil || n != 1 {
		t.Fatalf("sweep: %d, %v", n, err)
	}
	if st, k := key(chats.ID); st != "failed" || k != "import.err.interrupted" {
		t.Errorf("cut-off import: %s %s", st, k)
	}
}
