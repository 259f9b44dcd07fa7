package views

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"kefudesk/models"
)

// PerformanceView is the sales performance page.
type PerformanceView struct {
	Period   PeriodForm
	Report   models.SalesReport
	ShopWide bool // managers and QC see every agent and the shop's figures
}

// Chart sizes of the trend, in SVG units.
const (
	chartW, chartH, chartPad = 640.0, 180.0, 24.0
)

// TrendChart is the trend as SVG polylines: credited sales and, for the
// shop, silent sales per day, scaled to the highest day.
type TrendChart struct {
	Credited, Silent string // "x,y x,y ..."
	MaxFen           int64
	Days             int
	First, Last      string
}

// Chart draws the report's trend.
func (v PerformanceView) Chart() TrendChart {
	t := v.Report.Trend
	c := TrendChart{Days: len(t)}
	if len(t) == 0 {
		return c
	}
	for _, d := range t {
		c.MaxFen = max(c.MaxFen, d.SalesFen, d.SilentFen)
	}
	c.First, c.Last = t[0].Day.Format("01-02"), t[len(t)-1].Day.Format("01-02")
	scale := 0.0
	if c.MaxFen > 0 {
		scale = (chartH - 2*chartPad) / float64(c.MaxFen)
	}
	step := 0.0
	if len(t) > 1 {
		step = (chartW - 2*chartPad) / float64(len(t)-1)
	}
	var cr, si strings.Builder
	for i, d := range t {
		x := chartPad + float64(i)*step
		fmt.Fprintf(&cr, "%.1f,%.1f ", x, chartH-chartPad-float64(d.SalesFen)*scale)
		fmt.Fprintf(&si, "%.1f,%.1f ", x, chartH-chartPad-float64(d.SilentFen)*scale)
	}
	c.Credited, c.Silent = strings.TrimSpace(cr.String()), strings.TrimSpace(si.String())
	return c
}

// ChartViewBox is the SVG's coordinate box.
func ChartViewBox() string { return fmt.Sprintf("0 0 %.0f %.0f", chartW, chartH) }

// Orders1 shows a share-weighted order count.
func Orders1(f float64) string {
	if f == float64(int64(f)) {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}

// salesColumns are the sales table's columns: the agents' table leads
// with rank and name, the teams' with the team.
func salesColumns(ctx context.Context, agents bool) Columns {
	head := ColumnsOf(ctx, "users.team")
	if agents {
		head = Columns{"#", T(ctx, "chats.agent")}
	}
	return append(head, ColumnsOf(ctx, "perf.col.inquiries", "perf.col.ordered", "perf.col.paid", "perf.col.conversion",
		"perf.col.pay_conversion", "perf.col.orders", "perf.col.sales", "perf.col.aov", "perf.col.assists", "perf.col.refunds")...)
}

func salesTableID(agents bool) string {
	if agents {
		return "sales-agents"
	}
	return "sales-teams"
}
