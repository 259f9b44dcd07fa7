// Package rota builds and checks shift rotas: who works which shift on
// which day. It is pure (no database, no clock) so every path that changes
// a rota — generation, a manager's edit, a swap, an approval — runs the same
// Check, and no path can bypass the rules.
//
// Rules (domain digest, shifts; every number is a shop setting):
//   - cover: every team has at least one agent on every shift type every day;
//   - rest_day: at least one day without work in any seven consecutive days;
//   - min_rest: at least MinRest between the end of one shift and the start
//     of the next (late 22:30 -> early 09:30 is exactly 11 h);
//   - leave: nobody works on a day of approved leave;
//   - weekly_hours: nobody works more than MaxWeeklyHours in a week.
//
// The generator also keeps the seeds' pattern — early and late alternate
// weekly per agent — and shares weekends and late shifts fairly.
package rota

import (
	"fmt"
	"time"
)

// Rest marks a day off in a rota cell; Leave a day of approved leave.
const (
	Rest  = ""
	Leave = "leave"
)

// ShiftType is one kind of shift in the shop's time zone. Start and End are
// minutes from midnight; End <= Start means the shift ends the next day.
type ShiftType struct {
	Code  string
	Start int
	End   int
}

// Minutes is how long the shift lasts.
func (s ShiftType) Minutes() int {
	d := s.End - s.Start
	if d <= 0 {
		d += 24 * 60
	}
	return d
}

// CrossesMidnight reports whether the shift ends on the next day.
func (s ShiftType) CrossesMidnight() bool { return s.End <= s.Start }

// Span is when the shift runs on day (a date at midnight in any zone; its
// year, month and day are read) in loc.
func (s ShiftType) Span(day time.Time, loc *time.Location) (time.Time, time.Time) {
	y, m, d := day.Date()
	start := time.Date(y, m, d, s.Start/60, s.Start%60, 0, 0, loc)
	return start, start.Add(time.Duration(s.Minutes()) * time.Minute)
}

// Clock writes minutes from midnight as 15:04.
func Clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60%24, min%60) }

// ParseClock reads 15:04 into minutes from midnight.
func ParseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// Agent is one person on the rota.
type Agent struct {
	ID    int64
	Team  string
	Leave map[int]bool // day indexes of approved leave
	Phase int          // which shift type the agent starts with in week 0
}

// Params are the shop's rules.
type Params struct {
	Types          []ShiftType // in rotation order: early, late, ...
	MinRest        time.Duration
	MaxWeeklyHours int
	DaysOff        int // per week the generator gives
	Loc            *time.Location
	// CoverTeams are the teams that must have someone on every shift type
	// every day; nil means every team on the rota.
	CoverTeams []string
}

// DefaultParams are the domain digest's defaults.
func DefaultParams() Params {
	return Params{
		Types:          []ShiftType{{Code: "early", Start: 9*60 + 30, End: 18*60 + 30}, {Code: "late", Start: 13*60 + 30, End: 22*60 + 30}},
		MinRest:        11 * time.Hour,
		MaxWeeklyHours: 54,
		DaysOff:        2,
		Loc:            time.UTC,
	}
}

// Type finds a shift type by code.
func (p Params) Type(code string) (ShiftType, bool) {
	for _, t := range p.Types {
		if t.Code == code {
			return t, true
		}
	}
	return ShiftType{}, false
}

// Rota is a run of days from Start (a Monday, the first day of week 0) and
// each agent's cell per day: a shift type code, Rest or Leave.
type Rota struct {
	Start  time.Time
	Days   int
	Agents []Agent
	Cells  map[int64][]string
}

// New returns an empty rota (everyone resting) of weeks weeks.
func New(start time.Time, weeks int, agents []Agent) Rota {
	r := Rota{Start: start, Days: weeks * 7, Agents: agents, Cells: map[int64][]string{}}
	for _, a := range agents {
		r.Cells[a.ID] = make([]string, r.Days)
	}
	return r
}

// Day is the date of day index i.
func (r Rota) Day(i int) time.Time { return r.Start.AddDate(0, 0, i) }

// Clone copies the rota so a proposed change can be checked without
// touching the original.
func (r Rota) Clone() Rota {
	out := r
	out.Cells = make(map[int64][]string, len(r.Cells))
	for id, cs := range r.Cells {
		out.Cells[id] = append([]string(nil), cs...)
	}
	return out
}

// Working reports whether a cell is a shift.
func Working(cell string) bool { return cell != Rest && cell != Leave }

// Weekend reports whether day index i falls on a Saturday or Sunday.
func (r Rota) Weekend(i int) bool {
	wd := r.Day(i).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}
