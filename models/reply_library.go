package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ReplyEntry is one suggested reply from a review comment: the team's
// reply library, built as inspectors mark what should have been said.
type ReplyEntry struct {
	ID             int64
	ReviewID       int64
	Problem        string
	SuggestedReply string
	Original       string // what the agent wrote at that message
	AgentNick      string
	CreatedAt      time.Time
}

// SearchReplies finds suggested replies whose text, problem or original
// message contains q, newest first, with keyset paging on the comment id.
func (s *Store) SearchReplies(ctx context.Context, q string, before int64, limit int) ([]ReplyEntry, error) {
	if limit <= 0 || limit > 100 {
		limit = 30
	}
	db := s.conn(ctx).Table("review_comments k").
		Select("k.id, k.review_id, k.problem, k.suggested_reply, m.body AS original, m.agent_nick, k.created_at").
		Joins("JOIN chat_messages m ON m.id = k.message_id").
		Where("k.suggested_reply <> ''")
	if q = strings.TrimSpace(q); q != "" {
		p := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		db = db.Where("(k.suggested_reply ILIKE ? OR k.problem ILIKE ? OR m.body ILIKE ?)", p, p, p)
	}
	if before > 0 {
		db = db.Where("k.id < ?", before)
	}
	var out []ReplyEntry
	if err := db.Order("k.id DESC").Limit(limit).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to search replies: %w", err)
	}
	return out, nil
}

// TeachingCase is a review marked as a good or bad example, for the weekly
// chat-record sharing meeting (seed 001 §7).
type TeachingCase struct {
	ReviewID     int64
	Teaching     string
	TeachingNote string
	Summary      string
	Buyer        string
	AgentNick    string
	Score        *float64
	SubmittedAt  time.Time
}

// TeachingCases lists the cases submitted in [from, to), bad examples first.
func (s *Store) TeachingCases(ctx context.Context, from, to time.Time) ([]TeachingCase, error) {
	var out []TeachingCase
	err := s.conn(ctx).Raw(`
		SELECT r.id AS review_id, r.teaching, r.teaching_note, r.summary, c.buyer, r.agent_nick, r.score, r.submitted_at
		  FROM reviews r JOIN chat_conversations c ON c.id = r.conversation_id
		 WHERE r.status = 'submitted' AND r.teaching <> '' AND r.submitted_at >= ? AND r.submitted_at < ?
		 ORDER BY r.teaching = 'good', r.submitted_at`, from, to).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list teaching cases: %w", err)
	}
	return out, nil
}
