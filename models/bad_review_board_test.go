package models_test

import (
	"fmt"
	"testing"

	"kefudesk/models"
)

// The board's items and agents (and the case page's agents) come from the
// tallies and the kept directory; on the demo shop, with a case moved to
// another agent and a new item, they equal what live queries give.
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
		// Counted live over the cases, as the case agents were before the
		// tallies; CaseAgents, which reads the tallies too, must agree.
		var live []models.CaseAgent
		err = s.DB().Raw(`
			SELECT u.id, coalesce(nullif(u.display_name, ''), u.username) AS name, count(b.id) AS open_cases
			  FROM users u
			  LEFT JOIN bad_reviews b ON b.agent_id = u.id AND b.status IN ('assigned', 'contacting', 'agreed', 'escalated')
			 WHERE u.role = 'agent' AND NOT u.disabled
			 GROUP BY u.id ORDER BY open_cases, u.id`).Scan(&live).Error
		if err != nil {
			t.Fatal(err)
		}
		agents, err := s.CaseAgents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(agents) != fmt.Sprint(live) {
			t.Errorf("case agents %v\nlive %v", agents, live)
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
