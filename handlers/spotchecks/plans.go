package spotchecks

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Plans lists the sampling plans with the form to add one.
func (h *Handler) Plans(c echo.Context) error {
	v, err := h.plansView(c, views.PlanFormView{Form: models.PlanForm{Period: "day", PerAgent: 3, LowWeight: 2, DueDays: 2}})
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.PlansPage(v))
}

func (h *Handler) plansView(c echo.Context, form views.PlanFormView) (views.PlansView, error) {
	ctx := c.Request().Context()
	plans, err := h.store.ListPlans(ctx)
	if err != nil {
		return views.PlansView{}, err
	}
	v := views.PlansView{Plans: plans, New: form}
	v.Names, v.New.Inspectors, err = h.inspectors(c)
	return v, err
}

// inspectors returns every user's name by id, and the people who may
// review chats (enabled QC inspectors and managers), for pickers.
func (h *Handler) inspectors(c echo.Context) (map[int64]string, []models.User, error) {
	users, err := h.store.ListUsers(c.Request().Context())
	if err != nil {
		return nil, nil, err
	}
	names := map[int64]string{}
	var choices []models.User
	for _, u := range users {
		names[u.ID] = u.Name()
		if !u.Disabled && (u.Role == models.RoleQC || u.Role == models.RoleManager) {
			choices = append(choices, u)
		}
	}
	return names, choices, nil
}

// CreatePlan saves a plan or shows what is wrong with it.
func (h *Handler) CreatePlan(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "unreadable form").SetInternal(err)
	}
	f := models.PlanForm{Name: form.Get("name"), Period: form.Get("period"), Team: models.Team(form.Get("team")),
		Keywords: form.Get("keywords"), SlowOnly: form.Get("slow_only") != "", HasOrder: form.Get("has_order") != "", Flag: form.Get("flag")}
	errs := models.FieldErrors{}
	num := func(field string, dst *int) {
		n, err := strconv.Atoi(form.Get(field))
		if err != nil {
			errs.Add(field, "settings.err.int")
		}
		*dst = n
	}
	num("per_agent", &f.PerAgent)
	num("min_messages", &f.MinMessages)
	num("due_days", &f.DueDays)
	w, err := strconv.ParseFloat(form.Get("low_weight"), 64)
	if err != nil {
		errs.Add("low_weight", "settings.err.int")
	}
	f.LowWeight = w
	for _, s := range form["inspectors"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			f.Inspectors = append(f.Inspectors, id)
		}
	}
	if len(errs) == 0 {
		_, err = h.store.CreatePlan(c.Request().Context(), web.Actor(c), f)
		if ferrs, ok := models.AsValidation(err); ok {
			errs = ferrs
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		v, err := h.plansView(c, views.PlanFormView{Form: f, Errors: errs})
		if err != nil {
			return err
		}
		return web.Page(c, http.StatusUnprocessableEntity, views.PlansPage(v), views.PlanForm(v))
	}
	if err := web.Flash(c, web.T(c, "plans.created", f.Name)); err != nil {
		return err
	}
	return web.Redirect(c, "/spot-checks/plans")
}

// RunPlan draws the plan's chats for the current period.
func (h *Handler) RunPlan(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	res, err := h.store.RunPlan(c.Request().Context(), web.Actor(c), id, h.now(), web.Loc(c))
	if err != nil {
		return err
	}
	ctx := web.Context(c)
	msg := web.T(c, "plans.drawn", res.Drawn, views.Date(ctx, res.From), views.Date(ctx, res.To.Add(-time.Second)))
	if res.AlreadyDrawn {
		msg = web.T(c, "plans.already", views.Date(ctx, res.From), views.Date(ctx, res.To.Add(-time.Second)))
	}
	if err := web.Flash(c, msg); err != nil {
		return err
	}
	return web.Redirect(c, "/spot-checks/plans")
}

// Queue is the inspector's list of chats to review.
func (h *Handler) Queue(c echo.Context) error {
	items, err := h.store.InspectorQueue(c.Request().Context(), web.User(c).ID, 200)
	if err != nil {
		return err
	}
	v := views.QueueView{Items: items, Now: h.now()}
	return web.Page(c, http.StatusOK, views.QueuePage(v), views.QueueList(v))
}
