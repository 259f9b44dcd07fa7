package orders

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// detailView loads an order; an agent may open only orders that involve them.
func (h *Handler) detailView(c echo.Context) (views.OrderDetailView, error) {
	id, err := pathID(c)
	if err != nil {
		return views.OrderDetailView{}, err
	}
	d, err := h.store.OrderDetail(c.Request().Context(), id)
	if err != nil {
		return views.OrderDetailView{}, err
	}
	u := web.User(c)
	if u.Role == models.RoleAgent && !d.Involves(u.ID) {
		return views.OrderDetailView{}, models.ErrNotYours
	}
	v := views.OrderDetailView{D: d, ClaimErrors: models.FieldErrors{}}
	v.CanClaim = u.Role == models.RoleAgent && len(d.Disputes) == 0 && !holdsAll(d, u.ID)
	return v, nil
}

func holdsAll(d models.OrderDetail, userID int64) bool {
	for _, c := range d.Credits {
		if c.Kind == models.KindCredit && c.UserID != nil && *c.UserID == userID && c.ShareBP == 10000 {
			return true
		}
	}
	return false
}

// Detail shows which rule decided the order and why.
func (h *Handler) Detail(c echo.Context) error {
	v, err := h.detailView(c)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.OrderDetailPage(v))
}

// Claim files the agent's dispute over the order.
func (h *Handler) Claim(c echo.Context) error {
	v, err := h.detailView(c)
	if err != nil {
		return err
	}
	d, err := h.store.FileDispute(c.Request().Context(), web.Actor(c), v.D.Order.ID, c.FormValue("reason"), h.now())
	if errs, ok := models.AsValidation(err); ok {
		v.ClaimErrors, v.Reason, v.CanClaim = errs, c.FormValue("reason"), true
		return web.Render(c, http.StatusUnprocessableEntity, views.OrderDetailPage(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "disputes.filed")); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/disputes/%d", d.ID))
}
