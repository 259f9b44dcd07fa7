package badreviews

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// EntryForm shows the form to enter one review by hand.
func (h *Handler) EntryForm(c echo.Context) error {
	v := views.ReviewEntryView{Input: models.ReviewEntry{Rating: "bad"}, When: h.now().In(web.Loc(c)).Format("2006-01-02T15:04")}
	return web.Render(c, http.StatusOK, views.ReviewEntryPage(v))
}

// CreateEntry stores a hand-entered review and opens its case.
func (h *Handler) CreateEntry(c echo.Context) error {
	e := models.ReviewEntry{ReviewNo: c.FormValue("review_no"), OrderNo: c.FormValue("order_no"), Buyer: c.FormValue("buyer"),
		Rating: c.FormValue("rating"), Content: c.FormValue("content"), Item: c.FormValue("item"),
		FollowUp: c.FormValue("follow_up"), Photos: c.FormValue("photos")}
	when := c.FormValue("reviewed_at")
	if t, err := time.ParseInLocation("2006-01-02T15:04", when, web.Loc(c)); err == nil {
		e.ReviewedAt = t
	}
	b, err := h.store.CreateBadReview(c.Request().Context(), web.Actor(c), e, h.now())
	if errs, ok := models.AsValidation(err); ok {
		return web.Render(c, http.StatusUnprocessableEntity, views.ReviewEntryPage(views.ReviewEntryView{Input: e, When: when, Errors: errs}))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "badreviews.created")); err != nil {
		return err
	}
	if b.Status == models.BadReviewPraise {
		return web.Redirect(c, "/reviews")
	}
	return web.Redirect(c, views.CaseURL(b.ID))
}
