package orders

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// attrKeys are the settings the attribution page edits.
func attrDefs() []models.SettingDef {
	var out []models.SettingDef
	for _, d := range models.SettingDefs() {
		if d.Group == "settings.group.attribution" {
			out = append(out, d)
		}
	}
	return out
}

// settingsForm is the attribution settings as stored, or as typed.
func (h *Handler) settingsForm(s models.Settings, typed map[string]string) views.SettingsView {
	v := views.SettingsView{Version: s.Version, Errors: models.FieldErrors{}}
	for _, d := range attrDefs() {
		val := s.Get(d.Key)
		if typed != nil {
			val = typed[d.Key]
		}
		v.Fields = append(v.Fields, views.SettingField{Def: d, Value: val})
	}
	return v
}

// attributionView builds the page: settings, promotions (one in the form
// when ?edit=ID) and the re-apply range with its preview when given.
func (h *Handler) attributionView(c echo.Context) (views.AttributionView, error) {
	ctx := c.Request().Context()
	s, err := h.store.Settings(ctx)
	if err != nil {
		return views.AttributionView{}, err
	}
	v := views.AttributionView{Settings: h.settingsForm(s, nil), PromoErrors: models.FieldErrors{}, RangeErrors: models.FieldErrors{}}
	if v.Promotions, err = h.store.PromotionPeriods(ctx); err != nil {
		return v, err
	}
	if v.People, err = h.store.AgentPeople(ctx); err != nil {
		return v, err
	}
	if v.Runs, err = h.store.RecentImportRuns(ctx, models.ReapplyKind, 3); err != nil {
		return v, err
	}
	if id, _ := strconv.ParseInt(c.QueryParam("edit"), 10, 64); id > 0 {
		p, err := h.store.PromotionByID(ctx, id)
		if err != nil {
			return v, err
		}
		v.PromoForm = models.PromotionForm{ID: p.ID, Version: p.Version, Name: p.Name,
			From: p.StartsOn.Format(time.DateOnly), To: p.EndsOn.Format(time.DateOnly)}
	}
	return v, nil
}

// dateRange reads from/to days (to inclusive) in shop time.
func dateRange(c echo.Context, from, to string, errs models.FieldErrors) (time.Time, time.Time) {
	loc := web.Loc(c)
	f, err1 := time.ParseInLocation(time.DateOnly, from, loc)
	if err1 != nil {
		errs.Add("range_from", "audit.err.date")
	}
	t, err2 := time.ParseInLocation(time.DateOnly, to, loc)
	if err2 != nil {
		errs.Add("range_to", "audit.err.date")
	}
	if err1 == nil && err2 == nil && t.Before(f) {
		errs.Add("range_to", "promo.err.order")
	}
	return f, t.AddDate(0, 0, 1)
}

// Attribution shows the settings, promotions and, with from/to, the
// preview of re-applying the rules to those days.
func (h *Handler) Attribution(c echo.Context) error {
	v, err := h.attributionView(c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	v.From, v.To = c.QueryParam("from"), c.QueryParam("to")
	if v.From != "" || v.To != "" {
		from, to := dateRange(c, v.From, v.To, v.RangeErrors)
		if len(v.RangeErrors) > 0 {
			status = http.StatusUnprocessableEntity
		} else {
			p, err := h.store.PreviewAttribution(c.Request().Context(), from, to)
			if err != nil {
				return err
			}
			v.Preview = &p
		}
	}
	return web.Render(c, status, views.AttributionPage(v))
}

// SaveSettings stores the attribution settings (the rest of the shop's
// settings keep their values).
func (h *Handler) SaveSettings(c echo.Context) error {
	typed := map[string]string{}
	for _, d := range attrDefs() {
		typed[d.Key] = c.FormValue(d.Key)
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	saved, err := h.store.SaveSettings(c.Request().Context(), web.Actor(c), version, typed)
	if err == nil {
		v := h.settingsForm(saved, nil)
		v.JustSaved = true
		return web.Page(c, http.StatusOK, h.pageWith(c, v), views.AttributionSettingsForm(v))
	}
	s, rerr := h.store.Settings(c.Request().Context())
	if rerr != nil {
		return rerr
	}
	v := h.settingsForm(s, typed)
	v.Version = version
	if errs, ok := models.AsValidation(err); ok {
		v.Errors = errs
	} else if conflict, ok := models.AsConflict(err); ok {
		v.Conflict = conflict
	} else {
		return err
	}
	return web.Page(c, failStatus(v.Conflict), h.pageWith(c, v), views.AttributionSettingsForm(v))
}

// pageWith renders the whole page around a settings form, for requests
// without HTMX.
func (h *Handler) pageWith(c echo.Context, form views.SettingsView) templ.Component {
	v, err := h.attributionView(c)
	if err != nil {
		return views.AttributionSettingsForm(form)
	}
	v.Settings = form
	return views.AttributionPage(v)
}

// SavePromotion adds or changes a promotion period.
func (h *Handler) SavePromotion(c echo.Context) error {
	f := models.PromotionForm{Name: c.FormValue("name"), From: c.FormValue("from"), To: c.FormValue("to")}
	f.ID, _ = strconv.ParseInt(c.FormValue("id"), 10, 64)
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	p, err := h.store.SavePromotion(c.Request().Context(), web.Actor(c), f)
	if err == nil {
		if err := web.Flash(c, web.T(c, "promo.saved", p.Name)); err != nil {
			return err
		}
		return web.Redirect(c, "/orders/attribution?from="+f.From+"&to="+f.To)
	}
	v, verr := h.attributionView(c)
	if verr != nil {
		return verr
	}
	v.PromoForm = f
	if errs, ok := models.AsValidation(err); ok {
		v.PromoErrors = errs
	} else if conflict, ok := models.AsConflict(err); ok {
		v.PromoConflict = conflict
	} else {
		return err
	}
	return web.Render(c, failStatus(v.PromoConflict), views.AttributionPage(v))
}

// DeletePromotion removes a promotion period.
func (h *Handler) DeletePromotion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	if err := h.store.DeletePromotion(c.Request().Context(), web.Actor(c), id, version); err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "promo.deleted")); err != nil {
		return err
	}
	return web.Redirect(c, "/orders/attribution?from="+c.FormValue("from")+"&to="+c.FormValue("to"))
}

// Apply re-applies the current rules to the days previewed.
func (h *Handler) Apply(c echo.Context) error {
	errs := models.FieldErrors{}
	from, to := dateRange(c, c.FormValue("from"), c.FormValue("to"), errs)
	if len(errs) > 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad range")
	}
	label := from.Format(time.DateOnly) + " – " + to.AddDate(0, 0, -1).Format(time.DateOnly)
	a := web.Actor(c)
	run, err := h.store.StartReapply(c.Request().Context(), a, from, to, label)
	msg := web.T(c, "attr.reapply_started", label)
	switch {
	case errors.Is(err, models.ErrReapplyRunning):
		msg = web.T(c, "attr.reapply_busy")
	case err != nil:
		return err
	default:
		// Minutes of work on a big shop: it runs on the server's lifetime,
		// the page follows its progress.
		go func() {
			if err := h.store.RunReapply(h.bg, a, run.ID, from, to); err != nil {
				h.log.Error("attribution re-apply", "run", run.ID, "err", err)
			}
		}()
	}
	if err := web.Flash(c, msg); err != nil {
		return err
	}
	return web.Redirect(c, "/orders/attribution")
}
