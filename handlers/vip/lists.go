package vip

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Lists shows the visit lists, newest period first.
func (h *Handler) Lists(c echo.Context) error {
	var before *models.ListCursor
	if s, id, ok := strings.Cut(c.QueryParam("before"), "_"); ok {
		d, err1 := time.Parse(time.DateOnly, s)
		n, err2 := strconv.ParseInt(id, 10, 64)
		if err1 == nil && err2 == nil {
			before = &models.ListCursor{Start: d, ID: n}
		}
	}
	today := h.today(c)
	page, err := h.store.VisitLists(c.Request().Context(), today, before, 30)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.VisitListsPage(views.VisitListsView{Page: page, Today: today}))
}

// listFormView fills the choices of the new-list form.
func (h *Handler) listFormView(c echo.Context, f models.VisitListForm) (views.VisitListFormView, error) {
	ctx := c.Request().Context()
	v := views.VisitListFormView{Form: f}
	var err error
	if v.Tags, err = h.store.VIPTags(ctx); err != nil {
		return v, err
	}
	users, err := h.store.ListUsers(ctx)
	if err != nil {
		return v, err
	}
	for _, u := range users {
		if u.Role == models.RoleAgent && !u.Disabled {
			v.Agents = append(v.Agents, u)
		}
	}
	// Hand-picking shows the first 500 customers by nick; bigger shops
	// choose by tier and tag.
	page, err := h.store.ListVIPs(ctx, models.VIPFilter{Limit: 500})
	v.Customers = page.Customers
	return v, err
}

// NewList shows the form with this month as the period.
func (h *Handler) NewList(c echo.Context) error {
	today := h.today(c)
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	v, err := h.listFormView(c, models.VisitListForm{PeriodStart: first.Format(time.DateOnly),
		PeriodEnd: first.AddDate(0, 1, -1).Format(time.DateOnly)})
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.VisitListNewPage(v))
}

// CreateList saves a list and plans its visits.
func (h *Handler) CreateList(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return err
	}
	form := c.Request().Form
	f := models.VisitListForm{Name: form.Get("name"), Purpose: form.Get("purpose"), Script: form.Get("script"),
		PeriodStart: form.Get("period_start"), PeriodEnd: form.Get("period_end"), Tiers: form["tiers"], Tags: form["tags"],
		FromSuggested: form.Get("from_suggested") != "", Monthly: form.Get("monthly") != "",
		PickedIDs: ids(form["picked"]), AgentIDs: ids(form["agents"])}
	l, err := h.store.CreateVisitList(c.Request().Context(), web.Actor(c), f, h.today(c))
	if errs, ok := models.AsValidation(err); ok {
		v, verr := h.listFormView(c, f)
		if verr != nil {
			return verr
		}
		v.Errors = errs
		return web.Page(c, http.StatusUnprocessableEntity, views.VisitListNewPage(v), views.VisitListForm(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "vip.list.created", l.Name)); err != nil {
		return err
	}
	return web.Redirect(c, "/vip/lists/"+strconv.FormatInt(l.ID, 10))
}

func ids(vals []string) []int64 {
	var out []int64
	for _, s := range vals {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// List shows one list and its visits.
func (h *Handler) List(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	l, err := h.store.VisitListByID(ctx, id)
	if err != nil {
		return err
	}
	visits, err := h.store.ListVisitsOf(ctx, id)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.VisitListPage(views.VisitListView{List: l, Visits: visits, Today: h.today(c)}))
}
