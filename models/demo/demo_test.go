package demo_test

import (
	"context"
	"testing"

	"kefudesk/models"
	"kefudesk/models/demo"
	"kefudesk/models/testdb"
)

func TestDemoLoadsTwiceWithoutDuplicates(t *testing.T) {
	db, _ := testdb.New(t)
	s := models.NewStore(db)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := demo.Load(ctx, s); err != nil {
			t.Fatalf("load %d: %v", i+1, err)
		}
	}
	var users, chats, slow, unknown int64
	db.Raw(`SELECT count(*) FROM users`).Scan(&users)
	db.Raw(`SELECT count(*) FROM chat_conversations`).Scan(&chats)
	db.Raw(`SELECT count(*) FROM chat_conversations WHERE slow_replies > 0`).Scan(&slow)
	db.Raw(`SELECT count(*) FROM chat_agent_nicks c WHERE NOT EXISTS (SELECT 1 FROM agent_nicks n WHERE n.nick = c.nick)`).Scan(&unknown)
	if users != 8 || chats != 2500 {
		t.Errorf("users=%d chats=%d", users, chats)
	}
	if slow < 200 || slow > 1500 {
		t.Errorf("slow chats = %d: the demo should have some, not all", slow)
	}
	// The newcomer's sub-account is deliberately unmapped, so the admin page
	// has something to show.
	if unknown != 1 {
		t.Errorf("unknown nicks = %d", unknown)
	}
	var orders, unpaid int64
	db.Raw(`SELECT count(*), count(*) FILTER (WHERE paid_at IS NULL) FROM orders`).Row().Scan(&orders, &unpaid)
	if orders < 500 || orders > 1200 || unpaid == 0 {
		t.Errorf("orders=%d unpaid=%d", orders, unpaid)
	}
	var reviews, assignments, appeals int64
	db.Raw(`SELECT count(*) FROM reviews WHERE status = 'submitted'`).Scan(&reviews)
	db.Raw(`SELECT count(*) FROM review_assignments`).Scan(&assignments)
	db.Raw(`SELECT count(*) FROM review_appeals WHERE status = 'open'`).Scan(&appeals)
	if reviews == 0 || assignments <= reviews || appeals != 1 {
		t.Errorf("reviews=%d assignments=%d open appeals=%d", reviews, assignments, appeals)
	}
	// Attribution: every order decided, some silent, Double 11 split, and
	// three open disputes.
	var attributed, silent, promo, disputes, promotions int64
	db.Raw(`SELECT count(*), count(*) FILTER (WHERE rule = 'silent'), count(*) FILTER (WHERE rule = 'promotion') FROM order_attributions`).Row().Scan(&attributed, &silent, &promo)
	db.Raw(`SELECT count(*) FROM attribution_disputes WHERE status = 'open'`).Scan(&disputes)
	db.Raw(`SELECT count(*) FROM promotion_periods`).Scan(&promotions)
	if attributed != orders || silent < 6 || promo == 0 || disputes != 3 || promotions != 1 {
		t.Errorf("attributed=%d/%d silent=%d promotion=%d open disputes=%d promotions=%d", attributed, orders, silent, promo, disputes, promotions)
	}
}

func TestDemoVIPs(t *testing.T) {
	db, _ := testdb.New(t)
	s := models.NewStore(db)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := demo.Load(ctx, s); err != nil {
			t.Fatalf("load %d: %v", i+1, err)
		}
	}
	var vips, lists, visits, open, overdue int64
	db.Raw(`SELECT count(*) FROM vip_customers`).Scan(&vips)
	db.Raw(`SELECT count(*) FROM visit_lists`).Scan(&lists)
	db.Raw(`SELECT count(*), count(*) FILTER (WHERE status = 'open'),
		count(*) FILTER (WHERE status = 'open' AND due_on < (now() AT TIME ZONE 'Asia/Shanghai')::date)
		FROM vip_visits v JOIN visit_lists l ON l.id = v.list_id`).Row().Scan(&visits, &open, &overdue)
	if vips != 12 || lists != 2 {
		t.Errorf("vips=%d lists=%d", vips, lists)
	}
	var monthly, monthlyClosed int64
	db.Raw(`SELECT count(*), count(*) FILTER (WHERE v.status <> 'open') FROM vip_visits v JOIN visit_lists l ON l.id = v.list_id
		WHERE l.name = 'VIP月度回访'`).Row().Scan(&monthly, &monthlyClosed)
	if monthly == 0 || monthlyClosed == 0 || monthlyClosed*2 > monthly+1 {
		t.Errorf("monthly list: %d visits, %d closed; want about half done", monthly, monthlyClosed)
	}
	if overdue == 0 {
		t.Errorf("no overdue visits (visits=%d open=%d)", visits, open)
	}
}
