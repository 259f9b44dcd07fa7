package models_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kefudesk/models"
)

func TestBadReviewDueAcrossDaysAndZones(t *testing.T) {
	newYork, _ := time.LoadLocation("America/New_York")
	cases := []struct {
		name     string
		assigned time.Time
		loc      *time.Location
		want     time.Time
	}{
		// 23:30 in Shanghai is still 15:30 UTC the same day; the deadline
		// is three Shanghai days later at the same hour.
		{"late evening shanghai", time.Date(2026, 11, 10, 15, 30, 0, 0, time.UTC), shanghai, time.Date(2026, 11, 13, 23, 30, 0, 0, shanghai)},
		// Across a month end.
		{"month end", time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC), shanghai, time.Date(2026, 12, 2, 10, 0, 0, 0, shanghai)},
		// New York leaves daylight saving on 1 Nov 2026: the shop's wall
		// clock keeps 10:00, which is 73 hours, not 72.
		{"daylight saving ends", time.Date(2026, 10, 30, 10, 0, 0, 0, newYork), newYork, time.Date(2026, 11, 2, 10, 0, 0, 0, newYork)},
	}
	for _, c := range cases {
		if got := models.BadReviewDue(c.assigned, 3, c.loc); !got.Equal(c.want) {
			t.Errorf("%s: due %v, want %v", c.name, got, c.want)
		}
	}
	if d := models.BadReviewDue(time.Date(2026, 10, 30, 10, 0, 0, 0, newYork), 3, newYork).Sub(time.Date(2026, 10, 30, 10, 0, 0, 0, newYork)); d != 73*time.Hour {
		t.Errorf("DST deadline is %v after assignment", d)
	}

	due := time.Date(2026, 11, 13, 23, 30, 0, 0, shanghai)
	b := models.BadReview{Status: models.BadReviewAssigned, DueAt: &due}
	states := []struct {
		now  time.Time
		loc  *time.Location
		want string
	}{
		{time.Date(2026, 11, 12, 23, 59, 0, 0, shanghai), shanghai, models.DueLater},
		{time.Date(2026, 11, 13, 0, 1, 0, 0, shanghai), shanghai, models.DueToday},
		{time.Date(2026, 11, 13, 23, 31, 0, 0, shanghai), shanghai, models.DueOverdue},
		// In UTC, 13 Nov 10:00 is the due day, but 13 Nov 15:31 UTC is past it.
		{time.Date(2026, 11, 13, 15, 31, 0, 0, time.UTC), time.UTC, models.DueOverdue},
		// Shop in UTC: the deadline (15:30 UTC on the 13th) is "today" on the 13th UTC
		// even though Shanghai is already on the 14th.
		{time.Date(2026, 11, 13, 0, 30, 0, 0, time.UTC), time.UTC, models.DueToday},
	}
	for i, st := range states {
		if got := b.DueState(st.now, st.loc); got != st.want {
			t.Errorf("state %d: %q, want %q", i, got, st.want)
		}
	}
	b.Status = models.BadReviewResolved
	if got := b.DueState(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), shanghai); got != models.DueNone {
		t.Errorf("closed case has due state %q", got)
	}
}

func TestBadReviewRevisionWindow(t *testing.T) {
	settings := models.DefaultSettings()
	b := models.BadReview{Status: models.BadReviewAssigned, ReviewedAt: time.Date(2026, 10, 15, 12, 0, 0, 0, shanghai)}
	if by := b.ReviseBy(settings); !by.Equal(time.Date(2026, 11, 14, 12, 0, 0, 0, shanghai)) {
		t.Errorf("revise by %v", by)
	}
	for now, want := range map[time.Time]string{
		time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai):  models.ReviseOpen,
		time.Date(2026, 11, 10, 0, 0, 0, 0, shanghai): models.ReviseClosing,
		time.Date(2026, 11, 15, 0, 0, 0, 0, shanghai): models.ReviseClosed,
	} {
		if got := b.ReviseState(now, settings); got != want {
			t.Errorf("%v: %q, want %q", now, got, want)
		}
	}
}

