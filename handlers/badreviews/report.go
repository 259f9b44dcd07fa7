package badreviews

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// period reads from/to (shop days, inclusive); the default is the last 30 days.
func (h *Handler) period(c echo.Context) (from, to time.Time, v views.BadReviewReportView) {
	loc := web.Loc(c)
	y, m, d := h.now().In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	from, to = today.AddDate(0, 0, -29), today.AddDate(0, 0, 1)
	v = views.BadReviewReportView{From: c.QueryParam("from"), To: c.QueryParam("to"), Errors: models.FieldErrors{}}
	if v.From != "" {
		if t, err := time.ParseInLocation(time.DateOnly, v.From, loc); err == nil {
			from = t
		} else {
			v.Errors.Add("from", "audit.err.date")
		}
	}
	if v.To != "" {
		if t, err := time.ParseInLocation(time.DateOnly, v.To, loc); err == nil {
			to = t.AddDate(0, 0, 1)
		} else {
			v.Errors.Add("to", "audit.err.date")
		}
	}
	if !to.After(from) {
		v.Errors.Add("to", "badreviews.err.period")
	}
	v.From, v.To = from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)
	return from, to, v
}

func (h *Handler) report(c echo.Context) (views.BadReviewReportView, error) {
	from, to, v := h.period(c)
	if len(v.Errors) > 0 {
		return v, nil
	}
	s := web.Settings(c)
	var err error
	v.Report, err = h.store.BadReviewReportFor(c.Request().Context(), from, to, web.Loc(c), s.Int(models.SettingBadReviewRepeat), h.now())
	return v, err
}

// Report shows the period's counts, trend and breakdowns.
func (h *Handler) Report(c echo.Context) error {
	v, err := h.report(c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return web.Render(c, status, views.BadReviewReportPage(v))
}

// Export writes the report as an XLSX workbook: totals, causes, items, agents.
func (h *Handler) Export(c echo.Context) error {
	v, err := h.report(c)
	if err != nil {
		return err
	}
	if len(v.Errors) > 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad period")
	}
	f := excelize.NewFile()
	defer f.Close()
	t := v.Report.Totals
	T := func(k string, a ...any) string { return web.T(c, k, a...) }
	rows := [][]any{
		{T("badreviews.period", v.From, v.To)},
		{T("badreviews.rating.bad"), t.Bad}, {T("badreviews.rating.medium"), t.Medium}, {T("badreviews.fig.praise"), t.Good},
		{T("badreviews.fig.resolution"), t.ResolutionRate()}, {T("badreviews.fig.revision"), t.RevisionRate()},
		{T("badreviews.fig.median"), views.Hours(t.MedianResolveHours)}, {T("badreviews.fig.compensation"), float64(t.CompensationFen) / 100},
		{T("badreviews.fig.open"), t.Open}, {T("badreviews.overdue"), t.Overdue},
	}
	sheet := T("badreviews.report")
	f.SetSheetName("Sheet1", sheet)
	writeRows(f, sheet, rows)
	rows = [][]any{{T("badreviews.cause"), T("badreviews.fig.cases"), T("badreviews.status.resolved")}}
	for _, r := range v.Report.ByCause {
		rows = append(rows, []any{T("badreviews.cause." + r.Key), r.Count, r.Resolved})
	}
	writeSheet(f, T("badreviews.by_cause"), rows)
	rows = [][]any{{T("badreviews.item"), T("badreviews.fig.cases"), T("badreviews.status.resolved"), T("badreviews.repeated")}}
	for _, r := range v.Report.ByItem {
		rows = append(rows, []any{r.Key, r.Count, r.Resolved, r.Flagged})
	}
	writeSheet(f, T("badreviews.by_item"), rows)
	rows = [][]any{{T("badreviews.agent"), T("badreviews.fig.cases"), T("badreviews.status.resolved"), T("badreviews.outcome.revised"),
		T("badreviews.overdue"), T("badreviews.fig.compensation"), T("badreviews.praise"), T("badreviews.criticism"), T("badreviews.service_score")}}
	for _, a := range v.Report.ByAgent {
		rows = append(rows, []any{a.Name, a.Cases, a.Resolved, a.Revised, a.Overdue, float64(a.CompensationFen) / 100, a.Praise, a.Criticism, a.ServiceScore()})
	}
	writeSheet(f, T("badreviews.by_agent"), rows)
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="bad-reviews-%s-%s.xlsx"`, v.From, v.To))
	c.Response().Header().Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Response().WriteHeader(http.StatusOK)
	return f.Write(c.Response())
}

func writeSheet(f *excelize.File, name string, rows [][]any) {
	_, _ = f.NewSheet(name)
	writeRows(f, name, rows)
}

func writeRows(f *excelize.File, sheet string, rows [][]any) {
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		_ = f.SetSheetRow(sheet, cell, &r)
	}
}

// Agent shows an agent's cases and what reviews said of them; an agent
// sees only their own page.
func (h *Handler) Agent(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	if u := web.User(c); u.Role == models.RoleAgent && u.ID != id {
		return models.ErrNotYours
	}
	from, to, v := h.period(c)
	ctx := c.Request().Context()
	rep, err := h.store.BadReviewReportFor(ctx, from, to, web.Loc(c), web.Settings(c).Int(models.SettingBadReviewRepeat), h.now())
	if err != nil {
		return err
	}
	page := views.AgentReviewsView{From: v.From, To: v.To, Now: h.now(), Settings: web.Settings(c)}
	found := false
	for _, a := range rep.ByAgent {
		if a.AgentID == id {
			page.Agent, found = a, true
		}
	}
	if !found {
		return fmt.Errorf("badreviews: agent %d: %w", id, models.ErrNotFound)
	}
	if page.Open, err = h.store.OpenCasesOf(ctx, id, 50); err != nil {
		return err
	}
	if page.Mentions, err = h.store.AgentMentions(ctx, id, 20); err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.AgentReviewsPage(page))
}
