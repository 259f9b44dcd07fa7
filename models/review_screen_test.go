package models_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"kefudesk/models"
)

// TestReviewScreenReadsWhatTheSeparateReadsDo: for every review of the
// demo shop, appealed or not, the review screen's one batch holds the same
// review, scorecard version, appeal, chat and comments as reading each on
// its own, inside a transaction too (where the batch reads one by one).
func TestReviewScreenReadsWhatTheSeparateReadsDo(t *testing.T) {
	s, ctx := demoStore(t)
	var ids []int64
	if err := s.DB().Raw(`SELECT id FROM reviews ORDER BY id`).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	appealed, commented, messages := 0, 0, 0
	for i, id := range ids {
		var got models.ReviewScreen
		var err error
		if i%2 == 0 {
			got, err = s.ReviewScreenByID(ctx, id)
		} else {
			err = s.WithTx(ctx, func(ctx context.Context, _ *gorm.DB) (err error) {
				got, err = s.ReviewScreenByID(ctx, id)
				return err
			})
		}
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
		chat, err := s.ChatTranscript(ctx, r.ConversationID)
		if err != nil {
			t.Fatal(err)
		}
		comments, err := s.ReviewComments(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Review, r) || !reflect.DeepEqual(got.Card, card) || !reflect.DeepEqual(got.Appeal, a) {
			t.Fatalf("review %d: screen %+v, separate reads %+v %+v %+v", id, got, r, card, a)
		}
		if !reflect.DeepEqual(got.Transcript, chat) || !reflect.DeepEqual(got.Comments, comments) {
			t.Fatalf("review %d: chat and comments %+v %+v, separate reads %+v %+v", id, got.Transcript, got.Comments, chat, comments)
		}
		if a != nil {
			appealed++
		}
		if len(comments) > 0 {
			commented++
		}
		messages += len(chat.Messages)
	}
	if len(ids) == 0 || appealed == 0 || commented == 0 || messages == 0 {
		t.Fatalf("the demo shop should have reviews (%d), appealed (%d) and commented ones (%d) and messages (%d)", len(ids), appealed, commented, messages)
	}
	if _, err := s.ReviewScreenByID(ctx, -1); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a missing review: %v, want not found", err)
	}
}
