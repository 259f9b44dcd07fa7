package models_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

// The board and the today page scan cases by hand: they must read every
// column gorm reads, NULL or not.
func TestHandScannedCasesMatchGorm(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if _, err := s.ImportBadReviews(ctx, models.SystemActor, strings.NewReader(gbk(t, reviewExport)), "r.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	agent := mustUser(t, s, "agent1", models.RoleAgent)
	// Fill every nullable column on some cases: one overdue, one closed.
	err := s.DB().Exec(`UPDATE bad_reviews SET status = 'contacting', agent_id = ?, served_by = ?, updated_by = ?,
		causes = '{quality,size}', assigned_at = '2026-11-10 12:00:00Z', due_at = '2026-11-11 12:00:00Z', escalation = 'x'
		WHERE review_no IN ('RV1', 'RV2')`, agent.ID, agent.ID, agent.ID).Error
	if err == nil {
		err = s.DB().Exec(`UPDATE bad_reviews SET status = 'resolved', outcome = 'compensated', account = 'a',
			compensation_fen = 500, final_rating = 'good', resolved_at = '2026-11-12 08:00:00Z' WHERE review_no = 'RV4'`).Error
	}
	if err != nil {
		t.Fatal(err)
	}

	var want []models.BadReview
	if err := s.DB().Where("status <> 'praise'").Order("reviewed_at DESC, id DESC").Find(&want).Error; err != nil {
		t.Fatal(err)
	}
	page, err := s.ListBadReviewBoard(ctx, models.BadReviewFilter{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 5 || !reflect.DeepEqual(page.Cases, want) {
		t.Errorf("board:\n got %+v\nwant %+v", page.Cases, want)
	}

	want = nil
	s.DB().Where("status = 'contacting'").Order("due_at, id").Find(&want)
	overdue, err := s.OverdueCases(ctx, time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC), 10)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := s.OpenCasesOf(ctx, agent.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 2 || !reflect.DeepEqual(overdue, want) || !reflect.DeepEqual(mine, want) {
		t.Errorf("open cases:\n overdue %+v\n mine %+v\n want %+v", overdue, mine, want)
	}

	agents, err := s.CaseAgents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if w := []models.CaseAgent{{ID: agent.ID, Name: "agent1", OpenCases: 2}}; !reflect.DeepEqual(agents, w) {
		t.Errorf("case agents %+v, want %+v", agents, w)
	}
}
