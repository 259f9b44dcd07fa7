package shifts

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/models/rota"
	"kefudesk/views"
)

// rotaRange reads start (any day: its Monday is used) and weeks (1-8,
// default 2) from the query or form, defaulting to this week.
func (h *Handler) rotaRange(c echo.Context) (time.Time, int, models.FieldErrors) {
	errs := models.FieldErrors{}
	start := models.Monday(h.today(c))
	if s := c.FormValue("start"); s != "" {
		d, ok := models.ParseDay(s)
		if !ok {
			errs.Add("start", "shifts.err.date")
		} else {
			start = models.Monday(d)
		}
	}
	weeks := 2
	if s := c.FormValue("weeks"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 12 {
			errs.Add("weeks", "shifts.err.weeks")
		} else {
			weeks = n
		}
	}
	return start, weeks, errs
}

func (h *Handler) rotaView(c echo.Context, start time.Time, weeks int) (views.RotaView, error) {
	ctx := c.Request().Context()
	g, err := h.store.LoadRota(ctx, start, weeks)
	if err != nil {
		return views.RotaView{}, err
	}
	notices, err := h.store.OpenNotices(ctx, 0)
	if err != nil {
		return views.RotaView{}, err
	}
	v := views.RotaView{Grid: g, Start: views.DayParam(g.Start), Weeks: weeks, Errors: models.FieldErrors{},
		Notices: notices, Today: h.today(c), Shares: rota.Fairness(g.Rota, g.Params)}
	v.LateGap, v.WeekendGap = rota.Spread(v.Shares)
	return v, nil
}

// Rota shows the grid of the chosen weeks.
func (h *Handler) Rota(c echo.Context) error {
	start, weeks, errs := h.rotaRange(c)
	v, err := h.rotaView(c, start, weeks)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(errs) > 0 {
		v.Errors, status = errs, http.StatusUnprocessableEntity
	}
	return web.Render(c, status, views.RotaPage(v))
}

// Generate fills draft weeks with a generated rota.
func (h *Handler) Generate(c echo.Context) error {
	start, weeks, errs := h.rotaRange(c)
	if len(errs) == 0 {
		_, err := h.store.GenerateRota(c.Request().Context(), web.Actor(c), start, weeks)
		if fe, ok := models.AsValidation(err); ok {
			errs = fe
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		v, err := h.rotaView(c, start, weeks)
		if err != nil {
			return err
		}
		v.Errors, v.Start = errs, c.FormValue("start")
		return web.Render(c, http.StatusUnprocessableEntity, views.RotaPage(v))
	}
	if err := web.Flash(c, web.T(c, "shifts.generated", weeks)); err != nil {
		return err
	}
	return web.Redirect(c, views.RotaURL(views.DayParam(start), weeks))
}

// EditCell changes one agent's day. HTMX gets the cell back (and the rule
// panel out of band); a plain form returns to the grid. A change that
// breaks a rule comes back with the rules and a "save anyway" button.
func (h *Handler) EditCell(c echo.Context) error {
	start, weeks, _ := h.rotaRange(c)
	day, ok := models.ParseDay(c.FormValue("day"))
	userID := formID(c, "user")
	if !ok || userID == 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "day and user are required")
	}
	shift := c.FormValue("shift")
	_, err := h.store.SetShift(c.Request().Context(), web.Actor(c), userID, day, shift, formInt(c, "version"), c.FormValue("override") != "")
	var broken *models.RuleError
	if err != nil && !errors.As(err, &broken) {
		if fe, ok := models.AsValidation(err); ok {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, web.T(c, fe[firstKey(fe)].Key))
		}
		return err
	}
	v, err := h.rotaView(c, start, weeks)
	if err != nil {
		return err
	}
	var u models.User
	for _, s := range v.Grid.Staff {
		if s.ID == userID {
			u = s
		}
	}
	i := int(day.Sub(v.Grid.Start).Hours() / 24)
	if i < 0 || i >= v.Grid.Days() || u.ID == 0 {
		// An edit outside the shown weeks (a stale page): show the grid.
		return web.Redirect(c, views.RotaURL(v.Start, weeks))
	}
	cell := v.Cell(u, i)
	if broken != nil {
		cell.Shift, cell.Broken, cell.BrokenAt, cell.Names = shift, broken.Violations, broken.Start, v.Names()
		if !web.Partial(c) {
			return web.Render(c, http.StatusUnprocessableEntity, views.RotaPage(v))
		}
		return web.Render(c, http.StatusUnprocessableEntity, views.CellAnswer(cell, v, false))
	}
	if !web.Partial(c) {
		return web.Redirect(c, views.RotaURL(v.Start, weeks))
	}
	return web.Render(c, http.StatusOK, views.CellAnswer(cell, v, true))
}

func firstKey(fe models.FieldErrors) string {
	for k := range fe {
		return k
	}
	return ""
}

// Publish makes a draft week visible to agents.
func (h *Handler) Publish(c echo.Context) error {
	start, weeks, _ := h.rotaRange(c)
	week, ok := models.ParseDay(c.FormValue("week"))
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "week is required")
	}
	if err := h.store.PublishWeek(c.Request().Context(), web.Actor(c), week, formInt(c, "version")); err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "shifts.published_flash", views.DayParam(week))); err != nil {
		return err
	}
	return web.Redirect(c, views.RotaURL(views.DayParam(start), weeks))
}
