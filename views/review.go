package views

import (
	"context"
	"fmt"
	"time"

	"kefudesk/models"
	"kefudesk/models/scoring"
	"kefudesk/views/i18n"
)

// ReviewView is the review screen.
type ReviewView struct {
	Review       models.Review
	Card         models.ScorecardVersion
	Ratings      map[string]scoring.Rating // as saved or as typed
	Summary      string
	Teaching     string
	TeachingNote string
	Transcript   TranscriptView
	Comments     map[int64][]models.ReviewComment
	Editable     bool
	IsAgent      bool
	PassMark     int
	Errors       models.FieldErrors
	Conflict     *models.ConflictError

	Appeal         *models.Appeal
	AppealDeadline time.Time
	CanAppeal      bool
	CanResolve     bool
	AppealErrors   models.FieldErrors
	Proposed       map[string]scoring.Rating // as typed in the appeal form
	Reasons        map[string]string
	Resolution     string
	Names          map[int64]string // user id -> name
	Pending        *CommentBlock    // a rejected comment, shown again at its message with what was typed
}

// RatingText shows a rating in words: pass/fail, a number, N/A, or a dash.
func RatingText(ctx context.Context, c scoring.Category, r scoring.Rating, ok bool) string {
	switch {
	case !ok:
		return "—"
	case r.NA:
		return i18n.T(ctx, "reviews.na")
	}
	return ScaleLabel(ctx, c, fmt.Sprint(r.Value))
}

// ProposedIs reports whether the appeal form had val for category id.
func (v ReviewView) ProposedIs(id, val string) bool {
	r, ok := v.Proposed[id]
	if !ok {
		return val == ""
	}
	if val == "na" {
		return r.NA
	}
	return !r.NA && fmt.Sprint(r.Value) == val
}

// CategoryOf finds a category of the review's card.
func (v ReviewView) CategoryOf(id string) scoring.Category {
	c, _ := v.Card.Card.Category(id)
	return c
}

// AppealsView lists open appeals.
type AppealsView struct {
	Appeals []models.OpenAppeal
	Now     time.Time
	Names   map[int64]string
	Me      int64
}

// RatedAs reports whether ratings hold val (a number or "na") for id.
func RatedAs(ratings map[string]scoring.Rating, id, val string) bool {
	r, ok := ratings[id]
	if !ok {
		return false
	}
	if val == "na" {
		return r.NA
	}
	return !r.NA && fmt.Sprint(r.Value) == val
}

// Prefilled reports whether an automatic check filled category id.
func (v ReviewView) Prefilled(id string) bool {
	for _, p := range v.Review.Prefilled {
		if p == id {
			return true
		}
	}
	return false
}

// Live is the score of the ratings so far, shown while scoring.
func (v ReviewView) Live() scoring.Result {
	r, _ := scoring.Score(v.Card.Card, v.Ratings)
	return r
}

// CommentBlock is the comments under one message and the form to add one.
type CommentBlock struct {
	ReviewID  int64
	MessageID int64
	Comments  []models.ReviewComment
	Editable  bool
	Problem   string
	Suggested string
	Errors    models.FieldErrors
}

// Block returns the comment block of a message.
func (v ReviewView) Block(msgID int64) CommentBlock {
	if v.Pending != nil && v.Pending.MessageID == msgID {
		return *v.Pending
	}
	return CommentBlock{ReviewID: v.Review.ID, MessageID: msgID, Comments: v.Comments[msgID], Editable: v.Editable}
}

// ScaleValues lists a category's rating choices.
func ScaleValues(c scoring.Category) []string {
	lo, hi := c.Scale.Bounds()
	var out []string
	for i := lo; i <= hi; i++ {
		out = append(out, fmt.Sprint(i))
	}
	return out
}

// ScaleLabel names a rating: pass/fail words, or the number.
func ScaleLabel(ctx context.Context, c scoring.Category, val string) string {
	if c.Scale == scoring.PassFail {
		if val == "1" {
			return i18n.T(ctx, "reviews.pass")
		}
		return i18n.T(ctx, "reviews.fail")
	}
	return val
}

// CatName is a category's name in the page's language.
func CatName(ctx context.Context, c scoring.Category) string {
	if i18n.Locale(ctx) == i18n.EN && c.NameEN != "" {
		return c.NameEN
	}
	return c.Name
}

// SectionName is a section's name in the page's language.
func SectionName(ctx context.Context, s scoring.Section) string {
	if i18n.Locale(ctx) == i18n.EN && s.NameEN != "" {
		return s.NameEN
	}
	return s.Name
}

// Percent shows a score, or a dash when there is none.
func Percent(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", *p)
}

// MyReviewsView is the agent's list of finished reviews.
type MyReviewsView struct {
	Reviews  []models.Review
	PassMark int
}
