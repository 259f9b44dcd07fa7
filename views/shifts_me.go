package views

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/a-h/templ"

	"kefudesk/models"
	"kefudesk/models/rota"
)

// MyShiftsView is an agent's own page: next shifts, handover waiting,
// changes to acknowledge, the calendar feed.
type MyShiftsView struct {
	Today       time.Time
	Days        []models.ShiftDay
	Types       []rota.ShiftType
	Handover    []models.HandoverItem
	Cases       []models.HandoverBadReview // the most urgent open bad-review cases in my handover
	CasesMore   int                        // how many more the handover page lists
	Now         time.Time
	Notices     []models.ShiftNotice
	AskedOfMe   int // swap requests waiting for my answer
	CalendarURL string
}

// TeamScheduleView is who works today, now and this week.
type TeamScheduleView struct {
	Today time.Time
	Now   time.Time
	Staff []models.User
	Types []rota.ShiftType
	Week  time.Time                   // Monday shown
	Cells map[int64][]models.ShiftDay // per user, 7 days; missing = not published
	Prev  string
	Next  string
}

// Cell is u's published day i of the week, if any.
func (v TeamScheduleView) Cell(id int64, i int) (models.ShiftDay, bool) {
	d := v.Week.AddDate(0, 0, i)
	for _, c := range v.Cells[id] {
		if c.Day.Equal(d) {
			return c, true
		}
	}
	return models.ShiftDay{}, false
}

// CellClass colours a published day by its shift and outlines today.
func (v TeamScheduleView) CellClass(c models.ShiftDay) string {
	if c.Day.Equal(v.Today) {
		return ShiftClass(v.Types, c.Shift) + " today"
	}
	return ShiftClass(v.Types, c.Shift)
}

// weekCell is one published day of the team's week, as
// <td class="sh-t0 today">早班</td>. It is written here, not in templ: the
// grid has a cell per agent and day (2,100 for 300 agents), and templ's
// class={ ... } builds a set of classes for each cell and { ... } passes
// each text through fmt.Sprint, which together were half of the page's
// rendering time.
func weekCell(class, label string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<td class="`+templ.EscapeString(class)+`">`+templ.EscapeString(label)+`</td>`)
		return err
	})
}

// OnNow reports whether u is on shift at Now (yesterday's night shift
// included).
func (v TeamScheduleView) OnNow(id int64) (models.ShiftDay, bool) {
	for _, c := range v.Cells[id] {
		if c.Working() && !v.Now.Before(c.Start) && v.Now.Before(c.End) {
			return c, true
		}
	}
	return models.ShiftDay{}, false
}

// FairnessView is each agent's late shifts and weekend days per month.
type FairnessView struct {
	Months []time.Time
	Staff  []models.User
	Rows   map[string]models.FairRow // user|month
}

// Row is u's figures in month m.
func (v FairnessView) Row(id int64, m time.Time) models.FairRow {
	return v.Rows[fmt.Sprintf("%d|%s", id, m.Format("2006-01"))]
}

// Total sums u's figures over the months shown.
func (v FairnessView) Total(id int64) models.FairRow {
	t := models.FairRow{UserID: id}
	for _, m := range v.Months {
		r := v.Row(id, m)
		t.Shifts, t.Lates, t.Weekends = t.Shifts+r.Shifts, t.Lates+r.Lates, t.Weekends+r.Weekends
	}
	return t
}

// FairKey indexes FairnessView.Rows.
func FairKey(id int64, m time.Time) string { return fmt.Sprintf("%d|%s", id, m.Format("2006-01")) }
