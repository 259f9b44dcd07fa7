package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Audit shows the audit log, filtered by user, entity and dates (days in
// the shop's time zone), newest first, a page at a time.
func (h *Handler) Audit(c echo.Context) error {
	ctx := c.Request().Context()
	v := views.AuditView{
		ActorID: c.QueryParam("actor"), Entity: c.QueryParam("entity"),
		From: c.QueryParam("from"), To: c.QueryParam("to"),
		Errors: models.FieldErrors{},
	}
	f := models.AuditFilter{Entity: v.Entity, Before: models.ParseAuditCursor(c.QueryParam("before"))}
	f.ActorID, _ = strconv.ParseInt(v.ActorID, 10, 64)
	loc := web.Loc(c)
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
		f.To = d.AddDate(0, 0, 1) // the whole of the last day
	}
	users, err := h.store.ListUsers(ctx)
	if err != nil {
		return err
	}
	v.Users = users
	if v.Entities, err = h.store.AuditEntities(ctx); err != nil {
		return err
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else if v.Page, err = h.store.ListAudit(ctx, f); err != nil {
		return err
	}
	return web.Page(c, status, views.AuditPage(v), views.AuditSection(v))
}
