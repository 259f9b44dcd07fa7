package views

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"kefudesk/models"
)

// BadReviewBoardView is the board with its filter as typed.
type BadReviewBoardView struct {
	Status, Agent, Cause, Item, Due string
	Page                            models.BadReviewPage
	Agents                          []models.CaseAgent
	Items                           []string
	Names                           map[int64]string
	Suggested                       map[int64]models.Suggestion
	Settings                        models.Settings
	Now                             time.Time
	CanAssign                       bool // store managers
	CanTake                         bool // agents, when the shop allows
	Errors                          models.FieldErrors
	Conflict                        *models.ConflictError
}

// columns are the board table's column heads, in order (the tick box
// first, for those who may assign).
func (v BadReviewBoardView) columns(ctx context.Context) []string {
	var head []string
	if v.CanAssign {
		head = append(head, T(ctx, "badreviews.pick"))
	}
	for _, k := range []string{"review", "status", "agent", "due", "revise_by"} {
		head = append(head, T(ctx, "badreviews."+k))
	}
	return head
}

// Query is the board's filter as URL parameters (without the cursor).
func (v BadReviewBoardView) Query() url.Values {
	q := url.Values{}
	for k, val := range map[string]string{"status": v.Status, "agent": v.Agent, "cause": v.Cause, "item": v.Item, "due": v.Due} {
		if val != "" {
			q.Set(k, val)
		}
	}
	return q
}

// URL is the board under the current filter.
func (v BadReviewBoardView) URL() string {
	if q := v.Query(); len(q) > 0 {
		return "/reviews?" + q.Encode()
	}
	return "/reviews"
}

// StatusURL is the board filtered to one status, keeping the other filters.
func (v BadReviewBoardView) StatusURL(status string) string {
	q := v.Query()
	q.Del("status")
	if status != "" {
		q.Set("status", status)
	}
	return "/reviews?" + q.Encode()
}

// NextURL pages on, keeping the filter.
func (v BadReviewBoardView) NextURL() string {
	q := v.Query()
	q.Set("before", v.Page.Next.String())
	return "/reviews?" + q.Encode()
}

// Total is every case under the filter.
func (v BadReviewBoardView) Total() int64 {
	var n int64
	for _, c := range v.Page.Counts {
		n += c
	}
	return n
}

// AgentName names a user id, or "" for nobody.
func AgentName(names map[int64]string, id *int64) string {
	if id == nil {
		return ""
	}
	return names[*id]
}

// CaseURL is a case's page.
func CaseURL(id int64) string { return fmt.Sprintf("/reviews/%d", id) }

// RatingClass colours a rating.
func RatingClass(r string) string {
	switch r {
	case "bad":
		return "badge badge-bad"
	case "medium":
		return "badge badge-warn"
	}
	return "badge badge-on"
}

// StatusClass colours a case status.
func StatusClass(s string) string {
	switch s {
	case models.BadReviewNew:
		return "badge badge-warn"
	case models.BadReviewEscalated, models.BadReviewUnresolved:
		return "badge badge-bad"
	case models.BadReviewResolved:
		return "badge badge-on"
	}
	return "badge"
}

// BadReviewCaseView is one case with its forms.
type BadReviewCaseView struct {
	Case      models.BadReview
	Contacts  []models.BadReviewContact
	Order     *models.Order // the order from the imported report, when there
	Agents    []models.CaseAgent
	Names     map[int64]string
	Suggested models.Suggestion
	Settings  models.Settings
	Now       time.Time
	CanAssign bool // manager
	CanWork   bool // its agent or a manager
	CanTake   bool
	CanReopen bool
	Conflict  *models.ConflictError
	Errors    models.FieldErrors
	Form      string // which form the errors belong to
	Contact   ContactInput
	Result    ResultInput
	Details   DetailsInput
	Reason    string
}

// ContactInput is the contact form as typed.
type ContactInput struct {
	Channel, ContactedAt, Offer, OfferYuan, Answer, Note string
	Reached                                              bool
}

// ResultInput is the result form as typed.
type ResultInput struct {
	Outcome, FinalRating, CompensationYuan, Account string
}

// DetailsInput is the tags form as typed.
type DetailsInput struct {
	Causes                  []string
	Item, OrderNo, ServedBy string
}

// HasCause reports whether the form has cause ticked.
func (d DetailsInput) HasCause(c string) bool { return slices.Contains(d.Causes, c) }

// Errs returns the errors of form, so each form shows only its own.
func (v BadReviewCaseView) Errs(form string) models.FieldErrors {
	if v.Form != form {
		return models.FieldErrors{}
	}
	return v.Errors
}

// Conflicted reports whether form hit a version conflict.
func (v BadReviewCaseView) Conflicted(form string) *models.ConflictError {
	if v.Form != form {
		return nil
	}
	return v.Conflict
}

// ReviewEntryView is the hand-entry form.
type ReviewEntryView struct {
	Input  models.ReviewEntry
	When   string
	Errors models.FieldErrors
}

// BadReviewHandoverView lists unfinished cases for the next shift.
type BadReviewHandoverView struct {
	Cases    []models.HandoverCase
	Names    map[int64]string
	Now      time.Time
	Settings models.Settings
}

// BadReviewReportView is the report for a period.
type BadReviewReportView struct {
	From, To string
	Report   models.BadReviewReport
	Errors   models.FieldErrors
}

// ExportURL is the XLSX of the same period.
func (v BadReviewReportView) ExportURL() string {
	return "/reviews/report.xlsx?" + url.Values{"from": {v.From}, "to": {v.To}}.Encode()
}

// AgentReviewsView is one agent's page: cases, service score, mentions.
type AgentReviewsView struct {
	Agent    models.AgentCases
	Open     []models.BadReview
	Mentions []models.BadReview
	From, To string
	Now      time.Time
	Settings models.Settings
}

// TodayOverdueShown is how many overdue cases the manager's today card
// names; the rest are a link to the board's overdue filter.
const TodayOverdueShown = 5

// TodayMyCasesShown is how many of their open cases an agent's today card
// names, soonest due first.
const TodayMyCasesShown = 20

// BadReviewToday is the bad-review card on the today page.
type BadReviewToday struct {
	Mine    []models.BadReview // an agent's open cases
	IsAgent bool
	Overdue []models.BadReview // the manager's most overdue cases, up to TodayOverdueShown
	// OverdueCount is how many cases are overdue in all.
	OverdueCount int
	New          int
	Escalated    int // difficult buyers and rights complaints waiting for the manager
	Now          time.Time
}

// Rate writes a share (0-1) as a whole percentage.
func Rate(r float64) string { return fmt.Sprintf("%.0f%%", r*100) }

// Hours writes a median time to resolve.
func Hours(h *float64) string {
	if h == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f h", *h)
}

// ReviewImportKind is how the review upload pages read.
var ReviewImportKind = ImportKind{Base: "/reviews/import", Title: "badreviews.import", Help: "badreviews.import.help",
	Back: "/reviews", BackLabel: "badreviews.title", Accept: ".csv,.txt,.xlsx,text/csv"}

// SuggestionWhy says why an agent is suggested: on duty or next shift,
// served the buyer, fewest open cases.
func SuggestionWhy(ctx context.Context, s models.Suggestion) string {
	var why []string
	if s.Duty != "" {
		why = append(why, T(ctx, "badreviews.why."+s.Duty))
	}
	if s.Served {
		why = append(why, T(ctx, "badreviews.why.served"))
	}
	if s.Fewest {
		why = append(why, T(ctx, "badreviews.why.fewest"))
	}
	return strings.Join(why, " · ")
}
