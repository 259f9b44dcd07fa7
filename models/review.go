package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"

	"kefudesk/models/live"
	"kefudesk/models/scoring"
)

// TopicReviews is the live-update topic of review lists.
const TopicReviews = "reviews"

// Review is an inspector's scoring of one agent in one chat.
type Review struct {
	ID                 int64
	ConversationID     int64
	ScorecardVersionID int64
	AgentNick          string
	AgentID            *int64
	InspectorID        int64
	Status             string          // draft, submitted
	Ratings            json.RawMessage `gorm:"type:jsonb"`
	Prefilled          pq.StringArray  `gorm:"type:text[]"`
	Summary            string
	Score              *float64
	CriticalFailed     bool
	Teaching           string
	TeachingNote       string
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time
	SubmittedAt        *time.Time
	AcknowledgedAt     *time.Time
}

// RatingMap decodes the ratings by category id.
func (r Review) RatingMap() map[string]scoring.Rating {
	m := map[string]scoring.Rating{}
	_ = json.Unmarshal(r.Ratings, &m)
	return m
}

// Submitted reports whether the review is finished.
func (r Review) Submitted() bool { return r.Status == "submitted" }

// ErrNotYours is returned when a user acts on a review that is not theirs.
var ErrNotYours = errors.New("models: not your review")

// StartReview opens the review of agentNick in a chat: the existing one if
// the chat was already reviewed for that agent, else a new draft on the
// active scorecard, with the categories the automatic checks speak to
// pre-filled as failed for the inspector to confirm.
func (s *Store) StartReview(ctx context.Context, a Actor, chatID int64, agentNick string, settings Settings) (Review, error) {
	card, err := s.ActiveScorecard(ctx)
	if err != nil {
		return Review{}, err
	}
	checks, err := s.CheckChat(ctx, chatID, settings)
	if err != nil {
		return Review{}, err
	}
	if agentNick == "" && len(checks.Chat.AgentNicks) > 0 {
		agentNick = checks.Chat.AgentNicks[0]
	}
	if agentNick == "" {
		return Review{}, Invalid("agent", "reviews.err.no_agent")
	}
	ratings, prefilled := map[string]scoring.Rating{}, []string{}
	raised := map[string]bool{}
	for _, f := range checks.Flags {
		if f.AgentNick == agentNick {
			raised[string(f.Kind)] = true
		}
	}
	for _, c := range card.Card.Categories() {
		if c.Flag != "" && raised[c.Flag] {
			lo, hi := c.Scale.Bounds()
			// A flag is evidence, not a verdict: pass/fail goes to fail, a
			// 1-5 scale to the middle-low mark, and the inspector confirms.
			v := lo
			if c.Scale == scoring.OneToFive {
				v = (lo + hi) / 2
			}
			ratings[c.ID] = scoring.Rating{Value: v}
			prefilled = append(prefilled, c.ID)
		}
	}
	var r Review
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		err := tx.Where("conversation_id = ? AND agent_nick = ?", chatID, agentNick).Take(&r).Error
		if err == nil {
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("models: unable to look up review: %w", err)
		}
		b, _ := json.Marshal(ratings)
		r = Review{ConversationID: chatID, ScorecardVersionID: card.ID, AgentNick: agentNick, InspectorID: a.ID,
			Status: "draft", Ratings: b, Prefilled: prefilled, Version: 1}
		err = tx.Raw(`SELECT user_id FROM agent_nicks WHERE nick = ?`, agentNick).Scan(&r.AgentID).Error
		if err != nil {
			return fmt.Errorf("models: unable to match agent nick: %w", err)
		}
		if err := tx.Omit("ID", "CreatedAt", "UpdatedAt", "SubmittedAt", "AcknowledgedAt", "Score").Create(&r).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				// Another inspector opened it at the same moment: use theirs.
				return tx.Where("conversation_id = ? AND agent_nick = ?", chatID, agentNick).Take(&r).Error
			}
			return fmt.Errorf("models: unable to start review: %w", err)
		}
		return audit(tx, a, "create", "review", r.ID, nil, map[string]any{"chat": chatID, "agent": agentNick, "prefilled": prefilled})
	})
	return r, err
}

