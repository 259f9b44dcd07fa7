package views

import (
	"fmt"

	"kefudesk/models"
	"kefudesk/models/rota"
)

// StaffingView is the promotion staffing page for one day.
type StaffingView struct {
	Day      string
	Form     models.StaffingForm
	Errors   models.FieldErrors
	Inputs   models.StaffingInputs
	Result   models.Staffing
	Scenario bool // the figures are a try, not the saved plan
	Saved    bool // a plan is saved for the day
	Version  int
	Factors  []float64
	// Covering the gaps: who is off that day, the shift types, and the
	// temporary-staff form with its errors.
	Cover      []models.CoverCandidate
	Types      []rota.ShiftType
	Temp       models.TempStaffForm
	TempErrors models.FieldErrors
}

// Bar is one interval drawn on the chart.
type Bar struct {
	X, W         float64
	NeedY, NeedH float64
	SchedY       float64
	GapY, GapH   float64
	NoShift      bool
	Label        string
	Title        string
}

// chart geometry, in SVG user units.
const (
	staffChartW, staffChartH, staffChartTop, staffChartBottom = 1000.0, 260.0, 10.0, 230.0
)

// ChartBars lays the intervals out: the bar is the agents needed
// (scheduled figure, shrinkage included), the line the agents the rota
// has on, the red part the gap.
func (v StaffingView) ChartBars() []Bar {
	ivs := v.Result.Intervals
	if len(ivs) == 0 {
		return nil
	}
	top := 1
	for _, iv := range ivs {
		top = max(top, iv.Need.Scheduled, iv.Scheduled)
	}
	y := func(n int) float64 {
		return staffChartBottom - float64(n)/float64(top)*(staffChartBottom-staffChartTop)
	}
	w := staffChartW / float64(len(ivs))
	var out []Bar
	every := max(1, len(ivs)/12)
	for i, iv := range ivs {
		b := Bar{X: float64(i) * w, W: w - 1, NeedY: y(iv.Need.Scheduled), SchedY: y(iv.Scheduled), NoShift: iv.NoShift(),
			Title: fmt.Sprintf("%s %.0f chats: need %d, on %d", rota.Clock(iv.Start), iv.Chats, iv.Need.Scheduled, iv.Scheduled)}
		b.NeedH = staffChartBottom - b.NeedY
		if iv.Gap() > 0 {
			b.GapY, b.GapH = b.NeedY, y(iv.Scheduled)-b.NeedY
		}
		if i%every == 0 {
			b.Label = rota.Clock(iv.Start)
		}
		out = append(out, b)
	}
	return out
}

// staffFig1 writes a figure with one decimal.
func staffFig1(f float64) string { return fmt.Sprintf("%.1f", f) }

// staffFig0 writes a figure rounded.
func staffFig0(f float64) string { return fmt.Sprintf("%.0f", f) }

// YMax is the chart's top figure, for its axis label.
func (v StaffingView) YMax() int {
	top := 1
	for _, iv := range v.Result.Intervals {
		top = max(top, iv.Need.Scheduled, iv.Scheduled)
	}
	return top
}

// Gaps counts intervals short of agents, and those with nobody at all.
func (v StaffingView) Gaps() (short, none int) {
	for _, iv := range v.Result.Intervals {
		if iv.Gap() > 0 {
			short++
		}
		if iv.NoShift() {
			none++
		}
	}
	return short, none
}
