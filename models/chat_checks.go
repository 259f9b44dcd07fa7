package models

import (
	"context"

	"kefudesk/models/chatqa"
)

// ChatChecks is a transcript with its figures and flags computed under the
// shop's current settings.
type ChatChecks struct {
	Transcript
	Figures chatqa.Figures
	Flags   []chatqa.Flag
	Points  int
}

// CheckChat loads a chat and runs the automatic checks on it.
func (s *Store) CheckChat(ctx context.Context, id int64, settings Settings) (ChatChecks, error) {
	t, err := s.ChatTranscript(ctx, id)
	if err != nil {
		return ChatChecks{}, err
	}
	return CheckTranscript(t, settings), nil
}

// CheckTranscript runs the automatic checks on a chat already read.
func CheckTranscript(t Transcript, settings Settings) ChatChecks {
	msgs := make([]chatqa.Message, len(t.Messages))
	for i, m := range t.Messages {
		msgs[i] = chatqa.Message{Sender: chatqa.Sender(m.Sender), AgentNick: m.AgentNick, SentAt: m.SentAt, Text: m.Body}
	}
	c := ChatChecks{Transcript: t}
	c.Figures = chatqa.Compute(msgs, chatRules(settings))
	c.Flags = chatqa.DetectFlags(msgs, c.Figures, ChatFlagRules(settings))
	for _, f := range c.Flags {
		c.Points += FlagPoints(settings, f.Kind)
	}
	return c
}
