package models_test

import (
	"errors"
	"reflect"
	"testing"

	"kefudesk/models"
)

// TestReviewScreenReadsWhatTheSeparateReadsDo: for every review of the
// demo shop, appealed or not, the review screen's one read holds the same
// review, scorecard version and appeal as reading each on its own.
func TestReviewScreenReadsWhatTheSeparateReadsDo(t *testing.T) {
	s, ctx := demoStore(t)
	var ids []int64
	if err := s.DB().Raw(`SELECT id FROM reviews ORDER BY id`).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	appealed := 0
	for _, id := range ids {
		got, err := s.ReviewScreenByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.ReviewByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		card, err := s.ScorecardVersionByID(ctx, r.ScorecardVersionID)
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.AppealOfReview(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Review, r) || !reflect.DeepEqual(got.Card, card) || !reflect.DeepEqual(got.Appeal, a) {
			t.Fatalf("review %d: screen %+v, separate reads %+v %+v %+v", id, got, r, card, a)
		}
		if a != nil {
			appealed++
		}
	}
	if len(ids) == 0 || appealed == 0 {
		t.Fatalf("the demo shop should have reviews (%d) and appealed ones (%d)", len(ids), appealed)
	}
	if _, err := s.ReviewScreenByID(ctx, -1); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a missing review: %v, want not found", err)
	}
}
