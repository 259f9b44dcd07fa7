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
	TodayCounts(ctx context.Context, u models.User, now time.Time, loc *time.Location) (models.TodayCounts, error)
	OpenCasesOf(ctx context.Context, agentID int64, limit int) ([]models.BadReview, error)
	OverdueCases(ctx context.Context, now time.Time, limit int) ([]models.BadReview, error)
	OpenDisputes(ctx context.Context, limit int) ([]models.DisputeItem, error)
	DisputesToAnswer(ctx context.Context, userID int64, now time.Time) ([]models.DisputeItem, error)
	ShiftsToday(ctx context.Context, u models.User, now time.Time, n models.TodayCounts) (models.ShiftsToday, error)
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
	ctx := c.Request().Context()
	u := web.User(c)
	now := h.now()
	v := views.TodayView{Name: u.Name(), Date: views.LongDate(web.Locale(c), now.In(web.Loc(c))), Now: now}
	// The cards show counts, all counted in one statement.
	n, err := h.store.TodayCounts(ctx, *u, now, web.Loc(c))
	if err != nil {
		return err
	}
	switch u.Role {
	case models.RoleQC, models.RoleManager:
		v.Queue, v.QueueOverdue, v.HasQueue = n.Queue, n.QueueOverdue, true
		if u.Role == models.RoleManager {
			v.Appeals, v.AppealsOverdue, v.HasAppeals = n.Appeals, n.AppealsOverdue, true
		}
	case models.RoleAgent:
		v.UnreadReviews, v.HasReviews = n.UnreadReviews, true
	}
	if err := h.badReviews(c, &v, n); err != nil {
		return err
	}
	// Orders: open disputes and their age for the manager; disputes over
	// an agent's orders waiting for their answer.
	v.Orders.Now = now
	switch u.Role {
	case models.RoleManager:
		// The oldest few are named; the rest are counted.
		ds, err := h.store.OpenDisputes(ctx, views.TodayDisputesShown)
		if err != nil {
			return err
		}
		v.Orders.Open, v.Orders.OpenCount, v.Orders.HasOpen = ds, n.Disputes, true
	case models.RoleAgent:
		ds, err := h.store.DisputesToAnswer(ctx, u.ID, now)
		if err != nil {
			return err
		}
		v.Orders.ToAnswer, v.Orders.HasToAnswer = ds, len(ds) > 0
	}
	// VIP visits: the agent's due and overdue ones, the team's overdue ones for a manager.
	switch u.Role {
	case models.RoleAgent:
		v.Visits = views.VisitsToday{Show: true, Due: n.VisitsDue, Overdue: n.VisitsOverdue}
	case models.RoleManager:
		v.Visits = views.VisitsToday{Show: true, Manager: true, Overdue: n.VisitsOverdue}
	}
	if u.Role != models.RoleAdmin {
		st, err := h.store.ShiftsToday(ctx, *u, now, n)
		if err != nil {
			return err
		}
		v.Shifts = &views.ShiftsToday{ShiftsToday: st, Types: models.RotaParams(web.Settings(c)).Types, Now: now}
	}
	return web.Render(c, http.StatusOK, views.TodayPage(v))
}

// badReviews adds the bad-review card: an agent's open cases, or for the
// store manager the new cases to assign and the overdue ones.
func (h *Handler) badReviews(c echo.Context, v *views.TodayView, n models.TodayCounts) error {
	ctx := c.Request().Context()
	u := web.User(c)
	br := views.BadReviewToday{Now: v.Now}
	var err error
	switch u.Role {
	case models.RoleAgent:
		br.IsAgent = true
		if br.Mine, err = h.store.OpenCasesOf(ctx, u.ID, 20); err != nil {
			return err
		}
	case models.RoleManager:
		// The card counts every overdue case and names the first few;
		// a busy shop has thousands, read only to be counted.
		if br.Overdue, err = h.store.OverdueCases(ctx, v.Now, views.TodayOverdueShown); err != nil {
			return err
		}
		br.OverdueCount, br.New, br.Escalated = n.CasesOverdue, n.CasesNew, n.CasesEscalated
	default:
		return nil
	}
	v.BadReviews = &br
	return nil
}
