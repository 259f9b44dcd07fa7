// Package today serves the home page: what waits for the user today.
package today

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Store is what the cards read.
type Store interface {
	Today(ctx context.Context, u models.User, now time.Time, shown models.TodayShown) (models.TodayPage, error)
}

// Handler serves /.
type Handler struct {
	store Store
	now   func() time.Time
}

// New builds the handler; now is the clock (tests fix it).
func New(store Store, now func() time.Time) *Handler { return &Handler{store: store, now: now} }

// Register adds the routes.
func (h *Handler) Register(r *web.Router) {
	r.Handle(http.MethodGet, "/", h.Show, web.All...)
}

// Show renders the today page in the shop's time zone, with the cards of
// the areas the user works in.
func (h *Handler) Show(c echo.Context) error {
	u := web.User(c)
	now := h.now()
	p, err := h.store.Today(c.Request().Context(), *u, now, models.TodayShown{
		MyCases: views.TodayMyCasesShown, Overdue: views.TodayOverdueShown, Disputes: views.TodayDisputesShown})
	if err != nil {
		return err
	}
	n := p.Counts
	v := views.TodayView{Name: u.Name(), Date: views.LongDate(web.Locale(c), now.In(web.Loc(c))), Now: now}
	switch u.Role {
	case models.RoleQC, models.RoleManager:
		v.Queue, v.QueueOverdue, v.HasQueue = n.Queue, n.QueueOverdue, true
		if u.Role == models.RoleManager {
			v.Appeals, v.AppealsOverdue, v.HasAppeals = n.Appeals, n.AppealsOverdue, true
		}
	case models.RoleAgent:
		v.UnreadReviews, v.HasReviews = n.UnreadReviews, true
	}
	// Bad reviews: an agent's open cases; for the store manager the new
	// cases to assign and the overdue ones (counted, the first few named).
	// Orders: open disputes and their age for the manager; disputes over
	// an agent's orders waiting for their answer. VIP visits: the agent's
	// due and overdue ones, the team's overdue ones for a manager.
	v.Orders.Now = now
	switch u.Role {
	case models.RoleManager:
		v.BadReviews = &views.BadReviewToday{Now: now, Overdue: p.OverdueCases,
			OverdueCount: n.CasesOverdue, New: n.CasesNew, Escalated: n.CasesEscalated}
		v.Orders.Open, v.Orders.OpenCount, v.Orders.HasOpen = p.OpenDisputes, n.Disputes, true
		v.Visits = views.VisitsToday{Show: true, Manager: true, Overdue: n.VisitsOverdue}
	case models.RoleAgent:
		v.BadReviews = &views.BadReviewToday{Now: now, IsAgent: true, Mine: p.MyCases}
		v.Orders.ToAnswer, v.Orders.HasToAnswer = p.ToAnswer, len(p.ToAnswer) > 0
		v.Visits = views.VisitsToday{Show: true, Due: n.VisitsDue, Overdue: n.VisitsOverdue}
	}
	if p.HasShifts {
		v.Shifts = &views.ShiftsToday{ShiftsToday: p.Shifts, Types: models.RotaParams(web.Settings(c)).Types, Now: now}
	}
	return web.Render(c, http.StatusOK, views.TodayPage(v))
}
