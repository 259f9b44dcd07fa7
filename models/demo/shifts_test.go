package demo_test

import (
	"context"
	"testing"

	"kefudesk/models"
	"kefudesk/models/demo"
	"kefudesk/models/testdb"
)

func TestDemoShifts(t *testing.T) {
	db, _ := testdb.New(t)
	s := models.NewStore(db)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := demo.Load(ctx, s); err != nil {
			t.Fatalf("load %d: %v", i+1, err)
		}
	}
	var weeks, cells, swaps, waitingManager, handover, leave int64
	db.Raw(`SELECT count(*) FROM rota_weeks WHERE status = 'published'`).Scan(&weeks)
	db.Raw(`SELECT count(*) FROM shift_assignments`).Scan(&cells)
	db.Raw(`SELECT count(*), count(*) FILTER (WHERE status = 'accepted') FROM swap_requests WHERE status IN ('proposed', 'accepted')`).Row().Scan(&swaps, &waitingManager)
	db.Raw(`SELECT count(*) FROM handover_items WHERE done_at IS NULL`).Scan(&handover)
	db.Raw(`SELECT count(*) FROM leave_requests WHERE status = 'pending'`).Scan(&leave)
	// Six people on the rota (five agents and the inspector), 28 days each.
	if weeks != 4 || cells != 6*28 {
		t.Errorf("weeks=%d cells=%d", weeks, cells)
	}
	if swaps != 2 || waitingManager != 1 || handover != 4 || leave != 1 {
		t.Errorf("pending swaps=%d (manager %d) handover=%d leave=%d", swaps, waitingManager, handover, leave)
	}
}
