package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
	"kefudesk/models/testdb"
)

func TestGenerateScaleRefusesAShopDatabase(t *testing.T) {
	db, _ := testdb.New(t)
	_, err := models.NewStore(db).GenerateScale(context.Background(), models.ScaleOptions{Scale: 0.0001, Agents: 3, Days: 3, End: time.Now()}, time.UTC, nil)
	if !errors.Is(err, models.ErrNotABenchDatabase) {
		t.Fatalf("err = %v, want ErrNotABenchDatabase", err)
	}
}

// A small shop generated twice is the same shop, with every chat's stored
// figures in place and Double 11 the busiest day.
func TestGenerateScaleWritesTheSameShopAgain(t *testing.T) {
	db, _ := testdb.NewBench(t)
	store := models.NewStore(db)
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	opts := models.ScaleOptions{Scale: 0.0005, Agents: 12, Days: 40, End: time.Date(2026, 11, 30, 12, 0, 0, 0, sh), Seed: 7}
	type snapshot struct {
		Convs, Msgs, Orders, Users int64
		Buyers, Remarks            string
	}
	take := func() snapshot {
		var s snapshot
		err := db.Raw(`SELECT (SELECT count(*) FROM chat_conversations) AS convs,
		                      (SELECT count(*) FROM chat_messages) AS msgs,
		                      (SELECT count(*) FROM orders) AS orders,
		                      (SELECT count(*) FROM users WHERE role = 'agent') AS users,
		                      (SELECT md5(string_agg(buyer || started_at::text, ',' ORDER BY id)) FROM chat_conversations) AS buyers,
		                      (SELECT md5(string_agg(order_no || seller_remark, ',' ORDER BY order_no)) FROM orders) AS remarks`).Scan(&s).Error
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	got, err := store.GenerateScale(ctx, opts, sh, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := take()
	if first.Convs != 5000 || got.Conversations != 5000 || first.Msgs != got.Messages || first.Orders != 2500 || first.Users != 12 {
		t.Fatalf("wrote %+v, reported %+v", first, got)
	}
	var missing, d11, busiestOther int64
	db.Raw(`SELECT count(*) FROM chat_conversations c
	         WHERE c.messages <> (SELECT count(*) FROM chat_messages m WHERE m.conversation_id = c.id)`).Scan(&missing)
	if missing != 0 {
		t.Errorf("%d conversations' stored message counts disagree with their messages", missing)
	}
	db.Raw(`SELECT count(*) FROM chat_conversations WHERE (started_at AT TIME ZONE 'Asia/Shanghai')::date = '2026-11-11'`).Scan(&d11)
	db.Raw(`SELECT max(n) FROM (SELECT count(*) AS n FROM chat_conversations
	         WHERE (started_at AT TIME ZONE 'Asia/Shanghai')::date <> '2026-11-11'
	         GROUP BY (started_at AT TIME ZONE 'Asia/Shanghai')::date) d`).Scan(&busiestOther)
	if d11 <= busiestOther {
		t.Errorf("Double 11 had %d chats, another day %d", d11, busiestOther)
	}
	var redNamed int64
	db.Raw(`SELECT count(*) FROM orders o WHERE flag = 1 AND EXISTS (
	          SELECT 1 FROM agent_nicks n WHERE split_part(n.nick, ':', 2) = split_part(o.seller_remark, ':', 1))`).Scan(&redNamed)
	if redNamed == 0 {
		t.Error("no red-flag remark names an agent")
	}
	if _, err := store.GenerateScale(ctx, opts, sh, nil); err != nil {
		t.Fatal(err)
	}
	if again := take(); again != first {
		t.Errorf("second run differs: %+v vs %+v", again, first)
	}
}

// The other areas are filled from the generated orders: a board with every
// kind of case (new today, open, overdue, closed with a result), VIPs with
// a month of visits half done, and a published rota for every agent.
func TestGenerateScaleAreasFillsEveryArea(t *testing.T) {
	db, _ := testdb.NewBench(t)
	store := models.NewStore(db)
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, sh)
	opts := models.ScaleOptions{Scale: 0.002, Agents: 12, Days: 60, End: now, Seed: 7}
	if _, err := store.GenerateScale(ctx, opts, sh, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AttributeOrders(ctx, now.AddDate(0, 0, -62), now.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	got, err := store.GenerateScaleAreas(ctx, opts, sh, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 10,000 orders, ~92% paid: one in 46 reviewed, about 200 cases.
	if got.BadReviews < 150 || got.BadReviews > 250 || got.Praise == 0 || got.VIPs != 40 || got.RotaDays == 0 {
		t.Fatalf("wrote %+v", got)
	}
	var statuses []string
	db.Raw(`SELECT DISTINCT status FROM bad_reviews ORDER BY status`).Scan(&statuses)
	want := []string{"agreed", "assigned", "contacting", "escalated", "new", "praise", "resolved", "unresolved"}
	if strings.Join(statuses, ",") != strings.Join(want, ",") {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	var overdue, served int64
	db.Raw(`SELECT count(*) FROM bad_reviews WHERE status IN ('assigned','contacting','agreed','escalated') AND due_at < ?`, now).Scan(&overdue)
	db.Raw(`SELECT count(*) FROM bad_reviews WHERE served_by IS NOT NULL`).Scan(&served)
	if overdue == 0 || served == 0 {
		t.Errorf("%d overdue cases, %d with the agent who served the buyer", overdue, served)
	}
	// Some praise and some complaints name an agent, as the report counts.
	var praise, criticism int64
	db.Raw(`SELECT count(*) FILTER (WHERE b.rating = 'good'), count(*) FILTER (WHERE b.rating <> 'good')
	          FROM bad_review_mentions m JOIN bad_reviews b ON b.id = m.review_id`).Row().Scan(&praise, &criticism)
	if praise == 0 || criticism == 0 {
		t.Errorf("reviews naming agents: %d praise, %d criticism", praise, criticism)
	}
	var open, done, lists int64
	db.Raw(`SELECT count(*) FILTER (WHERE v.status = 'open'), count(*) FILTER (WHERE v.status = 'done'), count(DISTINCT l.id)
	          FROM vip_visits v JOIN visit_lists l ON l.id = v.list_id WHERE l.period_start = '2026-11-01'`).Row().Scan(&open, &done, &lists)
	if lists != 1 || open == 0 || done == 0 {
		t.Errorf("this month: %d lists, %d open, %d done visits", lists, open, done)
	}
	var agentsOff int64
	db.Raw(`SELECT count(*) FROM users u WHERE u.role = 'agent' AND NOT EXISTS (
	          SELECT 1 FROM shift_assignments s JOIN rota_weeks w ON w.week_start = date_trunc('week', s.day)::date
	           WHERE s.user_id = u.id AND s.day = '2026-11-30' AND w.status = 'published')`).Scan(&agentsOff)
	if agentsOff != 0 {
		t.Errorf("%d agents have no published day today", agentsOff)
	}
	// Run again: the same rows.
	again, err := store.GenerateScaleAreas(ctx, opts, sh, now, nil)
	if err != nil || again != got {
		t.Errorf("second run wrote %+v (%v), first %+v", again, err, got)
	}
}
