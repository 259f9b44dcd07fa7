package vip

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Mine is the agent's visits due today and overdue.
func (h *Handler) Mine(c echo.Context) error {
	today := h.today(c)
	visits, err := h.store.DueVisits(c.Request().Context(), web.User(c).ID, today, 200)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.MyVisitsPage(views.MyVisitsView{Visits: visits, Now: h.now(), Today: today,
		Shop: web.Settings(c).CallWindow()}))
}

// visitView reads a visit with its customer, list and logs. Agents see
// only their own visits.
func (h *Handler) visitView(c echo.Context, id int64) (views.VisitView, error) {
	ctx := c.Request().Context()
	u := web.User(c)
	x, err := h.store.VisitByID(ctx, id)
	if err != nil {
		return views.VisitView{}, err
	}
	if u.Role == models.RoleAgent && x.AgentID != u.ID {
		return views.VisitView{}, models.ErrNotYours
	}
	cust, err := h.store.VIPByID(ctx, x.CustomerID)
	if err != nil {
		return views.VisitView{}, err
	}
	l, err := h.store.VisitListByID(ctx, x.ListID)
	if err != nil {
		return views.VisitView{}, err
	}
	logs, err := h.store.LogsOfVisit(ctx, id)
	if err != nil {
		return views.VisitView{}, err
	}
	may, err := h.store.MayReveal(ctx, *u, x.CustomerID)
	if err != nil {
		return views.VisitView{}, err
	}
	now := h.now()
	return views.VisitView{Visit: x, Customer: cust, List: l, Logs: logs, Mine: x.AgentID == u.ID, Now: now,
		Window: cust.Window(web.Settings(c)), Phone: views.NewContact(cust, models.FieldPhone, may),
		RealName: views.NewContact(cust, models.FieldRealName, may),
		Form: models.VisitLogForm{VisitID: id, Version: x.Version, Channel: cust.PreferredChannel,
			ContactedAt: now.In(web.Loc(c)).Format("2006-01-02T15:04")}}, nil
}

// Visit shows one visit and, to its agent, the log form.
func (h *Handler) Visit(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	v, err := h.visitView(c, id)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.VisitPage(v))
}

// LogVisit records a contact attempt. A phone call outside the customer's
// window comes back with the warning and a box to confirm; errors keep
// what was typed.
func (h *Handler) LogVisit(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	f := models.VisitLogForm{VisitID: id, Channel: c.FormValue("channel"), ContactedAt: c.FormValue("contacted_at"),
		Outcome: c.FormValue("outcome"), CallBackAt: c.FormValue("call_back_at"), Notes: c.FormValue("notes"),
		FollowUpOn: c.FormValue("follow_up_on"), ConfirmOutside: c.FormValue("confirm_outside") != ""}
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	visit, err := h.store.LogVisit(c.Request().Context(), web.Actor(c), f, h.now())
	errs, invalid := models.AsValidation(err)
	conflict, stale := models.AsConflict(err)
	if err != nil && !invalid && !stale {
		return err
	}
	if err == nil {
		if err := web.Flash(c, web.T(c, "vip.logged", web.T(c, "vip.outcome."+f.Outcome), web.T(c, "vip.status."+visit.Status))); err != nil {
			return err
		}
		return web.Redirect(c, "/vip/me")
	}
	v, verr := h.visitView(c, id)
	if verr != nil {
		return verr
	}
	v.Form, v.Errors, v.Conflict = f, errs, conflict
	status := http.StatusUnprocessableEntity
	if stale {
		status = http.StatusConflict
	}
	return web.Page(c, status, views.VisitPage(v), views.VisitLogForm(v))
}
