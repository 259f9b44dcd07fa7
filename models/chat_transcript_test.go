package models_test

import (
	"errors"
	"reflect"
	"testing"

	"kefudesk/models"
)

// A transcript is read in one statement; for every demo chat, and for a
// chat without messages, it holds what reading the conversation and its
// messages separately gives, messages in time order. The transcript page's
// batch (ChatScreenByID) holds the same chat and the chat's reviews.
func TestChatTranscriptReadsWhatTheSeparateReadsDo(t *testing.T) {
	s, ctx := demoStore(t)
	if err := s.DB().Exec(`INSERT INTO chat_conversations (external_id, buyer, started_at, ended_at, agent_nicks)
	                       VALUES ('empty-1', 'buyer-empty', now(), now(), '{云裳:小美}')`).Error; err != nil {
		t.Fatal(err)
	}
	var ids []int64
	s.DB().Raw(`SELECT id FROM chat_conversations ORDER BY id`).Scan(&ids)
	if len(ids) < 10 {
		t.Fatalf("%d chats; the comparison proves little", len(ids))
	}
	messages, reviewed := 0, 0
	for _, id := range ids {
		got, err := s.ChatTranscript(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var want models.Transcript
		if err := s.DB().Take(&want.Chat, id).Error; err != nil {
			t.Fatal(err)
		}
		s.DB().Raw(`SELECT id, sender, agent_nick, sent_at, body FROM chat_messages WHERE conversation_id = ? ORDER BY sent_at, id`, id).Scan(&want.Messages)
		messages += len(want.Messages)
		sameMessages := len(got.Messages) == 0 && len(want.Messages) == 0 || reflect.DeepEqual(got.Messages, want.Messages)
		if !reflect.DeepEqual(got.Chat, want.Chat) || !sameMessages {
			t.Errorf("chat %d:\n got %v %v\nwant %v %v", id, got.Chat, got.Messages, want.Chat, want.Messages)
		}
		screen, err := s.ChatScreenByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		reviews, err := s.ReviewsOfChat(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(screen.Transcript, got) || !reflect.DeepEqual(screen.Reviews, reviews) {
			t.Errorf("chat %d: screen %+v, separate reads %+v %+v", id, screen, got, reviews)
		}
		reviewed += len(reviews)
	}
	if reviewed == 0 {
		t.Error("no demo chat has a review; the comparison proves little")
	}
	if messages < 50 {
		t.Errorf("%d messages over the demo chats; the comparison proves little", messages)
	}
	if _, err := s.ChatTranscript(ctx, ids[len(ids)-1]+1000); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a missing chat: %v, want not found", err)
	}
	if _, err := s.ChatScreenByID(ctx, ids[len(ids)-1]+1000); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a missing chat's screen: %v, want not found", err)
	}
}
