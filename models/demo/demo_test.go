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
}
