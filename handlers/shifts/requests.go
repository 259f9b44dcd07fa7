package shifts

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/models/rota"
	"kefudesk/views"
)

func isManager(c echo.Context) bool { return web.User(c).Role == models.RoleManager }

func (h *Handler) leaveView(c echo.Context) (views.LeaveView, error) {
	v := views.LeaveView{Manager: isManager(c), Errors: models.FieldErrors{}}
	uid := web.User(c).ID
	if v.Manager {
		uid = 0
	}
	reqs, err := h.store.ListLeave(c.Request().Context(), uid, 200)
	v.Requests = reqs
	return v, err
}

// Leave lists requests: the agent's own, or everyone's for the manager.
func (h *Handler) Leave(c echo.Context) error {
	v, err := h.leaveView(c)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.LeavePage(v))
}

// RequestLeave takes an agent's request.
func (h *Handler) RequestLeave(c echo.Context) error {
	f := models.LeaveForm{First: c.FormValue("first"), Last: c.FormValue("last"), Reason: c.FormValue("reason")}
	_, err := h.store.RequestLeave(c.Request().Context(), web.Actor(c), f, h.today(c))
	if errs, ok := models.AsValidation(err); ok {
		v, lerr := h.leaveView(c)
		if lerr != nil {
			return lerr
		}
		v.Form, v.Errors = f, errs
		return web.Render(c, http.StatusUnprocessableEntity, views.LeavePage(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "shifts.leave.asked")); err != nil {
		return err
	}
	return web.Redirect(c, "/shifts/leave")
}

// DecideLeave approves or declines; the rules an approval breaks (cover,
// usually) are told in the flash so the manager can fix the rota.
func (h *Handler) DecideLeave(c echo.Context) error {
	approve := c.FormValue("approve") == "1"
	ch, err := h.store.DecideLeave(c.Request().Context(), web.Actor(c), paramID(c), formInt(c, "version"), approve)
	if err != nil {
		return err
	}
	msg := web.T(c, "shifts.leave.declined")
	if approve {
		msg = web.T(c, "shifts.leave.approved")
		if len(ch.Introduced) > 0 {
			texts, err := h.violationTexts(c, ch.Introduced, ch.Start)
			if err != nil {
				return err
			}
			msg += " " + web.T(c, "shifts.now_broken", texts)
		}
	}
	if err := web.Flash(c, msg); err != nil {
		return err
	}
	return web.Redirect(c, "/shifts/leave")
}

// CancelLeave withdraws the agent's own pending request.
func (h *Handler) CancelLeave(c echo.Context) error {
	err := h.store.CancelLeave(c.Request().Context(), web.Actor(c), paramID(c), formInt(c, "version"))
	if fe, ok := models.AsValidation(err); ok {
		for _, e := range fe {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, views.ErrText(web.Context(c), e))
		}
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "shifts.leave.withdrawn")); err != nil {
		return err
	}
	return web.Redirect(c, "/shifts/leave")
}

// violationTexts says the broken rules in a sentence, people by name.
func (h *Handler) violationTexts(c echo.Context, vs []rota.Violation, start time.Time) (string, error) {
	names, err := h.names(c)
	if err != nil {
		return "", err
	}
	texts := make([]string, 0, len(vs))
	for _, v := range vs {
		texts = append(texts, views.ViolationText(web.Context(c), v, start, names))
	}
	return strings.Join(texts, "；"), nil
}

func (h *Handler) names(c echo.Context) (map[int64]string, error) {
	staff, err := h.store.RotaStaff(c.Request().Context())
	out := map[int64]string{}
	for _, u := range staff {
		out[u.ID] = u.Name()
	}
	return out, err
}

