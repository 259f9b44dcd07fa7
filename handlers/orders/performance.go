package orders

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

// period reads from/to (days in shop time, to inclusive); default: the
// last 30 days up to today.
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
	f.From, f.To = from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)
	if len(f.Errors) == 0 && (!from.Before(to) || to.Sub(from) > 400*24*time.Hour) {
		f.Errors.Add("to", "perf.err.range")
	}
	return f, from, to
}

// onlyUser is the agent whose figures alone the user may see, or 0.
func onlyUser(c echo.Context) int64 {
	if u := web.User(c); u.Role == models.RoleAgent {
		return u.ID
	}
	return 0
}

// Performance shows sales per agent and team for a period.
func (h *Handler) Performance(c echo.Context) error {
	f, from, to := h.period(c)
	v := views.PerformanceView{Period: f, ShopWide: onlyUser(c) == 0}
	status := http.StatusOK
	if len(f.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		rep, err := h.store.SalesPerformance(c.Request().Context(), from, to, web.Loc(c), onlyUser(c))
		if err != nil {
			return err
		}
		v.Report = rep
	}
	return web.Page(c, status, views.PerformancePage(v), views.PerformanceSection(v))
}

// Export downloads the period's agent and team figures as XLSX.
func (h *Handler) Export(c echo.Context) error {
	f, from, to := h.period(c)
	if len(f.Errors) > 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad period")
	}
	rep, err := h.store.SalesPerformance(c.Request().Context(), from, to, web.Loc(c), onlyUser(c))
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	agents, teams := web.T(c, "perf.agents"), web.T(c, "perf.teams")
	x.SetSheetName("Sheet1", agents)
	cols := []string{"inquiries", "ordered", "paid", "conversion", "pay_conversion", "orders", "sales", "aov", "assists", "assist_fen", "refunds", "refund_rate"}
	write := func(sheet string, first string, rows []models.AgentSales, name func(models.AgentSales) string) error {
		head := []any{first}
		for _, k := range cols {
			head = append(head, web.T(c, "perf.col."+k))
		}
		if err := x.SetSheetRow(sheet, "A1", &head); err != nil {
			return fmt.Errorf("orders: export: %w", err)
		}
		for i, a := range rows {
			line := []any{name(a), a.Inquiries, a.OrderedBuyers, a.PaidBuyers, pct(a.OrderConversion()), pct(a.PaymentConversion()),
				a.Orders, yuan(a.SalesFen), yuan(a.AverageOrderFen()), a.Assists, yuan(a.AssistFen), yuan(a.RefundFen), pct(a.RefundRate())}
			if err := x.SetSheetRow(sheet, "A"+strconv.Itoa(i+2), &line); err != nil {
				return fmt.Errorf("orders: export: %w", err)
			}
		}
		return nil
	}
	if err := write(agents, web.T(c, "chats.agent"), rep.Agents, func(a models.AgentSales) string { return a.Name }); err != nil {
		return err
	}
	if len(rep.Teams) > 0 {
		if _, err := x.NewSheet(teams); err != nil {
			return fmt.Errorf("orders: export: %w", err)
		}
		if err := write(teams, web.T(c, "users.team"), rep.Teams, func(a models.AgentSales) string { return web.T(c, "team."+string(a.Team)) }); err != nil {
			return err
		}
	}
	name := fmt.Sprintf("sales_%s_%s.xlsx", f.From, f.To)
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().Header().Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Response().WriteHeader(http.StatusOK)
	return x.Write(c.Response())
}

func pct(f float64) float64  { return float64(int64(f*10000+0.5)) / 100 }
func yuan(fen int64) float64 { return float64(fen) / 100 }
