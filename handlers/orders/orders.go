// Package orders serves /orders: the imported order report.
package orders

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Store is what the order pages need.
type Store interface {
	ListOrders(ctx context.Context, f models.OrderFilter) (models.OrderPage, error)
}

// Handler serves the order pages.
type Handler struct{ store Store }

// New builds the handler.
func New(store Store) *Handler { return &Handler{store: store} }

// Register adds the routes: store managers only (orders carry money).
func (h *Handler) Register(r *web.Router) {
	r.Handle(http.MethodGet, "/orders", h.List, models.RoleManager)
}

// List shows orders newest first, filtered by days, buyer, flag, unpaid.
func (h *Handler) List(c echo.Context) error {
	loc := web.Loc(c)
	v := views.OrdersView{From: c.QueryParam("from"), To: c.QueryParam("to"), Buyer: c.QueryParam("buyer"),
		Flag: c.QueryParam("flag"), Unpaid: c.QueryParam("unpaid") != "", Errors: models.FieldErrors{}}
	f := models.OrderFilter{Buyer: v.Buyer, Unpaid: v.Unpaid, Before: models.ParseAuditCursor(c.QueryParam("before"))}
	f.Flag, _ = strconv.Atoi(v.Flag)
	if v.From != "" {
		d, err := time.ParseInLocation(time.DateOnly, v.From, loc)
		if err != nil {
			v.Errors.Add("from", "audit.err.date")
		}
		f.From = d
	}
	if v.To != "" {
		d, err := time.ParseInLocation(time.DateOnly, v.To, loc)
		if err != nil {
			v.Errors.Add("to", "audit.err.date")
		}
		f.To = d.AddDate(0, 0, 1)
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		page, err := h.store.ListOrders(c.Request().Context(), f)
		if err != nil {
			return err
		}
		v.Page = page
	}
	return web.Page(c, status, views.OrdersPage(v), views.OrdersSection(v))
}
