package spotchecks

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// period reads from/to (days in shop time, to inclusive); default: the last
// 30 days up to today.
func (h *Handler) period(c echo.Context) (views.PeriodForm, time.Time, time.Time) {
	loc := web.Loc(c)
	n := h.now().In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	f := views.PeriodForm{From: c.QueryParam("from"), To: c.QueryParam("to"), Errors: models.FieldErrors{}}
	from, to := today.AddDate(0, 0, -29), today.AddDate(0, 0, 1)
	if f.From != "" {
		if d, err := time.ParseInLocation(time.DateOnly, f.From, loc); err == nil {
			from = d
		} else {
			f.Errors.Add("from", "audit.err.date")
		}
	}
	if f.To != "" {
		if d, err := time.ParseInLocation(time.DateOnly, f.To, loc); err == nil {
			to = d.AddDate(0, 0, 1)
		} else {
			f.Errors.Add("to", "audit.err.date")
		}
	}
	if f.From == "" {
		f.From = from.Format(time.DateOnly)
	}
	if f.To == "" {
		f.To = to.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	if !from.Before(to) && len(f.Errors) == 0 {
		f.Errors.Add("to", "quality.err.order")
	}
	return f, from, to
}

// Quality shows quality per agent and team, failing categories, the trend
// and reviews done against plan.
func (h *Handler) Quality(c echo.Context) error {
	f, from, to := h.period(c)
	v := views.QualityView{Period: f}
	status := http.StatusOK
	if len(f.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		rep, err := h.store.Quality(c.Request().Context(), from, to, web.Loc(c), web.Settings(c).Int(models.SettingPassMark))
		if err != nil {
			return err
		}
		v.Report = rep
	}
	return web.Page(c, status, views.QualityPage(v), views.QualitySection(v))
}

// QualityExport downloads the period's reviews and agent figures as XLSX.
func (h *Handler) QualityExport(c echo.Context) error {
	f, from, to := h.period(c)
	if len(f.Errors) > 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad period")
	}
	ctx := c.Request().Context()
	rep, err := h.store.Quality(ctx, from, to, web.Loc(c), web.Settings(c).Int(models.SettingPassMark))
	if err != nil {
		return err
	}
	rows, err := h.store.ReviewsForExport(ctx, from, to)
	if err != nil {
		return err
	}
	names, err := h.userNames(c)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	vctx := web.Context(c)
	reviews := web.T(c, "quality.sheet.reviews")
	x.SetSheetName("Sheet1", reviews)
	head := []any{"ID", web.T(c, "quality.col.chat_time"), web.T(c, "chats.buyer"), web.T(c, "chats.agent"), web.T(c, "plans.inspectors"),
		web.T(c, "reviews.score"), web.T(c, "reviews.critical"), web.T(c, "appeals.title"), web.T(c, "reviews.teaching"), web.T(c, "reviews.summary"), web.T(c, "reviews.when")}
	if err := x.SetSheetRow(reviews, "A1", &head); err != nil {
		return fmt.Errorf("spotchecks: export: %w", err)
	}
	for i, r := range rows {
		appeal := ""
		if r.AppealStatus != nil {
			appeal = web.T(c, "appeals.status."+*r.AppealStatus)
		}
		line := []any{r.ID, views.Time(vctx, r.ChatStartedAt), r.Buyer, r.AgentNick, names[r.InspectorID], r.Score, r.CriticalFailed,
			appeal, r.Teaching, r.Summary, views.Time(vctx, r.SubmittedAt)}
		if err := x.SetSheetRow(reviews, "A"+strconv.Itoa(i+2), &line); err != nil {
			return fmt.Errorf("spotchecks: export: %w", err)
		}
	}
	agents := web.T(c, "quality.sheet.agents")
	if _, err := x.NewSheet(agents); err != nil {
		return fmt.Errorf("spotchecks: export: %w", err)
	}
	ahead := []any{web.T(c, "chats.agent"), web.T(c, "users.team"), web.T(c, "quality.reviews"), web.T(c, "quality.mean"),
		web.T(c, "quality.response_rate"), web.T(c, "quality.appeals"), web.T(c, "quality.attention")}
	if err := x.SetSheetRow(agents, "A1", &ahead); err != nil {
		return fmt.Errorf("spotchecks: export: %w", err)
	}
	for i, a := range rep.Agents {
		line := []any{a.Name, web.T(c, "team."+string(a.Team)), a.Reviews, round2(a.MeanScore), round2(100 * a.ResponseRate), a.Appeals, a.Attention}
		if err := x.SetSheetRow(agents, "A"+strconv.Itoa(i+2), &line); err != nil {
			return fmt.Errorf("spotchecks: export: %w", err)
		}
	}
	name := fmt.Sprintf("quality_%s_%s.xlsx", f.From, f.To)
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().Header().Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Response().WriteHeader(http.StatusOK)
	return x.Write(c.Response())
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// Replies searches the team's reply library. Agents see the advice, not
// the chats it came from.
func (h *Handler) Replies(c echo.Context) error {
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	list, err := h.store.SearchReplies(c.Request().Context(), c.QueryParam("q"), before, 30)
	if err != nil {
		return err
	}
	v := views.RepliesView{Q: c.QueryParam("q"), Entries: list, ShowChats: web.User(c).Role != models.RoleAgent}
	return web.Page(c, http.StatusOK, views.RepliesPage(v), views.ReplyList(v))
}

// Cases lists the teaching cases of a week, for the weekly sharing meeting.
func (h *Handler) Cases(c echo.Context) error {
	loc := web.Loc(c)
	week := c.QueryParam("week")
	start := models.WeekStartOf(h.now(), loc)
	if d, err := time.ParseInLocation(time.DateOnly, week, loc); err == nil {
		start = models.WeekStartOf(d, loc)
	}
	list, err := h.store.TeachingCases(c.Request().Context(), start, start.AddDate(0, 0, 7))
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.CasesPage(views.CasesView{Week: start, Cases: list}))
}

// Reception shows one day's reception volume, response rate and average
// first reply per agent, with the team's averages for the same day.
func (h *Handler) Reception(c echo.Context) error {
	loc := web.Loc(c)
	n := h.now().In(loc)
	day := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -1)
	if d, err := time.ParseInLocation(time.DateOnly, c.QueryParam("day"), loc); err == nil {
		day = d
	}
	rates, avg, err := h.store.AgentRates(c.Request().Context(), day, day.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	names, err := h.nickNames(c)
	if err != nil {
		return err
	}
	v := views.ReceptionView{Day: day, Rates: rates, TeamRate: avg, Names: names}
	for _, r := range rates {
		v.TeamReceived += float64(r.Received)
		v.TeamFirst += r.AvgFirstReply
	}
	if len(rates) > 0 {
		v.TeamReceived /= float64(len(rates))
		v.TeamFirst /= float64(len(rates))
	}
	return web.Render(c, http.StatusOK, views.ReceptionPage(v))
}
