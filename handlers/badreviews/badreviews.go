// Package badreviews serves /reviews: the bad-review tracker. (In this
// codebase "reviews" elsewhere means spot-check reviews; only the URL
// prefix is /reviews, as the shop asked.) Store managers triage and assign
// medium/bad reviews, agents work their cases and hand in results, QC reads.
package badreviews

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
)

// Store is what the bad-review pages need.
type Store interface {
	ListBadReviewBoard(ctx context.Context, f models.BadReviewFilter, withAgents bool) (models.BadReviewBoard, error)
	CaseAgents(ctx context.Context) ([]models.CaseAgent, error)
	BadReviewByID(ctx context.Context, id int64) (models.BadReview, error)
	BadReviewContacts(ctx context.Context, id int64) ([]models.BadReviewContact, error)
	ListUsers(ctx context.Context) ([]models.User, error)
	AssignBadReviews(ctx context.Context, a models.Actor, cases []models.CaseVersion, agentID int64, now time.Time) error
	TakeBadReview(ctx context.Context, a models.Actor, c models.CaseVersion, now time.Time) error
	LogContact(ctx context.Context, a models.Actor, id int64, f models.ContactForm, now time.Time) error
	EscalateBadReview(ctx context.Context, a models.Actor, c models.CaseVersion, reason string) error
	HandInResult(ctx context.Context, a models.Actor, c models.CaseVersion, f models.ResultForm, now time.Time) error
	ReopenBadReview(ctx context.Context, a models.Actor, c models.CaseVersion, reason string, now time.Time) error
	SaveCaseDetails(ctx context.Context, a models.Actor, c models.CaseVersion, d models.CaseDetails) error
	CreateBadReview(ctx context.Context, a models.Actor, e models.ReviewEntry, now time.Time) (models.BadReview, error)
	HandoverCases(ctx context.Context) ([]models.HandoverCase, error)
	OpenCasesOf(ctx context.Context, agentID int64, limit int) ([]models.BadReview, error)
	BadReviewReportFor(ctx context.Context, from, to time.Time, loc *time.Location, repeat int, now time.Time) (models.BadReviewReport, error)
	AgentMentions(ctx context.Context, agentID int64, limit int) ([]models.BadReview, error)
	CaseOrder(ctx context.Context, orderNo string) (*models.Order, error)
	DutyAt(ctx context.Context, settings models.Settings, now time.Time) (models.Duty, error)
	HandedTo(ctx context.Context, viewer int64, day time.Time, id int64) (bool, error)
}

// Handler serves the bad-review pages.
type Handler struct {
	store Store
	now   func() time.Time
}

// New builds the handler; now is the clock (tests fix it).
func New(store Store, now func() time.Time) *Handler { return &Handler{store: store, now: now} }

var (
	readers = []models.Role{models.RoleManager, models.RoleQC, models.RoleAgent}
	workers = []models.Role{models.RoleManager, models.RoleAgent}
	manager = models.RoleManager
)

// Register adds the routes. Managers assign, reopen and see everything;
// agents work their own cases (and take new ones when the shop allows);
// QC reads; admins have no business here.
func (h *Handler) Register(r *web.Router) {
	r.Handle(http.MethodGet, "/reviews", h.Board, readers...)
	r.Handle(http.MethodPost, "/reviews/assign", h.BulkAssign, manager)
	r.Handle(http.MethodGet, "/reviews/new", h.EntryForm, manager)
	r.Handle(http.MethodPost, "/reviews/new", h.CreateEntry, manager)
	r.Handle(http.MethodGet, "/reviews/handover", h.Handover, readers...)
	r.Handle(http.MethodGet, "/reviews/report", h.Report, manager, models.RoleQC)
	r.Handle(http.MethodGet, "/reviews/report.xlsx", h.Export, manager, models.RoleQC)
	r.Handle(http.MethodGet, "/reviews/agents/:id", h.Agent, readers...)
	r.Handle(http.MethodGet, "/reviews/:id", h.Case, readers...)
	r.Handle(http.MethodPost, "/reviews/:id/assign", h.Assign, manager)
	r.Handle(http.MethodPost, "/reviews/:id/take", h.Take, models.RoleAgent)
	r.Handle(http.MethodPost, "/reviews/:id/contacts", h.Contact, workers...)
	r.Handle(http.MethodPost, "/reviews/:id/escalate", h.Escalate, workers...)
	r.Handle(http.MethodPost, "/reviews/:id/result", h.Result, workers...)
	r.Handle(http.MethodPost, "/reviews/:id/details", h.Details, workers...)
	r.Handle(http.MethodPost, "/reviews/:id/reopen", h.Reopen, manager)
}

func paramID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("badreviews: id %q: %w", c.Param("id"), models.ErrNotFound)
	}
	return id, nil
}

// names maps user ids to what the pages call them.
func (h *Handler) names(ctx context.Context) (map[int64]string, error) {
	users, err := h.store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(users))
	for _, u := range users {
		out[u.ID] = u.Name()
	}
	return out, nil
}

// mayTake reports whether the user may take unassigned cases.
func mayTake(c echo.Context) bool {
	return web.User(c).Role == models.RoleAgent && web.Settings(c).Bool(models.SettingBadReviewAgentsTake)
}

// maySee reports whether the user may read a case: managers and QC all,
// agents their own and, when they may take cases, the unassigned ones.
func maySee(c echo.Context, b models.BadReview) bool {
	u := web.User(c)
	if u.Role != models.RoleAgent {
		return true
	}
	return b.AgentID != nil && *b.AgentID == u.ID || mayTake(c) && b.Status == models.BadReviewNew
}