// swapsView gathers the page: requests, the form's days (the next three
// weeks) and, for the manager, the rule check of each accepted request.
func (h *Handler) swapsView(c echo.Context, f models.SwapForm) (views.SwapsView, error) {
	ctx := c.Request().Context()
	u := web.User(c)
	v := views.SwapsView{Manager: isManager(c), UserID: u.ID, Form: f, Errors: models.FieldErrors{},
		Types: models.RotaParams(web.Settings(c)).Types, Mine: map[string]string{},
		Checks: map[int64][]rota.Violation{}, CheckAt: map[int64]time.Time{}, Stale: map[int64]string{}}
	staff, err := h.store.RotaStaff(ctx)
	if err != nil {
		return v, err
	}
	v.Staff, v.Names = staff, map[int64]string{}
	for _, s := range staff {
		v.Names[s.ID] = s.Name()
	}
	today := h.today(c)
	for i := range 21 {
		v.Days = append(v.Days, today.AddDate(0, 0, i))
	}
	if !v.Manager {
		mine, err := h.store.PublishedShifts(ctx, u.ID, today, 21)
		if err != nil {
			return v, err
		}
		for _, d := range mine {
			v.Mine[views.DayParam(d.Day)] = d.Shift
		}
	}
	filter := models.SwapFilter{UserID: u.ID, Limit: 50}
	if v.Manager {
		filter.UserID = 0
	}
	if v.Requests, err = h.store.ListSwaps(ctx, filter); err != nil {
		return v, err
	}
	if v.Manager {
		for _, r := range v.Requests {
			if r.Status != models.SwapAccepted {
				continue
			}
			ch, err := h.store.SwapCheck(ctx, r, nil)
			if fe, ok := models.AsValidation(err); ok {
				// The days no longer fit (someone's cell changed since): say
				// why instead of failing the page.
				for _, e := range fe {
					v.Stale[r.ID] = views.ErrText(web.Context(c), e)
				}
				continue
			}
			if err != nil {
				return v, err
			}
			v.Checks[r.ID], v.CheckAt[r.ID] = ch.Introduced, ch.Start
		}
	}
	return v, nil
}

// Swaps shows the requests and the form.
func (h *Handler) Swaps(c echo.Context) error {
	v, err := h.swapsView(c, models.SwapForm{Kind: models.SwapExchange})
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.SwapsPage(v))
}

// ProposeSwap takes a request; the manager may make one on someone's
// behalf (it then needs no acceptance). A request breaking a rule comes
// back with the rules it breaks, the form as typed.
func (h *Handler) ProposeSwap(c echo.Context) error {
	vals, _ := c.FormParams()
	f := models.SwapForm{Kind: c.FormValue("kind"), RequesterID: formID(c, "requester"), ColleagueID: formID(c, "colleague"),
		Days: vals["day"], Note: c.FormValue("note")}
	_, err := h.store.ProposeSwap(c.Request().Context(), web.Actor(c), isManager(c), f, h.today(c))
	var broken *models.RuleError
	errs, invalid := models.AsValidation(err)
	if invalid || errors.As(err, &broken) {
		v, verr := h.swapsView(c, f)
		if verr != nil {
			return verr
		}
		if invalid {
			v.Errors = errs
		} else {
			v.Broken, v.BrokenAt = broken.Violations, broken.Start
		}
		return web.Render(c, http.StatusUnprocessableEntity, views.SwapsPage(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "shifts.swaps.proposed")); err != nil {
		return err
	}
	return web.Redirect(c, "/shifts/swaps")
}

// RespondSwap is the colleague's accept or refuse.
func (h *Handler) RespondSwap(c echo.Context) error {
	err := h.store.RespondSwap(c.Request().Context(), web.Actor(c), paramID(c), formInt(c, "version"), c.FormValue("accept") == "1")
	return h.afterSwapAction(c, err, "shifts.swaps.answered")
}

// CancelSwap withdraws the requester's own request.
func (h *Handler) CancelSwap(c echo.Context) error {
	err := h.store.CancelSwap(c.Request().Context(), web.Actor(c), paramID(c), formInt(c, "version"))
	return h.afterSwapAction(c, err, "shifts.swaps.cancelled")
}

// DecideSwap approves the ticked days (rules checked again now) or rejects.
func (h *Handler) DecideSwap(c echo.Context) error {
	vals, _ := c.FormParams()
	_, err := h.store.DecideSwap(c.Request().Context(), web.Actor(c), paramID(c), formInt(c, "version"), c.FormValue("approve") == "1", vals["day"])
	var broken *models.RuleError
	if errors.As(err, &broken) {
		texts, terr := h.violationTexts(c, broken.Violations, broken.Start)
		if terr != nil {
			return terr
		}
		err = echo.NewHTTPError(http.StatusUnprocessableEntity, web.T(c, "shifts.swaps.refused_rules", texts))
	}
	return h.afterSwapAction(c, err, "shifts.swaps.decided")
}

// afterSwapAction turns a state-machine answer into the page: a refused
// step is a message on the swap page, not an error page.
func (h *Handler) afterSwapAction(c echo.Context, err error, done string) error {
	if fe, ok := models.AsValidation(err); ok {
		for _, e := range fe {
			err = echo.NewHTTPError(http.StatusUnprocessableEntity, views.ErrText(web.Context(c), e))
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusUnprocessableEntity {
		if ferr := web.Flash(c, fmt.Sprint(he.Message)); ferr != nil {
			return ferr
		}
		return web.Redirect(c, "/shifts/swaps")
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, done)); err != nil {
		return err
	}
	return web.Redirect(c, "/shifts/swaps")
}