// caseShop is a store with one manager, two agents and three new cases.
func caseShop(t *testing.T) (s *models.Store, mgr, ag1, ag2 models.User, ids []int64) {
	t.Helper()
	s, _ = newStore(t)
	mgr = mustUser(t, s, "mgr", models.RoleManager)
	ag1 = mustUser(t, s, "ag1", models.RoleAgent)
	ag2 = mustUser(t, s, "ag2", models.RoleAgent)
	if _, err := s.ImportBadReviews(context.Background(), models.SystemActor, strings.NewReader(reviewExport), "r.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	s.DB().Raw(`SELECT id FROM bad_reviews WHERE status = 'new' ORDER BY review_no`).Scan(&ids)
	return s, mgr, ag1, ag2, ids
}

func version(t *testing.T, s *models.Store, id int64) models.CaseVersion {
	t.Helper()
	b, err := s.BadReviewByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return models.CaseVersion{ID: id, Version: b.Version}
}

func TestBadReviewStatusRules(t *testing.T) {
	s, mgr, ag1, ag2, ids := caseShop(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 11, 2, 0, 0, 0, time.UTC)
	m, a1, a2 := mgr.Actor(""), ag1.Actor(""), ag2.Actor("")
	id := ids[0]

	// Agents do not assign; agents may not take unless the shop allows.
	if err := s.AssignBadReviews(ctx, a1, []models.CaseVersion{version(t, s, id)}, ag1.ID, now); !errors.Is(err, models.ErrNotYours) {
		t.Errorf("agent assigned: %v", err)
	}
	if err := s.TakeBadReview(ctx, a1, version(t, s, id), now); !errors.Is(err, models.ErrNotYours) {
		t.Errorf("agent took without the setting: %v", err)
	}
	// A new case cannot be resolved: nobody works it yet.
	res := models.ResultForm{Outcome: "explained", Account: "解释了尺码"}
	if err := s.HandInResult(ctx, m, version(t, s, id), res, now); err == nil {
		t.Error("new case resolved")
	}
	if err := s.AssignBadReviews(ctx, m, []models.CaseVersion{version(t, s, id)}, ag1.ID, now); err != nil {
		t.Fatal(err)
	}
	// The other agent cannot work it.
	contact := models.ContactForm{Channel: "phone", ContactedAt: now, Reached: true, Offer: "coupon", OfferFen: 1000, Answer: "agreed"}
	if err := s.LogContact(ctx, a2, id, contact, now); !errors.Is(err, models.ErrNotYours) {
		t.Errorf("other agent logged contact: %v", err)
	}
	// A coupon without its value, an answer without reaching the buyer.
	bad := models.ContactForm{Channel: "phone", ContactedAt: now, Offer: "coupon", Answer: "agreed"}
	errs, _ := models.AsValidation(s.LogContact(ctx, a1, id, bad, now))
	if !errs.Has("offer_yuan") || !errs.Has("answer") {
		t.Errorf("contact errors %v", errs)
	}
	if err := s.LogContact(ctx, a1, id, contact, now); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.BadReviewByID(ctx, id); b.Status != models.BadReviewAgreed {
		t.Errorf("after the buyer agreed: %s", b.Status)
	}
	// No "resolved" without a result: each missing part is named.
	for field, f := range map[string]models.ResultForm{
		"outcome":           {Account: "x"},
		"final_rating":      {Outcome: "revised", Account: "x"},
		"compensation_yuan": {Outcome: "compensated", Account: "x"},
		"account":           {Outcome: "explained"},
	} {
		errs, _ := models.AsValidation(s.HandInResult(ctx, a1, version(t, s, id), f, now))
		if !errs.Has(field) {
			t.Errorf("result %+v: errors %v, want %s", f, errs, field)
		}
	}
	// The database refuses a resolved case without a result too.
	if err := s.DB().Exec(`UPDATE bad_reviews SET status = 'resolved' WHERE id = ?`, id).Error; err == nil {
		t.Error("database accepted resolved without a result")
	}
	ok := models.ResultForm{Outcome: "revised", FinalRating: "good", CompensationFen: 1000, Account: "补偿10元优惠券，买家改为好评"}
	if err := s.HandInResult(ctx, a1, version(t, s, id), ok, now); err != nil {
		t.Fatal(err)
	}
	// Only managers reopen.
	if err := s.ReopenBadReview(ctx, a1, version(t, s, id), "买家又改回差评", now); !errors.Is(err, models.ErrNotYours) {
		t.Errorf("agent reopened: %v", err)
	}
	later := now.Add(24 * time.Hour)
	if err := s.ReopenBadReview(ctx, m, version(t, s, id), "买家又改回差评", later); err != nil {
		t.Fatal(err)
	}
	b, _ := s.BadReviewByID(ctx, id)
	if b.Status != models.BadReviewAssigned || b.Outcome != "" || b.DueAt == nil || !b.DueAt.Equal(later.AddDate(0, 0, 3)) {
		t.Errorf("reopened %s %q %v", b.Status, b.Outcome, b.DueAt)
	}
	var audits int64
	s.DB().Raw(`SELECT count(*) FROM audit_log WHERE entity = 'bad_review' AND entity_id = ?`, itoa(id)).Scan(&audits)
	if audits != 4 { // assign, contact, result, reopen
		t.Errorf("audit rows %d", audits)
	}

	// With the shop's permission an agent takes a new case, once.
	set, _ := s.Settings(ctx)
	if _, err := s.SaveSettings(ctx, m, set.Version, map[string]string{models.SettingBadReviewAgentsTake: "true"}); err != nil {
		t.Fatal(err)
	}
	if err := s.TakeBadReview(ctx, a2, version(t, s, ids[1]), now); err != nil {
		t.Fatal(err)
	}
	if errs, _ := models.AsValidation(s.TakeBadReview(ctx, a1, version(t, s, ids[1]), now)); !errs.Has("cases") {
		t.Errorf("second take: %v", errs)
	}
}

func TestBadReviewAssignRaceOneWins(t *testing.T) {
	s, mgr, ag1, ag2, ids := caseShop(t)
	ctx := context.Background()
	mgr2 := mustUser(t, s, "mgr2", models.RoleManager)
	now := time.Date(2026, 11, 11, 2, 0, 0, 0, time.UTC)
	seen, seen1 := version(t, s, ids[0]), version(t, s, ids[1])
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who, agent := mgr.Actor(""), ag1.ID
			if i%2 == 1 {
				who, agent = mgr2.Actor(""), ag2.ID
			}
			<-start
			// Every goroutine assigns the review as the board showed it.
			errs[i] = s.AssignBadReviews(ctx, who, []models.CaseVersion{seen1, seen}, agent, now)
		}()
	}
	close(start)
	wg.Wait()
	wins, conflicts := 0, 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if _, ok := models.AsConflict(err); ok {
			conflicts++
		} else {
			t.Errorf("unexpected error %v", err)
		}
	}
	if wins != 1 || conflicts != n-1 {
		t.Fatalf("wins %d conflicts %d", wins, conflicts)
	}
	var assigns int64
	s.DB().Raw(`SELECT count(*) FROM audit_log WHERE action = 'assign' AND entity_id = ?`, itoa(ids[0])).Scan(&assigns)
	b, _ := s.BadReviewByID(ctx, ids[0])
	if assigns != 1 || b.Version != seen.Version+1 || b.AgentID == nil {
		t.Errorf("assignments in the log %d, version %d, agent %v", assigns, b.Version, b.AgentID)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
