package vip

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

// period reads from/to (calendar days), this month by default.
func (h *Handler) period(c echo.Context) (views.VisitReportView, time.Time, time.Time) {
	today := h.today(c)
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	v := views.VisitReportView{From: c.QueryParam("from"), To: c.QueryParam("to"), Errors: models.FieldErrors{}}
	if v.From == "" {
		v.From = first.Format(time.DateOnly)
	}
	if v.To == "" {
		v.To = first.AddDate(0, 1, -1).Format(time.DateOnly)
	}
	from, err := time.Parse(time.DateOnly, v.From)
	if err != nil {
		v.Errors.Add("from", "audit.err.date")
	}
	to, err := time.Parse(time.DateOnly, v.To)
	if err != nil {
		v.Errors.Add("to", "audit.err.date")
	} else if to.Before(from) {
		v.Errors.Add("to", "vip.err.period")
	}
	return v, from, to
}

// Report shows completion, reach, outcomes and orders after visits.
func (h *Handler) Report(c echo.Context) error {
	v, from, to := h.period(c)
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		rep, err := h.store.VisitReportFor(c.Request().Context(), from, to, h.today(c))
		if err != nil {
			return err
		}
		v.Report = rep
	}
	return web.Render(c, status, views.VisitReportPage(v))
}

// ReportExport downloads the report as XLSX: one sheet per list, agent
// and outcome breakdown.
func (h *Handler) ReportExport(c echo.Context) error {
	v, from, to := h.period(c)
	if len(v.Errors) > 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad period")
	}
	rep, err := h.store.VisitReportFor(c.Request().Context(), from, to, h.today(c))
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	head := []any{"", web.T(c, "vip.visits"), web.T(c, "vip.status.done"), web.T(c, "vip.completion"), web.T(c, "vip.reached_rate"),
		web.T(c, "vip.status.unreachable"), web.T(c, "vip.overdue"), web.T(c, "vip.orders_after"), web.T(c, "vip.orders_after_yuan")}
	sheets := []struct {
		name, first string
		rows        []models.VisitFigures
	}{{web.T(c, "vip.by_list"), web.T(c, "vip.list.name"), rep.Lists}, {web.T(c, "vip.by_agent"), web.T(c, "chats.agent"), rep.Agents}}
	for i, s := range sheets {
		if i == 0 {
			x.SetSheetName("Sheet1", s.name)
		} else if _, err := x.NewSheet(s.name); err != nil {
			return fmt.Errorf("vip: export: %w", err)
		}
		head[0] = s.first
		if err := x.SetSheetRow(s.name, "A1", &head); err != nil {
			return fmt.Errorf("vip: export: %w", err)
		}
		for j, r := range s.rows {
			line := []any{r.Name, r.Total, r.Reached, round2(100 * r.Completion()), round2(100 * r.ReachedRate()), r.Unreachable, r.Overdue,
				r.Orders, float64(r.OrdersFen) / 100}
			if err := x.SetSheetRow(s.name, "A"+strconv.Itoa(j+2), &line); err != nil {
				return fmt.Errorf("vip: export: %w", err)
			}
		}
	}
	outcomes := web.T(c, "vip.outcomes")
	if _, err := x.NewSheet(outcomes); err != nil {
		return fmt.Errorf("vip: export: %w", err)
	}
	for i, o := range models.VisitOutcomes {
		line := []any{web.T(c, "vip.outcome."+o), rep.Outcomes[o]}
		if err := x.SetSheetRow(outcomes, "A"+strconv.Itoa(i+1), &line); err != nil {
			return fmt.Errorf("vip: export: %w", err)
		}
	}
	name := fmt.Sprintf("vip_visits_%s_%s.xlsx", v.From, v.To)
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().Header().Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Response().WriteHeader(http.StatusOK)
	return x.Write(c.Response())
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }
