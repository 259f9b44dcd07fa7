// Package today serves the home page: what waits for the user today.
package today

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/views"
)

// Handler serves /.
type Handler struct {
	now func() time.Time
}

// New builds the handler; now is the clock (tests fix it).
func New(now func() time.Time) *Handler { return &Handler{now: now} }

// Register adds the routes.
func (h *Handler) Register(r *web.Router) {
	r.Handle(http.MethodGet, "/", h.Show, web.All...)
}

// Show renders the today page in the shop's time zone.
func (h *Handler) Show(c echo.Context) error {
	u := web.User(c)
	v := views.TodayView{Name: u.Name(), Date: views.LongDate(web.Locale(c), h.now().In(web.Loc(c)))}
	return web.Render(c, http.StatusOK, views.TodayPage(v))
}
