package shifts

import (
	"errors"
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
	if v.Cover, err = h.store.CoverCandidates(ctx, day); err != nil {
		return v, 0, err
	}
	v.Types, v.TempErrors = models.RotaParams(st).Types, models.FieldErrors{}
	return v, status, nil
}

// CoverGap puts someone who is off on the staffing day on a shift, with
// the rota's rules checked as for any edit: a broken rule is said, and the
// manager can still make the change on the rota with "save anyway".
func (h *Handler) CoverGap(c echo.Context) error {
	day := h.staffingDay(c)
	back := "/shifts/staffing?day=" + views.DayParam(day)
	_, err := h.store.SetShift(c.Request().Context(), web.Actor(c), formID(c, "user"), day, c.FormValue("shift"), formInt(c, "version"), false)
	msg := web.T(c, "shifts.cover.done")
	var broken *models.RuleError
	switch {
	case errors.As(err, &broken):
		texts, terr := h.violationTexts(c, broken.Violations, broken.Start)
		if terr != nil {
			return terr
		}
		msg = web.T(c, "shifts.cover.refused", texts)
	case err != nil:
		if fe, ok := models.AsValidation(err); ok {
			msg = views.ErrText(web.Context(c), fe[firstKey(fe)])
		} else if ce, ok := models.AsConflict(err); ok {
			msg = views.ConflictText(web.Context(c), ce)
		} else {
			return err
		}
	}
	if err := web.Flash(c, msg); err != nil {
		return err
	}
	return web.Redirect(c, back)
}

// AddTempStaff adds a temporary agent on a shift of the staffing day; a
// bad field is shown next to it with what was typed.
func (h *Handler) AddTempStaff(c echo.Context) error {
	day := h.staffingDay(c)
	f := models.TempStaffForm{Name: c.FormValue("temp_name"), Team: models.Team(c.FormValue("temp_team")), Shift: c.FormValue("temp_shift")}
	u, err := h.store.AddTempStaff(c.Request().Context(), web.Actor(c), day, f)
	if err == nil {
		if err := web.Flash(c, web.T(c, "shifts.temp.added", u.Name(), u.Username)); err != nil {
			return err
		}
		return web.Redirect(c, "/shifts/staffing?day="+views.DayParam(day))
	}
	errs, ok := models.AsValidation(err)
	var broken *models.RuleError
	if !ok && !errors.As(err, &broken) {
		return err
	}
	v, _, verr := h.staffingView(c, day, nil)
	if verr != nil {
		return verr
	}
	v.Temp = f
	if ok {
		v.TempErrors = errs
	} else {
		texts, terr := h.violationTexts(c, broken.Violations, broken.Start)
		if terr != nil {
			return terr
		}
		v.TempErrors.Add("temp_shift", "shifts.cover.rule", texts)
	}
	return web.Render(c, http.StatusUnprocessableEntity, views.StaffingPage(v))
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
