package models_test

import (
	"fmt"
	"testing"

	"kefudesk/models"
)

// The board's items and agents come from the tallies and the kept
// directory in the counts' statement; on the demo shop, with a case moved
// to another agent and a new item, they equal what live queries give.
func TestBoardItemsAndAgentsMatchLiveReads(t *testing.T) {
	s, ctx := demoStore(t)
	res := s.DB().Exec(`UPDATE bad_reviews SET item = '新款羽绒服', agent_id = (SELECT max(id) FROM users WHERE role = 'agent' AND NOT disabled)
	                     WHERE id = (SELECT min(id) FROM bad_reviews WHERE status = 'contacting')`)
	if res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("move a case: %v, %d rows", res.Error, res.RowsAffected)
	}
	for _, withAgents := range []bool{true, false} {
		b, err := s.ListBadReviewBoard(ctx, models.BadReviewFilter{}, withAgents)
		if err != nil {
			t.Fatal(err)
		}
		var items []string
		s.DB().Raw(`SELECT DISTINCT item FROM bad_reviews WHERE item <> '' AND status <> 'praise' ORDER BY item`).Scan(&items)
		if len(items) < 2 || fmt.Sprint(b.Items) != fmt.Sprint(items) {
			t.Errorf("items %q, live %q", b.Items, items)
		}
		if !withAgents {
			if b.Agents != nil {
				t.Errorf("agents listed without being asked for: %v", b.Agents)
			}
			continue
		}
		live, err := s.CaseAgents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		busy := 0
		for _, a := range live {
			if a.OpenCases > 0 {
				busy++
			}
		}
		if busy < 2 {
			t.Fatalf("%d agents with open cases; the comparison proves little", busy)
		}
		if fmt.Sprint(b.Agents) != fmt.Sprint(live) {
			t.Errorf("board agents %v\nlive %v", b.Agents, live)
		}
	}
}
