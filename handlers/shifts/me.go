package shifts

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Me is the agent's own schedule: the next two weeks published, handover
// items waiting, changes to acknowledge and the calendar feed.
func (h *Handler) Me(c echo.Context) error {
	ctx := c.Request().Context()
	u := web.User(c)
	today := h.today(c)
	days, err := h.store.PublishedShifts(ctx, u.ID, today, 14)
	if err != nil {
		return err
	}
	m, err := h.store.MyShifts(ctx, u.ID, today)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.MyShiftsPage(views.MyShiftsView{
		Today: today, Days: days, Types: models.RotaParams(web.Settings(c)).Types, Handover: m.Handover,
		Cases: m.Cases, CasesMore: m.CasesTotal - len(m.Cases), Now: h.now(), Notices: m.Notices,
		CalendarURL: calendarURL(c, m.CalendarToken), AskedOfMe: m.AskedOfMe}))
}

func calendarURL(c echo.Context, tok string) string {
	return fmt.Sprintf("%s://%s/shifts/calendar/%s.ics", c.Scheme(), c.Request().Host, tok)
}

// Acknowledge marks the agent's shift changes as read.
func (h *Handler) Acknowledge(c echo.Context) error {
	if _, err := h.store.AcknowledgeNotices(c.Request().Context(), web.Actor(c)); err != nil {
		return err
	}
	return web.Redirect(c, "/shifts/me")
}

// ResetCalendar gives the user a new feed secret; the old URL stops.
func (h *Handler) ResetCalendar(c echo.Context) error {
	if _, err := h.store.ResetCalendarToken(c.Request().Context(), web.Actor(c)); err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "shifts.calendar.was_reset")); err != nil {
		return err
	}
	return web.Redirect(c, "/shifts/me")
}

// Calendar serves the iCal feed at its secret URL: no login, since phone
// calendars cannot log in; the secret is the key and can be reset.
func (h *Handler) Calendar(c echo.Context) error {
	tok := c.Param("token")
	if len(tok) > 4 && tok[len(tok)-4:] == ".ics" {
		tok = tok[:len(tok)-4]
	}
	loc := web.Locale(c)
	feed, err := h.store.CalendarFeed(c.Request().Context(), tok, h.now(), func(code string) string {
		return views.Word(views.WithFrame(c.Request().Context(), views.Frame{}, loc), "shifts.type.", code)
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, max-age=900")
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", []byte(feed))
}

// Team shows who is on now, today and in the chosen week (published only).
func (h *Handler) Team(c echo.Context) error {
	ctx := c.Request().Context()
	today := h.today(c)
	week := models.Monday(today)
	if d, ok := models.ParseDay(c.QueryParam("week")); ok {
		week = models.Monday(d)
	}
	staff, err := h.store.RotaStaff(ctx)
	if err != nil {
		return err
	}
	// The day before the week too: a night shift may still run this morning.
	days, err := h.store.PublishedShifts(ctx, 0, week.AddDate(0, 0, -1), 8)
	if err != nil {
		return err
	}
	v := views.TeamScheduleView{Today: today, Now: h.now(), Staff: staff, Types: models.RotaParams(web.Settings(c)).Types,
		Week: week, Cells: map[int64][]models.ShiftDay{},
		Prev: views.DayParam(week.AddDate(0, 0, -7)), Next: views.DayParam(week.AddDate(0, 0, 7))}
	for _, d := range days {
		v.Cells[d.UserID] = append(v.Cells[d.UserID], d)
	}
	if !week.Equal(models.Monday(today)) {
		// "Now" and "today" are about this week: read them too.
		cur, err := h.store.PublishedShifts(ctx, 0, today.AddDate(0, 0, -1), 2)
		if err != nil {
			return err
		}
		for _, d := range cur {
			v.Cells[d.UserID] = append(v.Cells[d.UserID], d)
		}
	}
	return web.Render(c, http.StatusOK, views.TeamSchedulePage(v))
}

// Fairness shows late shifts and weekend days per agent over six months.
func (h *Handler) Fairness(c echo.Context) error {
	ctx := c.Request().Context()
	today := h.today(c)
	first := models.DayOf(h.now(), web.Loc(c))
	first = first.AddDate(0, 0, 1-first.Day()).AddDate(0, -5, 0)
	rows, err := h.store.FairnessHistory(ctx, first, first.AddDate(0, 6, 0))
	if err != nil {
		return err
	}
	staff, err := h.store.RotaStaff(ctx)
	if err != nil {
		return err
	}
	v := views.FairnessView{Staff: staff, Rows: map[string]models.FairRow{}}
	for m := first; !m.After(today); m = m.AddDate(0, 1, 0) {
		v.Months = append(v.Months, m)
	}
	for _, r := range rows {
		v.Rows[views.FairKey(r.UserID, r.Month)] = r
	}
	return web.Render(c, http.StatusOK, views.FairnessPage(v))
}
