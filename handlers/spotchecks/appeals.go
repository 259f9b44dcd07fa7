package spotchecks

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/models/scoring"
	"kefudesk/views"
)

// FileAppeal takes the agent's appeal: for each disputed category the rating
// they think is right (appeal_<id>) and why (reason_<id>).
func (h *Handler) FileAppeal(c echo.Context) error {
	v, err := h.reviewView(c)
	if err != nil {
		return err
	}
	proposed, reasons := map[string]scoring.Rating{}, map[string]string{}
	for _, cat := range v.Card.Card.Categories() {
		raw := c.FormValue("appeal_" + cat.ID)
		reasons[cat.ID] = c.FormValue("reason_" + cat.ID)
		switch raw {
		case "":
		case "na":
			proposed[cat.ID] = scoring.Rating{NA: true}
		default:
			n, err := strconv.Atoi(raw)
			if err != nil {
				n = -1
			}
			proposed[cat.ID] = scoring.Rating{Value: n}
		}
	}
	_, err = h.store.FileAppeal(c.Request().Context(), web.Actor(c), v.Review.ID, proposed, reasons, h.now())
	if errs, ok := models.AsValidation(err); ok {
		v.AppealErrors, v.Proposed, v.Reasons = errs, proposed, reasons
		return web.Page(c, http.StatusUnprocessableEntity, views.ReviewPage(v), views.AppealSection(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "appeals.filed")); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/spot-checks/reviews/%d", v.Review.ID))
}

// ResolveAppeal decides an appeal: accept_<category> for each accepted item.
func (h *Handler) ResolveAppeal(c echo.Context) error {
	v, err := h.reviewView(c)
	if err != nil {
		return err
	}
	if v.Appeal == nil {
		return fmt.Errorf("spotchecks: review %d has no appeal: %w", v.Review.ID, models.ErrNotFound)
	}
	accepted := map[string]bool{}
	for _, it := range v.Appeal.ItemList() {
		accepted[it.Category] = c.FormValue("accept_"+it.Category) != ""
	}
	version, _ := strconv.Atoi(c.FormValue("appeal_version"))
	_, err = h.store.ResolveAppeal(c.Request().Context(), web.Actor(c), v.Appeal.ID, version, accepted, c.FormValue("resolution_reason"))
	if errs, ok := models.AsValidation(err); ok {
		v.AppealErrors, v.Resolution = errs, c.FormValue("resolution_reason")
		return web.Page(c, http.StatusUnprocessableEntity, views.ReviewPage(v), views.AppealSection(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "appeals.resolved")); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/spot-checks/reviews/%d", v.Review.ID))
}

// Appeals lists appeals waiting for a decision.
func (h *Handler) Appeals(c echo.Context) error {
	list, err := h.store.OpenAppeals(c.Request().Context(), 200)
	if err != nil {
		return err
	}
	names, err := h.userNames(c)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.AppealsPage(views.AppealsView{Appeals: list, Now: h.now(), Names: names, Me: web.User(c).ID}))
}

func (h *Handler) userNames(c echo.Context) (map[int64]string, error) {
	_, byID, err := h.people(c)
	return byID, err
}
