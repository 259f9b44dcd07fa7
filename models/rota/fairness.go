package rota

import "sort"

// Share is one agent's load: shifts, late shifts (every type after the
// first counts as late) and weekend days worked.
type Share struct {
	AgentID  int64
	Team     string
	Shifts   int
	Lates    int
	Weekends int
}

// Fairness counts each agent's shifts, lates and weekend days.
func Fairness(r Rota, p Params) []Share {
	out := make([]Share, 0, len(r.Agents))
	for _, a := range r.Agents {
		s := Share{AgentID: a.ID, Team: a.Team}
		for d, c := range r.Cells[a.ID] {
			if !Working(c) {
				continue
			}
			s.Shifts++
			if len(p.Types) > 0 && c != p.Types[0].Code {
				s.Lates++
			}
			if r.Weekend(d) {
				s.Weekends++
			}
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Team < out[j].Team })
	return out
}

// Spread is the gap between the most and the least loaded agent of each
// team, for late shifts and weekend days: the fairness figure shown.
func Spread(shares []Share) (lates, weekends map[string]int) {
	lates, weekends = map[string]int{}, map[string]int{}
	type mm struct{ lo, hi, wlo, whi int }
	seen := map[string]*mm{}
	for _, s := range shares {
		m, ok := seen[s.Team]
		if !ok {
			m = &mm{s.Lates, s.Lates, s.Weekends, s.Weekends}
			seen[s.Team] = m
		}
		m.lo, m.hi = min(m.lo, s.Lates), max(m.hi, s.Lates)
		m.wlo, m.whi = min(m.wlo, s.Weekends), max(m.whi, s.Weekends)
	}
	for t, m := range seen {
		lates[t], weekends[t] = m.hi-m.lo, m.whi-m.wlo
	}
	return lates, weekends
}
