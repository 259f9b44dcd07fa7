// Package vip serves /vip: VIP customers, suggested VIPs, visit lists, the
// agent's visits and the managers' report (issue 6).
package vip

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
)

// Store is what the VIP pages need.
type Store interface {
	ListVIPs(ctx context.Context, f models.VIPFilter) (models.VIPPage, error)
	VIPTags(ctx context.Context) ([]string, error)
	VIPByID(ctx context.Context, id int64) (models.VIPCustomer, error)
	VIPForEdit(ctx context.Context, a models.Actor, id int64) (models.VIPCustomer, error)
	SaveVIP(ctx context.Context, a models.Actor, f models.VIPForm) (models.VIPCustomer, error)
	MayReveal(ctx context.Context, u models.User, customerID int64) (bool, error)
	RevealContact(ctx context.Context, a models.Actor, u models.User, customerID int64, field string) (string, error)
	VisitsOfCustomer(ctx context.Context, customerID int64) ([]models.VisitRow, error)
	BuyerTimeline(ctx context.Context, buyer string, limit int) ([]models.TimelineEntry, error)
	VIPSuggestions(ctx context.Context, now time.Time, limit int) ([]models.VIPSuggestion, error)
	AcceptSuggestion(ctx context.Context, a models.Actor, buyer, tier string) (models.VIPCustomer, error)
	DismissSuggestion(ctx context.Context, a models.Actor, buyer string) error
	ListUsers(ctx context.Context) ([]models.User, error)
	CreateVisitList(ctx context.Context, a models.Actor, f models.VisitListForm, today time.Time) (models.VisitList, error)
	EnsureMonthlyLists(ctx context.Context, today time.Time) (int, error)
	VisitLists(ctx context.Context, today time.Time, before *models.ListCursor, limit int) (models.VisitListPage, error)
	VisitListByID(ctx context.Context, id int64) (models.VisitList, error)
	ListVisitsOf(ctx context.Context, listID int64) ([]models.VisitRow, error)
	DueVisits(ctx context.Context, agentID int64, today time.Time, limit int) ([]models.VisitRow, error)
	VisitByID(ctx context.Context, id int64) (models.VisitRow, error)
	LogsOfVisit(ctx context.Context, visitID int64) ([]models.VisitLog, error)
	LogVisit(ctx context.Context, a models.Actor, f models.VisitLogForm, now time.Time) (models.Visit, error)
	VisitReportFor(ctx context.Context, from, to, today time.Time) (models.VisitReport, error)
	Settings(ctx context.Context) (models.Settings, error)
}

// Handler serves the VIP pages.
type Handler struct {
	store Store
	log   *slog.Logger
	now   func() time.Time
}

// New builds the handler and starts, for the server's lifetime, the job
// that generates each month's lists from the monthly rules.
func New(store Store, log *slog.Logger, bg context.Context, now func() time.Time) *Handler {
	h := &Handler{store: store, log: log, now: now}
	go h.monthly(bg)
	return h
}

// monthly makes this month's lists at start-up and then hourly: a new
// month is noticed within the hour, and a unique index keeps two server
// processes from making the same list twice.
func (h *Handler) monthly(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		set, err := h.store.Settings(ctx)
		if err == nil {
			_, err = h.store.EnsureMonthlyLists(ctx, h.now().In(set.Location()))
		}
		if err != nil && ctx.Err() == nil {
			h.log.Error("vip: monthly lists", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Register adds the routes: managers plan and see everything; agents work
// their own visits; QC and admins have no part in visits.
func (h *Handler) Register(r *web.Router) {
	m, both := models.RoleManager, []models.Role{models.RoleManager, models.RoleAgent}
	r.Handle(http.MethodGet, "/vip", h.Home, both...)
	r.Handle(http.MethodGet, "/vip/customers", h.Customers, m)
	r.Handle(http.MethodGet, "/vip/customers/new", h.NewCustomer, m)
	r.Handle(http.MethodPost, "/vip/customers", h.CreateCustomer, m)
	r.Handle(http.MethodGet, "/vip/customers/:id", h.Customer, both...)
	r.Handle(http.MethodGet, "/vip/customers/:id/edit", h.EditCustomer, m)
	r.Handle(http.MethodPost, "/vip/customers/:id", h.UpdateCustomer, m)
	r.Handle(http.MethodPost, "/vip/customers/:id/reveal", h.Reveal, both...)
	r.Handle(http.MethodGet, "/vip/suggestions", h.Suggestions, m)
	r.Handle(http.MethodPost, "/vip/suggestions/accept", h.Accept, m)
	r.Handle(http.MethodPost, "/vip/suggestions/dismiss", h.Dismiss, m)
	r.Handle(http.MethodGet, "/vip/lists", h.Lists, m)
	r.Handle(http.MethodGet, "/vip/lists/new", h.NewList, m)
	r.Handle(http.MethodPost, "/vip/lists", h.CreateList, m)
	r.Handle(http.MethodGet, "/vip/lists/:id", h.List, m)
	r.Handle(http.MethodGet, "/vip/me", h.Mine, models.RoleAgent)
	r.Handle(http.MethodGet, "/vip/visits/:id", h.Visit, both...)
	r.Handle(http.MethodPost, "/vip/visits/:id/log", h.LogVisit, models.RoleAgent)
	r.Handle(http.MethodGet, "/vip/report", h.Report, m)
	r.Handle(http.MethodGet, "/vip/report.xlsx", h.ReportExport, m)
}

// Home sends each role to its first VIP page.
func (h *Handler) Home(c echo.Context) error {
	if web.User(c).Role == models.RoleAgent {
		return c.Redirect(http.StatusSeeOther, "/vip/me")
	}
	return c.Redirect(http.StatusSeeOther, "/vip/lists")
}

func paramID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("vip: id %q: %w", c.Param("id"), models.ErrNotFound)
	}
	return id, nil
}

// today is the shop's calendar day now, on the shop's clock.
func (h *Handler) today(c echo.Context) time.Time { return h.now().In(web.Loc(c)) }
