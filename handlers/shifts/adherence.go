package shifts

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

func (h *Handler) adherenceView(c echo.Context) (views.AdherenceView, error) {
	today := h.today(c)
	v := views.AdherenceView{First: views.DayParam(today.AddDate(0, 0, -7)), Last: views.DayParam(today.AddDate(0, 0, -1)),
		Errors: models.FieldErrors{}, FineFen: int64(web.Settings(c).Int(models.SettingSwapFineYuan)) * 100,
		Status: c.QueryParam("status")}
	switch v.Status {
	case models.AdherenceFined, models.AdherenceExcused:
	default:
		v.Status = models.AdherenceOpen
	}
	page, err := h.store.ListAdherence(c.Request().Context(), models.AdherenceFilter{Status: v.Status,
		Before: models.ParseAdherenceCursor(c.QueryParam("before"))})
	v.Cases, v.Next = page.Cases, page.Next.String()
	return v, err
}

// Adherence lists the unapproved changes found so far.
func (h *Handler) Adherence(c echo.Context) error {
	v, err := h.adherenceView(c)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.AdherencePage(v))
}

// DetectAdherence compares past days of the rota with the chat records.
func (h *Handler) DetectAdherence(c echo.Context) error {
	errs := models.FieldErrors{}
	first, ok1 := models.ParseDay(c.FormValue("first"))
	last, ok2 := models.ParseDay(c.FormValue("last"))
	if !ok1 {
		errs.Add("first", "shifts.err.date")
	}
	if !ok2 {
		errs.Add("last", "shifts.err.date")
	} else if !last.Before(h.today(c)) {
		errs.Add("last", "shifts.err.not_past")
	}
	var n int
	if len(errs) == 0 {
		var err error
		n, err = h.store.DetectAdherence(c.Request().Context(), web.Actor(c), first, last)
		if fe, ok := models.AsValidation(err); ok {
			errs = fe
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		v, err := h.adherenceView(c)
		if err != nil {
			return err
		}
		v.First, v.Last, v.Errors = c.FormValue("first"), c.FormValue("last"), errs
		return web.Render(c, http.StatusUnprocessableEntity, views.AdherencePage(v))
	}
	if err := web.Flash(c, web.T(c, "shifts.adherence.found", n)); err != nil {
		return err
	}
	return web.Redirect(c, "/shifts/adherence")
}

// DecideAdherence records the fine or excuses the case.
func (h *Handler) DecideAdherence(c echo.Context) error {
	_, err := h.store.DecideAdherence(c.Request().Context(), web.Actor(c), paramID(c), formInt(c, "version"), c.FormValue("fine") == "1", c.FormValue("note"))
	if fe, ok := models.AsValidation(err); ok {
		for _, e := range fe {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, views.ErrText(web.Context(c), e))
		}
	}
	if err != nil {
		return err
	}
	return web.Redirect(c, "/shifts/adherence")
}