// ReviewByID loads one review.
func (s *Store) ReviewByID(ctx context.Context, id int64) (Review, error) {
	var r Review
	if err := s.conn(ctx).Take(&r, id).Error; err != nil {
		return r, notFound(err, fmt.Sprintf("review %d", id))
	}
	return r, nil
}

// ReviewScreen is what the review screen shows of a review: the review,
// its scorecard version, its appeal if any, the chat and the inspector's
// comments on it.
type ReviewScreen struct {
	Review     Review
	Card       ScorecardVersion
	Appeal     *Appeal
	Transcript Transcript
	Comments   []ReviewComment
}

// ReviewScreenByID reads a ReviewScreen in one round trip (readBatch):
// the review screen is one of the pages opened most, and under load its
// latency follows its round trips.
func (s *Store) ReviewScreenByID(ctx context.Context, id int64) (ReviewScreen, error) {
	var out ReviewScreen
	var rows []struct {
		Review
		SV scorecardVersionRow `gorm:"embedded;embeddedPrefix:sv_"`
	}
	var appeals []Appeal
	var found bool
	b := s.newReadBatch(ctx)
	b.raw("the review", `
		SELECT r.*, v.id AS sv_id, v.scorecard_id AS sv_scorecard_id, v.number AS sv_number, s.name AS sv_name, v.card AS sv_card
		  FROM reviews r
		  JOIN scorecard_versions v ON v.id = r.scorecard_version_id
		  JOIN scorecards s ON s.id = v.scorecard_id
		 WHERE r.id = ?`, []any{id}, &rows)
	b.find("the appeal", s.appealOfReviewQuery(ctx, id), &appeals)
	b.transcript("the chat", "(SELECT conversation_id FROM reviews WHERE id = ?)", []any{id}, &out.Transcript, &found)
	b.find("the comments", s.reviewCommentsQuery(ctx, id), &out.Comments)
	if err := b.run(); err != nil {
		return out, fmt.Errorf("models: review %d: %w", id, err)
	}
	if len(rows) == 0 {
		return ReviewScreen{}, fmt.Errorf("models: review %d: %w", id, ErrNotFound)
	}
	if !found {
		return ReviewScreen{}, fmt.Errorf("models: chat of review %d: %w", id, ErrNotFound)
	}
	out.Review = rows[0].Review
	if len(appeals) > 0 {
		out.Appeal = &appeals[0]
	}
	var err error
	out.Card, err = rows[0].SV.decode()
	return out, err
}

// ReviewForm is what the inspector sends: ratings (value or N/A) by
// category id, a summary and the teaching-case mark.
type ReviewForm struct {
	Version      int
	Ratings      map[string]scoring.Rating
	Summary      string
	Teaching     string
	TeachingNote string
}

func (f ReviewForm) check(card scoring.Card, final bool) FieldErrors {
	errs := FieldErrors{}
	for _, c := range card.Categories() {
		r, ok := f.Ratings[c.ID]
		if !ok {
			if final {
				errs.Add("cat_"+c.ID, "reviews.err.unrated")
			}
			continue
		}
		lo, hi := c.Scale.Bounds()
		if r.NA && !c.NAAllowed {
			errs.Add("cat_"+c.ID, "reviews.err.na")
		} else if !r.NA && (r.Value < lo || r.Value > hi) {
			errs.Add("cat_"+c.ID, "reviews.err.range", lo, hi)
		}
	}
	if f.Teaching != "" && f.Teaching != "good" && f.Teaching != "bad" {
		errs.Add("teaching", "settings.err.choice")
	}
	if len([]rune(f.Summary)) > 2000 {
		errs.Add("summary", "settings.err.len", 0, 2000)
	}
	return errs
}

