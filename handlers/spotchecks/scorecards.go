package spotchecks

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// spareRows is how many empty rows the editor offers for new categories.
const spareRows = 3

// Scorecards lists the shop's scorecards.
func (h *Handler) Scorecards(c echo.Context) error {
	list, err := h.store.ListScorecards(c.Request().Context())
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.ScorecardsPage(views.ScorecardsView{List: list}))
}

// CopyScorecard starts a new scorecard from an existing one.
func (h *Handler) CopyScorecard(c echo.Context) error {
	from, _ := strconv.ParseInt(c.FormValue("from"), 10, 64)
	id, err := h.store.CopyScorecard(c.Request().Context(), web.Actor(c), from, c.FormValue("name"))
	if errs, ok := models.AsValidation(err); ok {
		list, lerr := h.store.ListScorecards(c.Request().Context())
		if lerr != nil {
			return lerr
		}
		return web.Render(c, http.StatusUnprocessableEntity, views.ScorecardsPage(views.ScorecardsView{List: list, Errors: errs, NewName: c.FormValue("name")}))
	}
	if err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/spot-checks/scorecards/%d", id))
}

// EditScorecard shows the editor on the latest version.
func (h *Handler) EditScorecard(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, version, err := h.store.LatestScorecard(c.Request().Context(), id)
	if err != nil {
		return err
	}
	f := models.ScorecardForm{ID: id, Version: version, Name: v.Name, Rows: models.RowsOf(v.Card)}
	return web.Render(c, http.StatusOK, views.ScorecardEditPage(views.ScorecardEditView{Form: withSpare(f), Number: v.Number}))
}

func withSpare(f models.ScorecardForm) models.ScorecardForm {
	for i := 0; i < spareRows; i++ {
		f.Rows = append(f.Rows, models.ScorecardRow{Scale: "pass_fail", Weight: "1"})
	}
	return f
}

// SaveScorecard saves the edit as a new version.
func (h *Handler) SaveScorecard(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := models.ScorecardForm{ID: id, Name: c.FormValue("name")}
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	n, _ := strconv.Atoi(c.FormValue("rows"))
	for i := 0; i < min(n, 200); i++ {
		get := func(field string) string { return c.FormValue(fmt.Sprintf("row_%d_%s", i, field)) }
		f.Rows = append(f.Rows, models.ScorecardRow{Section: get("section"), ID: get("id"), Name: get("name"), NameEN: get("name_en"),
			Weight: get("weight"), Scale: get("scale"), NAAllowed: get("na") != "", Critical: get("critical") != "",
			Flag: get("flag"), Guide: get("guide")})
	}
	v, err := h.store.SaveScorecard(c.Request().Context(), web.Actor(c), f)
	ev := views.ScorecardEditView{Form: f}
	if errs, ok := models.AsValidation(err); ok {
		ev.Errors = errs
		return web.Page(c, http.StatusUnprocessableEntity, views.ScorecardEditPage(ev), views.ScorecardEditor(ev))
	}
	if conflict, ok := models.AsConflict(err); ok {
		ev.Conflict = conflict
		return web.Page(c, http.StatusConflict, views.ScorecardEditPage(ev), views.ScorecardEditor(ev))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "scorecards.saved", v.Number)); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/spot-checks/scorecards/%d", id))
}

// ActivateScorecard puts a scorecard in use for new reviews.
func (h *Handler) ActivateScorecard(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.ActivateScorecard(c.Request().Context(), web.Actor(c), id); err != nil {
		return err
	}
	return web.Redirect(c, "/spot-checks/scorecards")
}
