package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

// The rota of 2026-11-04 (a Wednesday, published by rotaShop), set cell by
// cell: a1 off, a2 early (09:30-18:30), a3 late (13:30-22:30), a4 off; and
// 2026-11-05 with a1 back on the early shift.
var (
	rotaWed = time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC)
	rotaThu = rotaWed.AddDate(0, 0, 1)
)

func setCell(t *testing.T, s *models.Store, u models.User, day time.Time, shift string) {
	t.Helper()
	res := s.DB().Exec(`INSERT INTO shift_assignments (user_id, day, shift) VALUES (?, ?::date, ?)
		ON CONFLICT (user_id, day) DO UPDATE SET shift = EXCLUDED.shift`, u.ID, day.Format(time.DateOnly), shift)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
}

// caseRota is rotaShop with the cells above and the review export imported.
func caseRota(t *testing.T) (*models.Store, models.User, []models.User, map[string]int64) {
	t.Helper()
	s, boss, team, _ := rotaShop(t)
	for i, shift := range []string{"", "early", "late", ""} {
		setCell(t, s, team[i], rotaWed, shift)
	}
	setCell(t, s, team[0], rotaThu, "early")
	if _, err := s.ImportBadReviews(context.Background(), models.SystemActor, strings.NewReader(reviewExport), "r.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ReviewNo string
		ID       int64
	}
	s.DB().Raw(`SELECT review_no, id FROM bad_reviews`).Scan(&rows)
	ids := map[string]int64{}
	for _, r := range rows {
		ids[r.ReviewNo] = r.ID
	}
	return s, boss, team, ids
}

func assign(t *testing.T, s *models.Store, boss models.User, id int64, to models.User, now time.Time) {
	t.Helper()
	if err := s.AssignBadReviews(context.Background(), boss.Actor(""), []models.CaseVersion{version(t, s, id)}, to.ID, now); err != nil {
		t.Fatal(err)
	}
}

func handoverOf(t *testing.T, s *models.Store, viewer int64, day time.Time) map[int64]models.HandoverBadReview {
	t.Helper()
	rows, _, err := s.HandoverBadReviewsFirst(context.Background(), viewer, day, models.HandoverPageCases)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]models.HandoverBadReview{}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out
}

// a1's case shows in the handover of a2 and a3 (same team, on shift) on the
// day a1 is off, never to a4 (off too) or to another team; a2's own case
// shows only to a2. When a1 is back it is a1's alone, and a result handed
// in takes it out of every handover.
func TestBadReviewCaseInIncomingHandover(t *testing.T) {
	s, boss, team, ids := caseRota(t)
	ctx := context.Background()
	a1, a2, a3, a4 := team[0], team[1], team[2], team[3]
	after := teamUser(t, s, "b1", models.RoleAgent, models.TeamAftersales)
	setCell(t, s, after, rotaWed, "early")
	now := time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC)
	assign(t, s, boss, ids["RV1"], a1, now)
	assign(t, s, boss, ids["RV2"], a2, now)

	got := handoverOf(t, s, a2.ID, rotaWed)
	rv1, rv2 := got[ids["RV1"]], got[ids["RV2"]]
	if len(got) != 2 || !rv1.AssigneeOff || rv1.AgentID != a1.ID || rv1.AgentName != "a1" || rv1.AgentTeam != models.TeamPresales || rv2.AssigneeOff {
		t.Fatalf("a2's handover on Wednesday: %+v", got)
	}
	want := time.Date(2026, 11, 6, 2, 0, 0, 0, time.UTC) // 3 days from assignment
	if rv1.DueAt == nil || !rv1.DueAt.Equal(want) || rv1.Buyer != "tb_王" || rv1.Status != models.BadReviewAssigned {
		t.Errorf("RV1 row %+v", rv1)
	}
	if got := handoverOf(t, s, a3.ID, rotaWed); len(got) != 1 || got[ids["RV1"]].ID == 0 {
		t.Errorf("a3 (late shift) sees %+v, want RV1 only", got)
	}
	if got := handoverOf(t, s, a4.ID, rotaWed); len(got) != 0 {
		t.Errorf("a4 is off and sees %+v", got)
	}
	if got := handoverOf(t, s, after.ID, rotaWed); len(got) != 0 {
		t.Errorf("another team sees %+v", got)
	}
	if got := handoverOf(t, s, a1.ID, rotaWed); len(got) != 1 || !got[ids["RV1"]].AssigneeOff {
		t.Errorf("a1 sees own case %+v", got)
	}
	if got := handoverOf(t, s, 0, rotaWed); len(got) != 2 {
		t.Errorf("manager sees %d cases, want 2", len(got))
	}
	// Thursday: a1 is back, the case is theirs alone.
	if got := handoverOf(t, s, a2.ID, rotaThu); len(got) != 1 || got[ids["RV2"]].ID == 0 {
		t.Errorf("a2 on Thursday sees %+v, want own RV2 only", got)
	}
	// No rota published for the day: nobody is known to be off.
	dec := time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)
	if got := handoverOf(t, s, a2.ID, dec); len(got) != 1 || got[ids["RV2"]].AssigneeOff {
		t.Errorf("a2 without a rota sees %+v", got)
	}
	// The result handed in: RV1 leaves the handover, nothing to tick.
	if err := s.HandInResult(ctx, a1.Actor(""), version(t, s, ids["RV1"]), models.ResultForm{Outcome: "unresolved", Account: "买家不回"}, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := handoverOf(t, s, a2.ID, rotaWed); len(got) != 1 || got[ids["RV1"]].ID != 0 {
		t.Errorf("after the result a2 sees %+v", got)
	}
	var items int64
	s.DB().Table("handover_items").Count(&items)
	if items != 0 {
		t.Errorf("%d handover items written, want none (cases are read, not copied)", items)
	}
}

