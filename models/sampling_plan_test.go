package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

func TestRunPlanOnTheDemoShop(t *testing.T) {
	s, ctx := demoStore(t)
	// Start from the demo's chats and team, without its own plan and reviews.
	for _, q := range []string{`DELETE FROM review_appeals`, `DELETE FROM reviews`, `DELETE FROM review_assignments`, `DELETE FROM sampling_plans`} {
		if err := s.DB().Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	qc, _ := s.UserByUsername(ctx, "qc")
	mgr, _ := s.UserByUsername(ctx, "manager")
	agent, _ := s.UserByUsername(ctx, "xiaomei")
	if _, err := s.CreatePlan(ctx, models.SystemActor, models.PlanForm{Name: "x", Period: "day", PerAgent: 2, LowWeight: 2, Inspectors: []int64{agent.ID}}); err == nil {
		t.Error("an agent accepted as inspector")
	}
	p, err := s.CreatePlan(ctx, models.SystemActor, models.PlanForm{Name: "每日抽查", Period: "day", PerAgent: 2, LowWeight: 2,
		MinMessages: 4, Inspectors: []int64{qc.ID, mgr.ID}, DueDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 12, 10, 0, 0, 0, shanghai)
	res, err := s.RunPlan(ctx, models.SystemActor, p.ID, now, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	if !res.From.Equal(time.Date(2026, 11, 11, 0, 0, 0, 0, shanghai)) || res.Drawn < 6 {
		t.Fatalf("draw %+v", res)
	}
	// Every pick is from Double 11 itself, has 4+ messages, and each agent got at most 2x2.
	var bad int64
	s.DB().Raw(`SELECT count(*) FROM review_assignments x JOIN chat_conversations c ON c.id = x.conversation_id
		WHERE c.started_at < ? OR c.started_at >= ? OR c.messages < 4 OR x.agent_nick <> c.received_by`, res.From, res.To).Scan(&bad)
	if bad != 0 {
		t.Errorf("%d picks outside the plan's filters", bad)
	}
	var maxPer int64
	s.DB().Raw(`SELECT max(n) FROM (SELECT count(*) n FROM review_assignments GROUP BY agent_nick) t`).Scan(&maxPer)
	if maxPer > 4 {
		t.Errorf("an agent got %d chats", maxPer)
	}
	// Work is spread evenly.
	q1, _ := s.InspectorQueue(ctx, qc.ID, 100)
	q2, _ := s.InspectorQueue(ctx, mgr.ID, 100)
	if d := len(q1) - len(q2); d > 1 || d < -1 || len(q1)+len(q2) != res.Drawn {
		t.Errorf("queues %d and %d for %d picks", len(q1), len(q2), res.Drawn)
	}
	// A second run in the same period draws nothing new.
	again, err := s.RunPlan(ctx, models.SystemActor, p.ID, now.Add(3*time.Hour), shanghai)
	if err != nil || !again.AlreadyDrawn || again.Drawn != 0 {
		t.Errorf("second run %+v %v", again, err)
	}
	// Reviewed chats leave the queue.
	r, err := s.StartReview(ctx, qc.Actor(""), q1[0].ConversationID, q1[0].AgentNick, models.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	f := models.ReviewForm{Version: r.Version, Ratings: fullRatings()}
	if _, err := s.SaveReview(ctx, qc.Actor(""), r.ID, f, true); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.InspectorQueue(ctx, qc.ID, 100); len(after) != len(q1)-1 {
		t.Errorf("queue after a review: %d, was %d", len(after), len(q1))
	}
}

func TestPlanDrawsOnlyChatsThatLedToAnOrder(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	csv := "conversation_id,buyer,agent,sender,sent_at,text\n" +
		"o1,tb_买了,店:甲,buyer,2026-11-11 21:00:00,有货吗\no1,tb_买了,店:甲,agent,2026-11-11 21:00:30,亲，有的\n" +
		"o2,tb_晚了,店:甲,buyer,2026-11-11 21:10:00,有货吗\no2,tb_晚了,店:甲,agent,2026-11-11 21:10:30,亲，有的\n" +
		"o3,tb_没买,店:甲,buyer,2026-11-11 21:20:00,有货吗\no3,tb_没买,店:甲,agent,2026-11-11 21:20:30,亲，有的\n"
	if _, err := s.ImportChats(ctx, models.SystemActor, strings.NewReader(csv), "c.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	orders := "order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark\n" +
		"X1,tb_买了,99,交易成功,2026-11-12 23:59:00,2026-11-12 23:59:30,\n" + // end of the next day: counts
		"X2,tb_晚了,99,交易成功,2026-11-13 00:00:10,2026-11-13 00:01:00,\n" // the day after: does not
	if _, err := s.ImportOrders(ctx, models.SystemActor, strings.NewReader(orders), "o.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	qc := mustUser(t, s, "inspector", models.RoleQC)
	p, err := s.CreatePlan(ctx, models.SystemActor, models.PlanForm{Name: "成交抽查", Period: "day", PerAgent: 10, LowWeight: 1,
		HasOrder: true, Inspectors: []int64{qc.ID}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.RunPlan(ctx, models.SystemActor, p.ID, time.Date(2026, 11, 12, 9, 0, 0, 0, shanghai), shanghai)
	if err != nil || res.Drawn != 1 {
		t.Fatalf("draw %+v %v", res, err)
	}
	q, _ := s.InspectorQueue(ctx, qc.ID, 10)
	if len(q) != 1 || q[0].Buyer != "tb_买了" {
		t.Errorf("queue %+v", q)
	}
}
