package views

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"time"

	"kefudesk/models"
	"kefudesk/models/rota"
	"kefudesk/views/i18n"
)

// RotaView is the manager's rota grid for a run of weeks.
type RotaView struct {
	Grid       models.RotaGrid
	Start      string // the first Monday, 2006-01-02
	Weeks      int
	Errors     models.FieldErrors
	Shares     []rota.Share
	LateGap    map[string]int
	WeekendGap map[string]int
	Notices    []models.ShiftNotice // changes to published weeks not yet acknowledged
	Today      time.Time
}

// GapTeams lists the teams of the fairness gaps in a fixed order (a map's
// order changed on every view).
func (v RotaView) GapTeams() []string {
	return slices.Sorted(maps.Keys(v.LateGap))
}

// CellView is one editable cell of the grid.
type CellView struct {
	UserID   int64
	Name     string
	Day      time.Time
	Shift    string
	Version  int
	Types    []rota.ShiftType
	Start    string // grid start and weeks, to redraw the rule panel
	Weeks    int
	Broken   []rota.Violation // the rules a refused change would break
	BrokenAt time.Time        // day 0 of Broken
	Names    map[int64]string
	Conflict *models.ConflictError
	Today    bool
}

// ID is the cell's element id, stable for hx-target.
func (c CellView) ID() string { return fmt.Sprintf("cell-%d-%s", c.UserID, c.Day.Format("20060102")) }

// Cell builds the view of agent id's cell on day i.
func (v RotaView) Cell(u models.User, i int) CellView {
	g := v.Grid
	return CellView{UserID: u.ID, Name: u.Name(), Day: g.Rota.Day(i), Shift: g.Cell(u.ID, i), Version: g.Versions[u.ID][i],
		Types: g.Params.Types, Start: v.Start, Weeks: v.Weeks, Today: g.Rota.Day(i).Equal(v.Today)}
}

// Names maps staff ids to names, for rule texts.
func (v RotaView) Names() map[int64]string {
	out := map[int64]string{}
	for _, u := range v.Grid.Staff {
		out[u.ID] = u.Name()
	}
	return out
}

// ShiftLabel names a cell's content: a known type's catalog name with its
// times, a day off, leave, or the code itself for a type the shop added.
func ShiftLabel(ctx context.Context, types []rota.ShiftType, code string) string {
	switch code {
	case rota.Rest:
		return i18n.T(ctx, "shifts.rest")
	case rota.Leave:
		return i18n.T(ctx, "shifts.leave")
	}
	return Word(ctx, "shifts.type.", code)
}

// ShiftTimes writes a type's hours, marking a shift that ends the next day.
func ShiftTimes(types []rota.ShiftType, code string) string {
	for _, t := range types {
		if t.Code == code {
			s := rota.Clock(t.Start) + "–" + rota.Clock(t.End)
			if t.CrossesMidnight() {
				s += "⁺¹"
			}
			return s
		}
	}
	return ""
}

// ShiftClass colours a cell by what it holds.
func ShiftClass(types []rota.ShiftType, code string) string {
	switch code {
	case rota.Rest:
		return "sh-rest"
	case rota.Leave:
		return "sh-leave"
	}
	for i, t := range types {
		if t.Code == code {
			return "sh-t" + strconv.Itoa(i%4)
		}
	}
	return "sh-unknown"
}

// ViolationText explains one broken rule in the user's language; day
// indexes count from start.
func ViolationText(ctx context.Context, v rota.Violation, start time.Time, names map[int64]string) string {
	day := Weekday(ctx, start.AddDate(0, 0, v.Day))
	who := names[v.AgentID]
	switch v.Rule {
	case rota.RuleCover:
		return i18n.T(ctx, "shifts.rule.cover", day, i18n.T(ctx, "team."+v.Team), Word(ctx, "shifts.type.", v.Shift))
	case rota.RuleRestDay:
		return i18n.T(ctx, "shifts.rule.rest_day", day, who, v.Detail)
	case rota.RuleMinRest:
		return i18n.T(ctx, "shifts.rule.min_rest", day, who, v.Detail)
	case rota.RuleLeave:
		return i18n.T(ctx, "shifts.rule.leave", day, who)
	case rota.RuleWeeklyHours:
		return i18n.T(ctx, "shifts.rule.weekly_hours", day, who, v.Detail)
	case rota.RuleSameHours:
		return i18n.T(ctx, "shifts.rule.same_hours", day, who, v.Detail)
	}
	return i18n.T(ctx, "shifts.rule.unknown_shift", day, who, v.Shift)
}

var weekdayKeys = [...]string{"shifts.wd.sun", "shifts.wd.mon", "shifts.wd.tue", "shifts.wd.wed", "shifts.wd.thu", "shifts.wd.fri", "shifts.wd.sat"}

// Weekday writes a date with its short weekday: 11-11 周三.
func Weekday(ctx context.Context, d time.Time) string {
	return d.Format("01-02") + " " + i18n.T(ctx, weekdayKeys[d.Weekday()])
}

// WeekdayShort is the weekday alone.
func WeekdayShort(ctx context.Context, d time.Time) string {
	return i18n.T(ctx, weekdayKeys[d.Weekday()])
}

// IsWeekend marks Saturdays and Sundays in the grid.
func IsWeekend(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

// RotaURL is the grid of weeks weeks from start.
func RotaURL(start string, weeks int) string {
	q := url.Values{"start": {start}, "weeks": {strconv.Itoa(weeks)}}
	return "/shifts?" + q.Encode()
}

// DayParam writes a date for forms and URLs.
func DayParam(d time.Time) string { return d.Format(time.DateOnly) }

// TeamName is the catalog name of a team.
func TeamName(ctx context.Context, team string) string { return i18n.T(ctx, "team."+team) }