// SaveReview stores a draft (final=false, as the inspector goes) or submits
// it (final=true: every category rated or N/A, the score computed). Only the
// review's inspector may change it, and only while it is a draft.
func (s *Store) SaveReview(ctx context.Context, a Actor, id int64, f ReviewForm, final bool) (Review, error) {
	var out Review
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var r Review
		if err := tx.Clauses(lockingClause).Take(&r, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("review %d", id))
		}
		if r.InspectorID != a.ID {
			return ErrNotYours
		}
		if r.Submitted() {
			return Invalid("status", "reviews.err.submitted")
		}
		if r.Version != f.Version {
			return &ConflictError{Entity: "review", By: a.Name, At: r.UpdatedAt}
		}
		card, err := s.ScorecardVersionByID(ctx, r.ScorecardVersionID)
		if err != nil {
			return err
		}
		if errs := f.check(card.Card, final); len(errs) > 0 {
			return errs.Err()
		}
		res, err := scoring.Score(card.Card, f.Ratings)
		if err != nil {
			return Invalid("ratings", "reviews.err.range", 0, 5)
		}
		b, _ := json.Marshal(f.Ratings)
		cols := map[string]any{
			"ratings": string(b), "summary": strings.TrimSpace(f.Summary), "teaching": f.Teaching,
			"teaching_note": strings.TrimSpace(f.TeachingNote), "version": gorm.Expr("version + 1"), "updated_at": gorm.Expr("now()"),
		}
		action := "save_draft"
		if final {
			action = "submit"
			cols["status"], cols["submitted_at"] = "submitted", gorm.Expr("now()")
			cols["score"], cols["critical_failed"] = res.Percent, len(res.CriticalFailed) > 0
		}
		if err := tx.Model(&Review{}).Where("id = ?", id).Updates(cols).Error; err != nil {
			return fmt.Errorf("models: unable to save review %d: %w", id, err)
		}
		if err := tx.Take(&out, id).Error; err != nil {
			return fmt.Errorf("models: unable to reread review %d: %w", id, err)
		}
		if final {
			if err := live.Publish(tx, TopicReviews); err != nil {
				return err
			}
		}
		return audit(tx, a, action, "review", id, map[string]any{"ratings": r.Ratings, "status": r.Status},
			map[string]any{"ratings": out.Ratings, "status": out.Status, "score": out.Score})
	})
	return out, err
}

// ReviewComment is a note on one message: what was wrong and what the agent
// should have written there.
type ReviewComment struct {
	ID             int64
	ReviewID       int64
	MessageID      int64
	Problem        string
	SuggestedReply string
	CreatedBy      *int64
	CreatedAt      time.Time
}

// AddReviewComment attaches a comment to a message of the review's chat.
func (s *Store) AddReviewComment(ctx context.Context, a Actor, reviewID, messageID int64, problem, suggested string) (ReviewComment, error) {
	c := ReviewComment{ReviewID: reviewID, MessageID: messageID, Problem: strings.TrimSpace(problem), SuggestedReply: strings.TrimSpace(suggested), CreatedBy: nullID(a)}
	errs := FieldErrors{}
	if c.Problem == "" && c.SuggestedReply == "" {
		errs.Add("problem", "reviews.err.comment_empty")
	}
	if len([]rune(c.Problem)) > 1000 || len([]rune(c.SuggestedReply)) > 1000 {
		errs.Add("problem", "settings.err.len", 1, 1000)
	}
	if err := errs.Err(); err != nil {
		return c, err
	}
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var r Review
		if err := tx.Clauses(lockingClause).Take(&r, reviewID).Error; err != nil {
			return notFound(err, fmt.Sprintf("review %d", reviewID))
		}
		if r.InspectorID != a.ID {
			return ErrNotYours
		}
		if r.Submitted() {
			return Invalid("problem", "reviews.err.submitted")
		}
		var ok bool
		if err := tx.Raw(`SELECT EXISTS (SELECT 1 FROM chat_messages WHERE id = ? AND conversation_id = ?)`, messageID, r.ConversationID).Scan(&ok).Error; err != nil {
			return fmt.Errorf("models: check message: %w", err)
		}
		if !ok {
			return fmt.Errorf("models: message %d of review %d: %w", messageID, reviewID, ErrNotFound)
		}
		if err := tx.Omit("ID", "CreatedAt").Create(&c).Error; err != nil {
			return fmt.Errorf("models: unable to add comment: %w", err)
		}
		return audit(tx, a, "comment", "review", reviewID, nil, map[string]any{"message": messageID, "problem": c.Problem, "suggested_reply": c.SuggestedReply})
	})
	return c, err
}

