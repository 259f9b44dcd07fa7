package views

import (
	"fmt"
	"time"

	"kefudesk/models"
)

// TrendBar is one day's column of the trend chart, in SVG units.
type TrendBar struct {
	X, W             int
	BadY, BadH       int
	MediumY, MediumH int
	Label            string // day of month, under every few columns
	Title            string
}

// Chart size of the trend, in SVG units (the SVG scales to its box).
const (
	trendW, trendH = 720, 180
	trendBase      = 160
)

// TrendBars lays out the days as stacked columns: bad below, medium above.
func TrendBars(days []models.DayCount) []TrendBar {
	if len(days) == 0 {
		return nil
	}
	var top int64 = 1
	for _, d := range days {
		top = max(top, d.Medium+d.Bad)
	}
	slot := trendW / len(days)
	w := max(2, slot*7/10)
	every := max(1, len(days)/10)
	out := make([]TrendBar, len(days))
	for i, d := range days {
		bh := int(d.Bad * (trendBase - 10) / top)
		mh := int(d.Medium * (trendBase - 10) / top)
		b := TrendBar{X: i*slot + (slot-w)/2, W: w, BadY: trendBase - bh, BadH: bh, MediumY: trendBase - bh - mh, MediumH: mh,
			Title: fmt.Sprintf("%s: %d / %d", d.Day.Format("01-02"), d.Bad, d.Medium)}
		if i%every == 0 {
			b.Label = d.Day.Format("01-02")
		}
		out[i] = b
	}
	return out
}

// CountShare is a breakdown row's count as a percentage of the largest.
func CountShare(rows []models.CountBy, n int64) float64 {
	var top int64 = 1
	for _, r := range rows {
		top = max(top, r.Count)
	}
	return float64(n) * 100 / float64(top)
}

// SVGBox is the trend chart's viewBox.
func SVGBox() string { return fmt.Sprintf("0 0 %d %d", trendW, trendH) }

// CauseTrend is the report's cause-by-week table: every week of the
// period as a column (weeks without reviews included), every cause as a
// row in the order of the period's totals.
type CauseTrend struct {
	Weeks []time.Time
	Rows  []CauseTrendRow
}

// CauseTrendRow is one cause's counts, one per week of CauseTrend.Weeks.
type CauseTrendRow struct {
	Cause  string
	Counts []int64
	Rising bool // the last week has more than the one before
}

// NewCauseTrend arranges the report's per-week counts into the table.
func NewCauseTrend(r models.BadReviewReport, loc *time.Location) CauseTrend {
	var t CauseTrend
	if len(r.CauseWeeks) == 0 {
		return t
	}
	first := r.From.In(loc)
	// Back to the Monday of the first day: date_trunc('week') weeks.
	first = time.Date(first.Year(), first.Month(), first.Day()-(int(first.Weekday())+6)%7, 0, 0, 0, 0, loc)
	col := map[string]int{}
	for w := first; w.Before(r.To); w = w.AddDate(0, 0, 7) {
		col[w.Format("2006-01-02")] = len(t.Weeks)
		t.Weeks = append(t.Weeks, w)
	}
	row := map[string]int{}
	for _, c := range r.ByCause {
		row[c.Key] = len(t.Rows)
		t.Rows = append(t.Rows, CauseTrendRow{Cause: c.Key, Counts: make([]int64, len(t.Weeks))})
	}
	for _, cw := range r.CauseWeeks {
		i, okRow := row[cw.Cause]
		j, okCol := col[cw.Week.Format("2006-01-02")]
		if okRow && okCol {
			t.Rows[i].Counts[j] = cw.Count
		}
	}
	for i := range t.Rows {
		if n := len(t.Weeks); n >= 2 {
			t.Rows[i].Rising = t.Rows[i].Counts[n-1] > t.Rows[i].Counts[n-2]
		}
	}
	return t
}
