package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

type visitFixture struct {
	s              *models.Store
	boss, mei, hua models.User
	list           models.VisitList
	visits         []models.VisitRow
}

// newVisitFixture: five VIPs, two agents; tb_1 and tb_2 last chatted with
// 小美, so they are hers; a list for November 2026 made on the 2nd.
func newVisitFixture(t *testing.T) visitFixture {
	t.Helper()
	s, _ := newStore(t)
	ctx := context.Background()
	f := visitFixture{s: s}
	f.boss = mustUser(t, s, "boss", models.RoleManager)
	f.mei = mustUser(t, s, "mei", models.RoleAgent, "店:小美")
	f.hua = mustUser(t, s, "hua", models.RoleAgent, "店:阿华")
	chats := "会话ID,买家,客服,发送方,时间,内容\n" +
		"c1,tb_1,店:阿华,买家,2026-10-01 09:00:00,在吗\nc1,tb_1,店:阿华,客服,2026-10-01 09:01:00,在的\n" +
		"c2,tb_1,店:小美,买家,2026-10-20 09:00:00,到了吗\nc2,tb_1,店:小美,客服,2026-10-20 09:01:00,到了\n" +
		"c3,tb_2,店:小美,买家,2026-10-21 09:00:00,尺码\nc3,tb_2,店:小美,客服,2026-10-21 09:01:00,M码\n"
	if _, err := s.ImportChats(ctx, models.SystemActor, strings.NewReader(chats), "c.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	vips := "buyer,phone,real_name,tier,tags,do_not_contact\n" +
		"tb_1,13800000001,赵一,gold,,no\ntb_2,13800000002,钱二,gold,,no\ntb_3,13800000003,孙三,gold,,no\n" +
		"tb_4,13800000004,李四,silver,老客,no\ntb_5,13800000005,周五,gold,,yes\ntb_6,13800000006,吴六,silver,,no\n"
	if _, err := s.ImportVIPs(ctx, models.SystemActor, strings.NewReader(vips), "v.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	var err error
	f.list, err = s.CreateVisitList(ctx, f.boss.Actor(""), models.VisitListForm{Name: "11月VIP回访", Purpose: "双11后关怀",
		PeriodStart: "2026-11-01", PeriodEnd: "2026-11-30", Tiers: []string{"gold"}, Tags: []string{"老客"},
		AgentIDs: []int64{f.hua.ID, f.mei.ID}, Monthly: true}, time.Date(2026, 11, 2, 10, 0, 0, 0, shanghai))
	if err != nil {
		t.Fatal(err)
	}
	if f.visits, err = s.ListVisitsOf(ctx, f.list.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f visitFixture) visitOf(t *testing.T, buyer string) models.VisitRow {
	for _, v := range f.visits {
		if v.Buyer == buyer {
			return v
		}
	}
	t.Fatalf("no visit of %s", buyer)
	return models.VisitRow{}
}

func TestVisitListChoosesAndBalances(t *testing.T) {
	f := newVisitFixture(t)
	// gold tb_1, tb_2, tb_3 and tag 老客 tb_4; tb_5 asked not to be contacted; silver tb_6 not chosen.
	if len(f.visits) != 4 {
		t.Fatalf("visits %d, want 4", len(f.visits))
	}
	load := map[int64]int{}
	for _, v := range f.visits {
		load[v.AgentID]++
		if v.DueOn.Before(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) || v.DueOn.After(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("visit of %s due %v, outside 2-30 November", v.Buyer, v.DueOn)
		}
	}
	if load[f.mei.ID] != 2 || load[f.hua.ID] != 2 {
		t.Errorf("loads %v, want 2 each", load)
	}
	// tb_1's latest chat was with 小美 (an older one with 阿华).
	if f.visitOf(t, "tb_1").AgentID != f.mei.ID || f.visitOf(t, "tb_2").AgentID != f.mei.ID {
		t.Errorf("tb_1/tb_2 not with the agent who last served them")
	}
	// The monthly rule gives December its own list, once.
	ctx := context.Background()
	dec := time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai)
	for i := 0; i < 2; i++ {
		n, err := f.s.EnsureMonthlyLists(ctx, dec)
		if err != nil || n != 1-i {
			t.Fatalf("run %d made %d lists: %v", i, n, err)
		}
	}
	page, _ := f.s.VisitLists(ctx, dec, nil, 10)
	if len(page.Lists) != 2 || page.Lists[0].Name != "11月VIP回访 2026-12" || page.Lists[0].Total != 4 {
		t.Errorf("lists after December %+v", page.Lists)
	}
}

func TestMaskingAndAuditedReveal(t *testing.T) {
	f := newVisitFixture(t)
	ctx := context.Background()
	if models.MaskPhone("13800000001") != "138****0001" || models.MaskName("赵一") != "赵*" {
		t.Errorf("masks %q %q", models.MaskPhone("13800000001"), models.MaskName("赵一"))
	}
	v1 := f.visitOf(t, "tb_1") // 小美's
	if _, err := f.s.RevealContact(ctx, f.hua.Actor("10.0.0.9"), f.hua, v1.CustomerID, models.FieldPhone); !errors.Is(err, models.ErrNotYours) {
		t.Errorf("another agent revealed the phone: %v", err)
	}
	qc := mustUser(t, f.s, "qc1", models.RoleQC)
	if ok, _ := f.s.MayReveal(ctx, qc, v1.CustomerID); ok {
		t.Error("QC may reveal")
	}
	got, err := f.s.RevealContact(ctx, f.mei.Actor("10.0.0.8"), f.mei, v1.CustomerID, models.FieldPhone)
	if err != nil || got != "13800000001" {
		t.Fatalf("own agent reveal: %q %v", got, err)
	}
	if got, _ := f.s.RevealContact(ctx, f.boss.Actor(""), f.boss, v1.CustomerID, models.FieldRealName); got != "赵一" {
		t.Errorf("manager reveal %q", got)
	}
	page, _ := f.s.ListAudit(ctx, models.AuditFilter{Entity: "vip_customer"})
	var reveals []string
	for _, e := range page.Entries {
		if e.Action == "reveal" {
			reveals = append(reveals, e.ActorName+" "+string(e.After)+" "+e.IP)
			if strings.Contains(string(e.After), "13800000001") || strings.Contains(string(e.After), "赵一") {
				t.Errorf("the audit log holds the revealed value: %s", e.After)
			}
		}
	}
	if len(reveals) != 2 || !strings.Contains(reveals[1], "mei") || !strings.Contains(reveals[1], `"field": "phone"`) || !strings.Contains(reveals[1], "10.0.0.8") {
		t.Errorf("reveal audit %q", reveals)
	}
}

func TestLogVisitWindowNoAnswerFollowUp(t *testing.T) {
	f := newVisitFixture(t)
	ctx := context.Background()
	v := f.visitOf(t, "tb_1")
	now := time.Date(2026, 11, 14, 22, 0, 0, 0, shanghai) // a Saturday
	form := models.VisitLogForm{VisitID: v.ID, Version: v.Version, Channel: "phone", ContactedAt: "2026-11-14T10:00", Outcome: "no_answer"}
	_, err := f.s.LogVisit(ctx, f.mei.Actor(""), form, now)
	if errs, ok := models.AsValidation(err); !ok || errs["contacted_at"].Key != "vip.warn.outside_window" {
		t.Fatalf("a Saturday call was not warned about: %v", err)
	}
	if _, err := f.s.LogVisit(ctx, f.hua.Actor(""), form, now); !errors.Is(err, models.ErrNotYours) {
		t.Errorf("another agent logged the visit: %v", err)
	}
	form.ConfirmOutside = true
	got, err := f.s.LogVisit(ctx, f.mei.Actor(""), form, now)
	if err != nil || got.NoAnswers != 1 || got.Status != "open" {
		t.Fatalf("first no answer: %+v %v", got, err)
	}
	// Wangwang is not a call: no window. Weekday noon calls need no confirmation.
	form = models.VisitLogForm{VisitID: v.ID, Version: got.Version, Channel: "wangwang", ContactedAt: "2026-11-14T21:30", Outcome: "no_answer"}
	if got, err = f.s.LogVisit(ctx, f.mei.Actor(""), form, now); err != nil {
		t.Fatal(err)
	}
	stale := form
	form = models.VisitLogForm{VisitID: v.ID, Version: got.Version, Channel: "phone", ContactedAt: "2026-11-16T12:10", Outcome: "no_answer",
		FollowUpOn: "2026-12-01"}
	if got, err = f.s.LogVisit(ctx, f.mei.Actor(""), form, time.Date(2026, 11, 16, 13, 0, 0, 0, shanghai)); err != nil {
		t.Fatal(err)
	}
	if got.Status != "unreachable" || got.NoAnswers != 3 || got.ClosedAt == nil {
		t.Errorf("three no answers: %+v", got)
	}
	if _, err := f.s.LogVisit(ctx, f.mei.Actor(""), stale, now); err == nil {
		t.Error("a stale log was accepted")
	}
	logs, _ := f.s.LogsOfVisit(ctx, v.ID)
	if len(logs) != 3 || !logs[0].OutsideWindow || logs[1].OutsideWindow || logs[2].OutsideWindow {
		t.Errorf("logs %+v", logs)
	}
	due, _ := f.s.DueVisits(ctx, f.mei.ID, time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai), 50)
	follow := 0
	for _, d := range due {
		if d.FollowUpOf != nil && *d.FollowUpOf == v.ID && d.DueOn.Format(time.DateOnly) == "2026-12-01" {
			follow++
		}
	}
	if follow != 1 {
		t.Errorf("follow-up visit not planned: %+v", due)
	}
}

func TestVisitReportCountsOrdersAfterVisit(t *testing.T) {
	f := newVisitFixture(t)
	ctx := context.Background()
	v := f.visitOf(t, "tb_3")
	agent := f.mei
	if v.AgentID == f.hua.ID {
		agent = f.hua
	}
	now := time.Date(2026, 11, 11, 19, 0, 0, 0, shanghai)
	_, err := f.s.LogVisit(ctx, agent.Actor(""), models.VisitLogForm{VisitID: v.ID, Version: v.Version, Channel: "phone",
		ContactedAt: "2026-11-11T18:30", Outcome: "reached", Notes: "很满意"}, now)
	if err != nil {
		t.Fatal(err)
	}
	orders := "order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark\n" +
		"R1,tb_3,199,交易成功,2026-11-10 10:00:00,2026-11-10 10:00:00,\n" + // before the visit
		"R2,tb_3,299,交易成功,2026-11-12 10:00:00,2026-11-12 10:00:00,\n" + // within 30 days
		"R3,tb_3,99,交易成功,2026-12-20 10:00:00,2026-12-20 10:00:00,\n" // after 30 days
	if _, err := f.s.ImportOrders(ctx, models.SystemActor, strings.NewReader(orders), "o.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := f.s.VisitReportFor(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 20, 9, 0, 0, 0, shanghai))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Lists) != 1 || rep.Total.Total != 4 || rep.Total.Done != 1 || rep.Total.Reached != 1 || rep.Total.Orders != 1 || rep.Total.OrdersFen != 29900 {
		t.Errorf("report %+v", rep.Total)
	}
	if rep.Outcomes["reached"] != 1 || len(rep.Agents) != 2 {
		t.Errorf("outcomes %v agents %d", rep.Outcomes, len(rep.Agents))
	}
	// Due dates 2-30 Nov spread per agent: on the 20th some of the other visits are overdue.
	if rep.Total.Overdue == 0 {
		t.Errorf("no overdue visits on the 20th: %+v", rep.Total)
	}
	// The buyer's bad review joins the timeline; a good one (praise) does not.
	reviews := "review_id,order_id,buyer,rating,content,reviewed_at,item\n" +
		"V1,R2,tb_3,差评,袖子开线了,2026-11-13 09:00:00,羽绒服\n" +
		"V2,R1,tb_3,好评,很好,2026-11-12 08:00:00,羽绒服\n"
	if _, err := f.s.ImportBadReviews(ctx, models.SystemActor, strings.NewReader(reviews), "r.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	tl, err := f.s.BuyerTimeline(ctx, "tb_3", 50)
	if err != nil || len(tl) != 5 || tl[0].Kind != "order" || tl[1].Kind != "bad_review" || tl[1].Title != "bad" ||
		tl[1].Detail != "袖子开线了" || tl[1].Who != "new" || tl[3].Kind != "visit" || tl[3].Title != "reached" {
		t.Errorf("timeline %+v %v", tl, err)
	}
}