// ReviewComments lists a review's comments in message order.
func (s *Store) ReviewComments(ctx context.Context, reviewID int64) ([]ReviewComment, error) {
	var out []ReviewComment
	if err := s.reviewCommentsQuery(ctx, reviewID).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list comments of review %d: %w", reviewID, err)
	}
	return out, nil
}

func (s *Store) reviewCommentsQuery(ctx context.Context, reviewID int64) *gorm.DB {
	return s.conn(ctx).Where("review_id = ?", reviewID).Order("message_id, id")
}

// ChatScreen is what the transcript page shows: the chat and its reviews.
type ChatScreen struct {
	Transcript Transcript
	Reviews    []Review
}

// ChatScreenByID reads a chat and its reviews in one round trip (readBatch).
func (s *Store) ChatScreenByID(ctx context.Context, id int64) (ChatScreen, error) {
	var out ChatScreen
	var found bool
	b := s.newReadBatch(ctx)
	b.transcript("the chat", "?", []any{id}, &out.Transcript, &found)
	b.find("its reviews", s.reviewsOfChatQuery(ctx, id), &out.Reviews)
	if err := b.run(); err != nil {
		return out, fmt.Errorf("models: chat %d: %w", id, err)
	}
	if !found {
		return ChatScreen{}, fmt.Errorf("models: chat %d: %w", id, ErrNotFound)
	}
	return out, nil
}

// ReviewsOfChat lists the reviews of one chat (one per agent at most).
func (s *Store) ReviewsOfChat(ctx context.Context, chatID int64) ([]Review, error) {
	var out []Review
	if err := s.reviewsOfChatQuery(ctx, chatID).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list reviews of chat %d: %w", chatID, err)
	}
	return out, nil
}

func (s *Store) reviewsOfChatQuery(ctx context.Context, chatID int64) *gorm.DB {
	return s.conn(ctx).Where("conversation_id = ?", chatID).Order("id")
}

// AgentReviews lists an agent's finished reviews, newest first.
func (s *Store) AgentReviews(ctx context.Context, agentID int64, limit int) ([]Review, error) {
	var out []Review
	err := s.conn(ctx).Where("agent_id = ? AND status = 'submitted'", agentID).
		Order("submitted_at DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list reviews of agent %d: %w", agentID, err)
	}
	return out, nil
}

// AcknowledgeReview records that the agent read their finished review.
func (s *Store) AcknowledgeReview(ctx context.Context, a Actor, id int64) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var r Review
		if err := tx.Clauses(lockingClause).Take(&r, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("review %d", id))
		}
		if r.AgentID == nil || *r.AgentID != a.ID || !r.Submitted() {
			return ErrNotYours
		}
		if r.AcknowledgedAt != nil {
			return nil
		}
		if err := tx.Exec(`UPDATE reviews SET acknowledged_at = now() WHERE id = ?`, id).Error; err != nil {
			return fmt.Errorf("models: unable to acknowledge review %d: %w", id, err)
		}
		return audit(tx, a, "acknowledge", "review", id, nil, nil)
	})
}