// On Wednesday at 10:00 a2 is on duty and a3 comes in on the late shift;
// a1 and a4 are off with no open cases. The suggestion keeps to a2 and a3
// even so, a2 first on a tie; a buyer served by a3 goes to a3, one served
// by the off-duty a1 does not go to a1.
func TestBadReviewSuggestionPrefersAgentsOnDuty(t *testing.T) {
	s, boss, team, ids := caseRota(t)
	ctx := context.Background()
	a1, a2, a3, a4 := team[0], team[1], team[2], team[3]
	t0 := time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC)
	assign(t, s, boss, ids["RV1"], a2, t0)
	assign(t, s, boss, ids["RV2"], a3, t0)
	settings, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at10 := time.Date(2026, 11, 4, 10, 0, 0, 0, shanghai)
	duty, err := s.DutyAt(ctx, settings, at10)
	if err != nil {
		t.Fatal(err)
	}
	if !duty.Published || duty.Reason(a2.ID) != "on_duty" || duty.Reason(a3.ID) != "next_shift" || duty.Reason(a1.ID) != "" || duty.Reason(a4.ID) != "" {
		t.Fatalf("duty at 10:00: %+v", duty)
	}
	agents, err := s.CaseAgents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cases := []models.BadReview{
		{ID: 101, Status: models.BadReviewNew},
		{ID: 102, Status: models.BadReviewNew},
		{ID: 103, Status: models.BadReviewNew, ServedBy: &a3.ID},
		{ID: 104, Status: models.BadReviewNew, ServedBy: &a1.ID},
	}
	got := models.SuggestAgents(cases, agents, duty)
	if s := got[101]; s.ID != a2.ID || s.Duty != "on_duty" || !s.Fewest || s.Served {
		t.Errorf("case 101: %+v, want a2 on duty", s)
	}
	if s := got[102]; s.ID != a3.ID || s.Duty != "next_shift" {
		t.Errorf("case 102: %+v, want a3 next shift", s)
	}
	if s := got[103]; s.ID != a3.ID || !s.Served || s.Fewest {
		t.Errorf("case 103: %+v, want a3 who served the buyer", s)
	}
	if s := got[104]; s.ID == a1.ID || s.ID == a4.ID {
		t.Errorf("case 104 went to an agent off duty: %+v", s)
	}
	// At 20:00 a3 is on duty and Thursday's early shift (a1 and whoever
	// else rotaShop put on it) is next.
	at20 := time.Date(2026, 11, 4, 20, 0, 0, 0, shanghai)
	if duty, err = s.DutyAt(ctx, settings, at20); err != nil {
		t.Fatal(err)
	}
	if duty.Reason(a3.ID) != "on_duty" || duty.Reason(a1.ID) != "next_shift" || duty.Reason(a2.ID) == "on_duty" {
		t.Errorf("duty at 20:00: %+v", duty)
	}
	// No rota published for December: every agent counts, the idle a1 gets it.
	dec := time.Date(2026, 12, 9, 10, 0, 0, 0, shanghai)
	if duty, err = s.DutyAt(ctx, settings, dec); err != nil {
		t.Fatal(err)
	}
	if duty.Published {
		t.Fatalf("December has no published rota: %+v", duty)
	}
	got = models.SuggestAgents(cases[:1], agents, duty)
	if s := got[101]; s.ID != a1.ID || s.Duty != "" || !s.Fewest {
		t.Errorf("without a rota: %+v, want a1 with no open cases", s)
	}
}
