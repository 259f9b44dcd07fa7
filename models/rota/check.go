package rota

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Rule names, also the message keys' last part on the pages.
const (
	RuleCover       = "cover"
	RuleRestDay     = "rest_day"
	RuleMinRest     = "min_rest"
	RuleLeave       = "leave"
	RuleWeeklyHours = "weekly_hours"
	RuleUnknown     = "unknown_shift"
)

// Violation is one broken rule: which rule, whom (AgentID 0 for a team's
// cover), where (day index) and the figures to explain it.
type Violation struct {
	Rule    string
	AgentID int64
	Team    string
	Day     int
	Shift   string
	Detail  string // a figure: hours of rest, hours worked, days in a row
}

// Key identifies a violation so a change's new violations can be told from
// old ones.
func (v Violation) Key() string {
	return fmt.Sprintf("%s|%d|%s|%d|%s", v.Rule, v.AgentID, v.Team, v.Day, v.Shift)
}

// Check lists every rule the rota breaks, ordered by day, rule and agent.
func Check(r Rota, p Params) []Violation {
	var out []Violation
	out = append(out, checkCover(r, p)...)
	for _, a := range r.Agents {
		out = append(out, checkAgent(r, p, a)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		return out[i].AgentID < out[j].AgentID
	})
	return out
}

// Introduced lists the violations of after that before did not have: what a
// change breaks. Old problems do not block an unrelated swap.
func Introduced(before, after []Violation) []Violation {
	had := map[string]bool{}
	for _, v := range before {
		had[v.Key()] = true
	}
	var out []Violation
	for _, v := range after {
		if !had[v.Key()] {
			out = append(out, v)
		}
	}
	return out
}

func checkCover(r Rota, p Params) []Violation {
	teams := map[string]bool{}
	var order []string
	for _, a := range r.Agents {
		if !teams[a.Team] {
			teams[a.Team] = true
			order = append(order, a.Team)
		}
	}
	sort.Strings(order)
	if p.CoverTeams != nil {
		order = slices.DeleteFunc(order, func(t string) bool { return !slices.Contains(p.CoverTeams, t) })
	}
	var out []Violation
	for d := 0; d < r.Days; d++ {
		for _, team := range order {
			for _, st := range p.Types {
				on := false
				for _, a := range r.Agents {
					if a.Team == team && r.Cells[a.ID][d] == st.Code {
						on = true
						break
					}
				}
				if !on {
					out = append(out, Violation{Rule: RuleCover, Team: team, Day: d, Shift: st.Code})
				}
			}
		}
	}
	return out
}

func checkAgent(r Rota, p Params, a Agent) []Violation {
	var out []Violation
	cells := r.Cells[a.ID]
	run := 0
	var prevEnd time.Time
	for d := 0; d < r.Days && d < len(cells); d++ {
		c := cells[d]
		if !Working(c) {
			run = 0
			prevEnd = time.Time{}
			continue
		}
		st, ok := p.Type(c)
		if !ok {
			out = append(out, Violation{Rule: RuleUnknown, AgentID: a.ID, Team: a.Team, Day: d, Shift: c})
			run, prevEnd = run+1, time.Time{}
			continue
		}
		if a.Leave[d] {
			out = append(out, Violation{Rule: RuleLeave, AgentID: a.ID, Team: a.Team, Day: d, Shift: c})
		}
		run++
		if run >= 7 {
			out = append(out, Violation{Rule: RuleRestDay, AgentID: a.ID, Team: a.Team, Day: d, Shift: c, Detail: fmt.Sprint(run)})
		}
		start, end := st.Span(r.Day(d), p.Loc)
		if !prevEnd.IsZero() && start.Sub(prevEnd) < p.MinRest {
			out = append(out, Violation{Rule: RuleMinRest, AgentID: a.ID, Team: a.Team, Day: d, Shift: c,
				Detail: fmt.Sprintf("%.1f", start.Sub(prevEnd).Hours())})
		}
		prevEnd = end
	}
	if p.MaxWeeklyHours > 0 {
		for w := 0; w*7 < r.Days; w++ {
			mins := 0
			for d := w * 7; d < w*7+7 && d < len(cells); d++ {
				if st, ok := p.Type(cells[d]); ok {
					mins += st.Minutes()
				}
			}
			if mins > p.MaxWeeklyHours*60 {
				out = append(out, Violation{Rule: RuleWeeklyHours, AgentID: a.ID, Team: a.Team, Day: w * 7, Detail: fmt.Sprintf("%.1f", float64(mins)/60)})
			}
		}
	}
	return out
}

// WeeklyMinutes is how long agent id works in week w.
func WeeklyMinutes(r Rota, p Params, id int64, w int) int {
	mins := 0
	cells := r.Cells[id]
	for d := w * 7; d < w*7+7 && d < len(cells); d++ {
		if st, ok := p.Type(cells[d]); ok {
			mins += st.Minutes()
		}
	}
	return mins
}

// RuleSameHours is broken when a swap changes someone's weekly hours.
const RuleSameHours = "same_hours"

// SameHours lists the agents among ids whose hours in some week differ
// between before and after: a swap exchanges shifts, it does not move work.
func SameHours(before, after Rota, p Params, ids []int64) []Violation {
	var out []Violation
	for _, id := range ids {
		for w := 0; w*7 < before.Days; w++ {
			b, a := WeeklyMinutes(before, p, id, w), WeeklyMinutes(after, p, id, w)
			if a != b {
				out = append(out, Violation{Rule: RuleSameHours, AgentID: id, Day: w * 7,
					Detail: fmt.Sprintf("%.1f→%.1f", float64(b)/60, float64(a)/60)})
			}
		}
	}
	return out
}
