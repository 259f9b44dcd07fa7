package shifts

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

func (h *Handler) handoverView(c echo.Context, f models.HandoverForm) (views.HandoverView, error) {
	ctx := c.Request().Context()
	u := web.User(c)
	v := views.HandoverView{Manager: isManager(c), Today: h.today(c), Now: h.now(), Form: f, Errors: models.FieldErrors{}}
	var err error
	if v.Staff, err = h.store.RotaStaff(ctx); err != nil {
		return v, err
	}
	// The owner is normally whoever takes over from the user: those come
	// first. Anyone on the rota may still be picked (the right person may
	// be on tomorrow).
	if v.Next, err = h.store.HandoverTakers(ctx, web.Settings(c), u.ID, h.now()); err != nil {
		return v, err
	}
	if v.Waiting, err = h.store.OpenHandover(ctx, u.ID); err != nil {
		return v, err
	}
	if v.Written, err = h.store.HandoverWritten(ctx, u.ID, v.Today); err != nil {
		return v, err
	}
	// Open bad-review cases: the agent's own and those handed to their
	// shift; the manager sees every assigned one.
	if v.Manager {
		if v.Open, err = h.store.OpenHandover(ctx, 0); err != nil {
			return v, err
		}
		if v.AllCases, v.AllCasesTotal, err = h.store.HandoverBadReviewsFirst(ctx, 0, v.Today, models.HandoverPageCases); err != nil {
			return v, err
		}
	} else if v.Cases, v.CasesTotal, err = h.store.HandoverBadReviewsFirst(ctx, u.ID, v.Today, models.HandoverPageCases); err != nil {
		return v, err
	}
	return v, nil
}

// Handover shows what waits for the user and the form to hand on.
func (h *Handler) Handover(c echo.Context) error {
	v, err := h.handoverView(c, models.HandoverForm{Kind: "follow_up"})
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.HandoverPage(v))
}

// AddHandover records one item for someone on the next shift.
func (h *Handler) AddHandover(c echo.Context) error {
	f := models.HandoverForm{Kind: c.FormValue("kind"), OwnerID: formID(c, "owner"), Ref: c.FormValue("ref"), Body: c.FormValue("body")}
	_, err := h.store.AddHandoverItem(c.Request().Context(), web.Actor(c), h.today(c), f)
	if errs, ok := models.AsValidation(err); ok {
		v, verr := h.handoverView(c, f)
		if verr != nil {
			return verr
		}
		v.Errors = errs
		return web.Render(c, http.StatusUnprocessableEntity, views.HandoverPage(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "shifts.handover.added")); err != nil {
		return err
	}
	return web.Redirect(c, "/shifts/handover")
}

// TickHandover marks an item done; HTMX swaps only that item.
func (h *Handler) TickHandover(c echo.Context) error {
	it, err := h.store.TickHandover(c.Request().Context(), web.Actor(c), isManager(c), paramID(c), formInt(c, "version"))
	if err != nil {
		return err
	}
	if web.Partial(c) {
		return web.Render(c, http.StatusOK, views.HandoverRow(it, h.today(c), false))
	}
	// Back to the page the item was ticked on: only our own pages.
	back := "/shifts/handover"
	if u, err := url.Parse(c.Request().Referer()); err == nil && (u.Path == "/" || u.Path == "/shifts/me") {
		back = u.Path
	}
	return web.Redirect(c, back)
}
