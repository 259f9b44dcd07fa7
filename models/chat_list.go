package models

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// ChatSummary is one conversation in a list, with its stored figures.
type ChatSummary struct {
	ID                int64
	ExternalID        string
	Buyer             string
	StartedAt         time.Time
	EndedAt           time.Time
	Messages          int
	FirstResponseSecs *int
	LongestGapSecs    int
	SlowReplies       int
	Unanswered        bool
	AgentNicks        pq.StringArray `gorm:"type:text[]"`
	Flags             pq.StringArray `gorm:"type:text[]"`
	FlagPoints        int
}

// TableName pins the table.
func (ChatSummary) TableName() string { return "chat_conversations" }

// ChatFilter narrows the chat list; zero fields do not filter.
type ChatFilter struct {
	From, To    time.Time
	Agent       string // sub-account nick
	Buyer       string
	MinMessages int
	SlowOnly    bool
	Unanswered  bool
	Flag        string      // a flag kind the chat must have raised
	Before      AuditCursor // keyset: (started_at, id) of the last row shown
	Limit       int
}

// ChatPage is one page of chats and the cursor of the next.
type ChatPage struct {
	Chats []ChatSummary
	Next  AuditCursor
}

// ListChats lists conversations newest first with keyset pagination over
// chat_conversations_started_idx, so page 1,000 costs what page 1 does.
func (s *Store) ListChats(ctx context.Context, f ChatFilter) (ChatPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := s.conn(ctx).Model(&ChatSummary{})
	if !f.From.IsZero() {
		q = q.Where("started_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("started_at < ?", f.To)
	}
	if f.Agent != "" {
		q = q.Where("agent_nicks @> ARRAY[?]::text[]", f.Agent)
	}
	if f.Buyer != "" {
		q = q.Where("buyer = ?", f.Buyer)
	}
	if f.MinMessages > 0 {
		q = q.Where("messages >= ?", f.MinMessages)
	}
	if f.SlowOnly {
		q = q.Where("slow_replies > 0")
	}
	if f.Unanswered {
		q = q.Where("unanswered")
	}
	if f.Flag != "" {
		q = q.Where("flags @> ARRAY[?]::text[]", f.Flag)
	}
	if !f.Before.IsZero() {
		q = q.Where("(started_at, id) < (?, ?)", f.Before.At, f.Before.ID)
	}
	var rows []ChatSummary
	if err := q.Order("started_at DESC, id DESC").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return ChatPage{}, fmt.Errorf("models: unable to list chats: %w", err)
	}
	page := ChatPage{Chats: rows}
	if len(rows) > f.Limit {
		page.Chats = rows[:f.Limit]
		last := page.Chats[f.Limit-1]
		page.Next = AuditCursor{At: last.StartedAt, ID: last.ID}
	}
	return page, nil
}

// ChatMessage is one line of a transcript.
type ChatMessage struct {
	ID        int64
	Sender    string
	AgentNick string
	SentAt    time.Time
	Body      string
}

// Transcript is a conversation with its messages in order.
type Transcript struct {
	Chat     ChatSummary
	Messages []ChatMessage
}

// ChatTranscript loads one conversation and its messages in one
// statement (the transcript and the review screen open it on every view),
// the messages read along the identity index.
func (s *Store) ChatTranscript(ctx context.Context, id int64) (Transcript, error) {
	rows, err := s.conn(ctx).Raw(transcriptSQL("?"), id).Rows()
	if err != nil {
		return Transcript{}, fmt.Errorf("models: unable to read transcript %d: %w", id, err)
	}
	defer rows.Close()
	t, found, err := scanTranscript(rows)
	if err != nil {
		return t, fmt.Errorf("models: unable to read transcript %d: %w", id, err)
	}
	if !found {
		return t, fmt.Errorf("models: chat %d: %w", id, ErrNotFound)
	}
	return t, nil
}

// transcriptSQL reads the conversation whose id is the expression chat
// (a parameter, or a subquery) left-joined to its messages in order.
func transcriptSQL(chat string) string {
	return `
		SELECT c.id, c.external_id, c.buyer, c.started_at, c.ended_at, c.messages, c.first_response_secs, c.longest_gap_secs,
		       c.slow_replies, c.unanswered, c.agent_nicks, c.flags, c.flag_points,
		       m.id, m.sender, m.agent_nick, m.sent_at, m.body
		  FROM chat_conversations c
		  LEFT JOIN chat_messages m ON m.conversation_id = c.id
		 WHERE c.id = ` + chat + `
		 ORDER BY m.sent_at, m.id`
}

// transcript queues transcriptSQL(chat) into t; found says whether the
// chat exists.
func (b *readBatch) transcript(what, chat string, vars []any, t *Transcript, found *bool) {
	b.rows(what, transcriptSQL(chat), vars, func(rows rowScanner) (err error) {
		*t, *found, err = scanTranscript(rows)
		return err
	})
}

// scanTranscript reads transcriptSQL's rows; found is false without any.
func scanTranscript(rows rowScanner) (t Transcript, found bool, err error) {
	for rows.Next() {
		c := &t.Chat
		var mID *int64
		var sender, nick, body *string
		var sentAt *time.Time
		if err := rows.Scan(&c.ID, &c.ExternalID, &c.Buyer, &c.StartedAt, &c.EndedAt, &c.Messages, &c.FirstResponseSecs, &c.LongestGapSecs,
			&c.SlowReplies, &c.Unanswered, &c.AgentNicks, &c.Flags, &c.FlagPoints, &mID, &sender, &nick, &sentAt, &body); err != nil {
			return t, found, err
		}
		found = true
		if mID != nil { // a conversation without messages has one row of NULLs
			t.Messages = append(t.Messages, ChatMessage{ID: *mID, Sender: *sender, AgentNick: *nick, SentAt: *sentAt, Body: *body})
		}
	}
	return t, found, rows.Err()
}

// SeenNick is an agent nick found in chats and whom it belongs to, if anyone.
type SeenNick struct {
	Nick      string
	Messages  int64
	FirstSeen time.Time
	LastSeen  time.Time
}

// UnknownAgentNicks lists nicks seen in chats that no user has, busiest first.
func (s *Store) UnknownAgentNicks(ctx context.Context, limit int) ([]SeenNick, error) {
	var out []SeenNick
	err := s.conn(ctx).Raw(`SELECT c.nick, c.messages, c.first_seen, c.last_seen FROM chat_agent_nicks c
		WHERE NOT EXISTS (SELECT 1 FROM agent_nicks n WHERE n.nick = c.nick)
		ORDER BY c.messages DESC, c.nick LIMIT ?`, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list unknown agent nicks: %w", err)
	}
	return out, nil
}
