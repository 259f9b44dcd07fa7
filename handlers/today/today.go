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
	InspectorQueue(ctx context.Context, inspectorID int64, limit int) ([]models.QueueItem, error)
	AgentReviews(ctx context.Context, agentID int64, limit int) ([]models.Review, error)
	OpenAppeals(ctx context.Context, limit int) ([]models.OpenAppeal, error)
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
	switch u.Role {
	case models.RoleQC, models.RoleManager:
		q, err := h.store.InspectorQueue(ctx, u.ID, 200)
		if err != nil {
			return err
		}
		v.Queue, v.HasQueue = q, true
		if u.Role == models.RoleManager {
			ap, err := h.store.OpenAppeals(ctx, 500)
			if err != nil {
				return err
			}
			v.Appeals, v.HasAppeals = ap, true
		}
	case models.RoleAgent:
		rs, err := h.store.AgentReviews(ctx, u.ID, 100)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.AcknowledgedAt == nil {
				v.UnreadReviews = append(v.UnreadReviews, r)
			}
		}
		v.HasReviews = true
	}
	return web.Render(c, http.StatusOK, views.TodayPage(v))
}
