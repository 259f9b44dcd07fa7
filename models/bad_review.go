package models

import (
	"slices"
	"time"

	"github.com/lib/pq"
)

// TopicBadReviews is the live-update topic of the bad-review board and cases.
const TopicBadReviews = "badreviews"

// Statuses of a bad-review case. A good review is kept as 'praise' and never
// becomes a case; medium and bad ones start 'new'.
const (
	BadReviewPraise     = "praise"
	BadReviewNew        = "new"
	BadReviewAssigned   = "assigned"
	BadReviewContacting = "contacting"
	BadReviewAgreed     = "agreed" // the buyer agreed to revise
	BadReviewEscalated  = "escalated"
	BadReviewResolved   = "resolved"
	BadReviewUnresolved = "unresolved" // closed without putting it right
)

// BadReviewStatuses lists the case statuses in board order.
var BadReviewStatuses = []string{BadReviewNew, BadReviewAssigned, BadReviewContacting, BadReviewAgreed,
	BadReviewEscalated, BadReviewResolved, BadReviewUnresolved}

// BadReviewOpenStatuses are the statuses of a case someone is working.
var BadReviewOpenStatuses = []string{BadReviewAssigned, BadReviewContacting, BadReviewAgreed, BadReviewEscalated}

// openStatusesSQL is BadReviewOpenStatuses as SQL literals. The partial
// indexes on open cases (migrations 00020 and 00056) name them, and the
// planner uses such an index only for a query that names them too: with
// the statuses as parameters, a generic plan cannot know they match.
const openStatusesSQL = `('assigned', 'contacting', 'agreed', 'escalated')`

// BadReviewCauses are the cause tags a case can carry, several at once.
var BadReviewCauses = []string{"logistics", "damaged", "quality", "size", "wrong_item", "mismatch", "attitude", "price", "other"}

// Contact channels, offers, buyers' answers and case outcomes.
var (
	BadReviewChannels = []string{"wangwang", "phone", "sms", "wechat"}
	BadReviewOffers   = []string{"apology", "coupon", "partial_refund", "reshipment"}
	BadReviewAnswers  = []string{"agreed", "thinking", "refused"}
	BadReviewOutcomes = []string{"revised", "explained", "compensated", "unresolved"}
	// BadReviewFinalRatings is what a revised review ended as.
	BadReviewFinalRatings = []string{"good", "medium", "removed"}
)

// BadReview is one imported review and, for medium and bad ones, the case
// of putting it right.
type BadReview struct {
	ID              int64
	ReviewNo        string
	OrderNo         string
	Buyer           string
	Rating          string
	FirstRating     string
	Content         string
	FollowUp        string
	FollowUpAt      *time.Time
	Photos          pq.StringArray `gorm:"type:text[]"`
	Item            string
	ReviewedAt      time.Time
	Status          string
	AgentID         *int64
	ServedBy        *int64
	Causes          pq.StringArray `gorm:"type:text[]"`
	AssignedAt      *time.Time
	DueAt           *time.Time
	Escalation      string
	Outcome         string
	FinalRating     string
	CompensationFen int64
	Account         string
	ResolvedAt      *time.Time
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time
	UpdatedBy       *int64
}

// TableName pins the table: "reviews" are spot-check reviews in this codebase.
func (BadReview) TableName() string { return "bad_reviews" }

// IsOpen reports whether someone is working the case.
func (b BadReview) IsOpen() bool { return slices.Contains(BadReviewOpenStatuses, b.Status) }

// IsClosed reports whether a result was handed in.
func (b BadReview) IsClosed() bool {
	return b.Status == BadReviewResolved || b.Status == BadReviewUnresolved
}

// BadReviewDue is when a case assigned at assigned must have its result:
// the same wall-clock time days calendar days later in the shop's time
// zone, so a daylight-saving change or a late-evening assignment does not
// move the deadline by an hour or a day.
func BadReviewDue(assigned time.Time, days int, loc *time.Location) time.Time {
	return assigned.In(loc).AddDate(0, 0, days)
}

// Due states of an open case, for the board.
const (
	DueNone    = ""
	DueLater   = "later"
	DueToday   = "today"
	DueOverdue = "overdue"
)

// DueState says whether an open case is overdue or due today (shop day).
func (b BadReview) DueState(now time.Time, loc *time.Location) string {
	if !b.IsOpen() || b.DueAt == nil {
		return DueNone
	}
	if now.After(*b.DueAt) {
		return DueOverdue
	}
	if sameDay(now, *b.DueAt, loc) {
		return DueToday
	}
	return DueLater
}

func sameDay(a, b time.Time, loc *time.Location) bool {
	ay, am, ad := a.In(loc).Date()
	by, bm, bd := b.In(loc).Date()
	return ay == by && am == bm && ad == bd
}

// ReviseBy is the last moment the buyer can still change the review.
func (b BadReview) ReviseBy(s Settings) time.Time {
	return BadReviewDue(b.ReviewedAt, s.Int(SettingBadReviewReviseDays), s.Location())
}

// Revision window states, for the warning on the board.
const (
	ReviseOpen    = "open"
	ReviseClosing = "closing" // within the warning days
	ReviseClosed  = "closed"
)

// ReviseState says whether the buyer can still revise, and whether the
// window is about to close. Closed cases need no warning.
func (b BadReview) ReviseState(now time.Time, s Settings) string {
	by := b.ReviseBy(s)
	switch {
	case now.After(by):
		return ReviseClosed
	case !b.IsClosed() && by.Sub(now) <= time.Duration(s.Int(SettingBadReviewReviseWarn))*24*time.Hour:
		return ReviseClosing
	}
	return ReviseOpen
}

// BadReviewContact is one attempt to reach the buyer.
type BadReviewContact struct {
	ID          int64
	BadReviewID int64
	AgentID     *int64
	Channel     string
	ContactedAt time.Time
	Reached     bool
	Offer       string
	OfferFen    int64
	Answer      string
	Note        string
	CreatedAt   time.Time
}

// TableName pins the table.
func (BadReviewContact) TableName() string { return "bad_review_contacts" }
