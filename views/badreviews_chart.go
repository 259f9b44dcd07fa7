package views

import (
	"fmt"
	"slices"
	"strconv"
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

// WeekTrend is a by-week table of the report: every week of the period
// as a column (weeks without reviews included), every key as a row in the
// order given (the period's totals).
type WeekTrend struct {
	Weeks []time.Time
	Rows  []WeekTrendRow
}

// WeekTrendRow is one key's counts, one per week of WeekTrend.Weeks.
type WeekTrendRow struct {
	Key    string
	Label  string // what the page shows; the template's label func names it when empty
	Counts []int64
	Rising bool // the last week has more than the one before
}

// NewWeekTrend arranges per-week counts of the report's period into rows
// for keys, in that order.
func NewWeekTrend(r models.BadReviewReport, loc *time.Location, keys []string, counts []models.WeekCount) WeekTrend {
	var t WeekTrend
	if len(counts) == 0 {
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
	for _, k := range keys {
		row[k] = len(t.Rows)
		t.Rows = append(t.Rows, WeekTrendRow{Key: k, Counts: make([]int64, len(t.Weeks))})
	}
	for _, wc := range counts {
		i, okRow := row[wc.Key]
		j, okCol := col[wc.Week.Format("2006-01-02")]
		if okRow && okCol {
			t.Rows[i].Counts[j] = wc.Count
		}
	}
	for i := range t.Rows {
		if n := len(t.Weeks); n >= 2 {
			t.Rows[i].Rising = t.Rows[i].Counts[n-1] > t.Rows[i].Counts[n-2]
		}
	}
	return t
}

// CauseTrend, ItemTrend and AgentTrend are the report's three by-week
// tables; Label names a row's key for the page.
func CauseTrend(r models.BadReviewReport, loc *time.Location) WeekTrend {
	var keys []string
	for _, c := range r.ByCause {
		keys = append(keys, c.Key)
	}
	return NewWeekTrend(r, loc, keys, r.CauseWeeks)
}

// ItemTrend: the items that have a weekly count, in the order of ByItem.
func ItemTrend(r models.BadReviewReport, loc *time.Location) WeekTrend {
	var keys []string
	for _, it := range r.ByItem {
		keys = append(keys, it.Key)
	}
	t := NewWeekTrend(r, loc, keys, r.ItemWeeks)
	for i := range t.Rows {
		t.Rows[i].Label = t.Rows[i].Key
	}
	return t
}

// AgentTrend: the agents with cases, in the order of ByAgent.
func AgentTrend(r models.BadReviewReport, loc *time.Location) WeekTrend {
	var keys []string
	for _, a := range r.ByAgent {
		keys = append(keys, strconv.FormatInt(a.AgentID, 10))
	}
	t := NewWeekTrend(r, loc, keys, r.AgentWeeks)
	// Agents without a case in the period have no counts: leave them out.
	rows := t.Rows[:0]
	for i, row := range t.Rows {
		if slices.ContainsFunc(row.Counts, func(n int64) bool { return n > 0 }) {
			row.Label = r.ByAgent[i].Name
			rows = append(rows, row)
		}
	}
	t.Rows = rows
	return t
}
