package shifts

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// staffingDay is the chosen day, Double 11 of this year by default (the
// promotion the page exists for).
func (h *Handler) staffingDay(c echo.Context) time.Time {
	if d, ok := models.ParseDay(c.FormValue("day")); ok {
		return d
	}
	today := h.today(c)
	return time.Date(today.Year(), 11, 11, 0, 0, 0, 0, time.UTC)
}

func formOf(p models.StaffingPlan) models.StaffingForm {
	f := models.StaffingForm{Interval: strconv.Itoa(p.IntervalMinutes), OctAvg: fmt.Sprintf("%.1f", p.OctAvg),
		LastD11: fmt.Sprintf("%.0f", p.LastD11), LastOctAvg: fmt.Sprintf("%.1f", p.LastOctAvg), AHT: strconv.Itoa(p.AHTSeconds),
		Concurrency: strconv.Itoa(p.Concurrency), Target: strconv.Itoa(p.TargetPercent), Answer: strconv.Itoa(p.AnswerSeconds),
		Shrinkage: strconv.Itoa(p.Shrinkage)}
	if p.OverrideChats != nil {
		f.Override = fmt.Sprintf("%.0f", *p.OverrideChats)
	}
	return f
}

func readStaffingForm(c echo.Context) models.StaffingForm {
	return models.StaffingForm{Interval: c.FormValue("interval"), OctAvg: c.FormValue("oct_avg"), LastD11: c.FormValue("last_d11"),
		LastOctAvg: c.FormValue("last_oct_avg"), Override: c.FormValue("override"), AHT: c.FormValue("aht"),
		Concurrency: c.FormValue("concurrency"), Target: c.FormValue("target"), Answer: c.FormValue("answer"), Shrinkage: c.FormValue("shrinkage")}
}

// staffingView works the plan out: the saved one, or the one typed when
// trying a scenario or when a save failed.
func (h *Handler) staffingView(c echo.Context, day time.Time, typed *models.StaffingForm) (views.StaffingView, int, error) {
	ctx := c.Request().Context()
	st := web.Settings(c)
	v := views.StaffingView{Day: views.DayParam(day), Errors: models.FieldErrors{}}
	in, err := h.store.ReadStaffingInputs(ctx, day, st.Location())
	if err != nil {
		return v, 0, err
	}
	v.Inputs = in
	plan, saved, err := h.store.StaffingPlanFor(ctx, day)
	if err != nil {
		return v, 0, err
	}
	if !saved {
		plan = models.DefaultStaffingPlan(day, in, st)
	}
	v.Saved, v.Version, v.Form = saved, plan.Version, formOf(plan)
	status := http.StatusOK
	if typed != nil {
		v.Form = *typed
		p, errs := typed.Parse(day)
		if len(errs) > 0 {
			v.Errors, status = errs, http.StatusUnprocessableEntity
		} else {
			plan, v.Scenario = p, true
		}
	}
	sched, err := h.store.ScheduledByMinute(ctx, day)
	if err != nil {
		return v, 0, err
	}
	factors, err := models.ParseFactors(st.Get(models.SettingConcurrencyFactors))
	if err != nil {
		factors = nil
	}
	v.Result = models.WorkOut(plan, in.MinuteCounts, sched, factors)
	return v, status, nil
}

// Staffing shows the day's plan; with scenario=1 it works out the typed
// figures without saving them.
func (h *Handler) Staffing(c echo.Context) error {
	var typed *models.StaffingForm
	if c.QueryParam("scenario") != "" {
		f := readStaffingForm(c)
		typed = &f
	}
	v, status, err := h.staffingView(c, h.staffingDay(c), typed)
	if err != nil {
		return err
	}
	return web.Render(c, status, views.StaffingPage(v))
}

// SaveStaffing stores the plan of the day.
func (h *Handler) SaveStaffing(c echo.Context) error {
	day := h.staffingDay(c)
	f := readStaffingForm(c)
	p, errs := f.Parse(day)
	if len(errs) == 0 {
		err := h.store.SaveStaffingPlan(c.Request().Context(), web.Actor(c), p, formInt(c, "version"))
		if err != nil {
			return err
		}
		if err := web.Flash(c, web.T(c, "common.saved")); err != nil {
			return err
		}
		return web.Redirect(c, "/shifts/staffing?day="+views.DayParam(day))
	}
	v, _, err := h.staffingView(c, day, &f)
	if err != nil {
		return err
	}
	v.Errors, v.Scenario = errs, false
	return web.Render(c, http.StatusUnprocessableEntity, views.StaffingPage(v))
}
