package rota

import "sort"

// Generate fills a rota of weeks weeks: each agent's shift type rotates
// weekly (early, late, early, ...), starting from their Phase; within each
// team and shift the days off are staggered so someone is always on; days
// off fall first where a shift change would leave too little rest, then to
// whoever has worked the most weekends so far (fairness); approved leave
// is kept as Leave and counts as time off.
func Generate(r Rota, p Params) Rota {
	r = r.Clone()
	weeks := (r.Days + 6) / 7
	weekendWorked := map[int64]int{}
	byTeam := map[string][]Agent{}
	var teams []string
	for _, a := range r.Agents {
		if _, ok := byTeam[a.Team]; !ok {
			teams = append(teams, a.Team)
		}
		byTeam[a.Team] = append(byTeam[a.Team], a)
	}
	sort.Strings(teams)
	k := len(p.Types)
	if k == 0 {
		return r
	}
	for w := 0; w < weeks; w++ {
		for _, team := range teams {
			groups := make([][]Agent, k)
			for i, a := range byTeam[team] {
				// Half a team starts early, half late, so both shifts are
				// covered from week 0; Phase lets a rota continue an old one.
				t := (i + a.Phase + w) % k
				groups[t] = append(groups[t], a)
			}
			// The group whose agents worked the most weekends chooses first,
			// so where groups compete (a shift held by one agent) weekends
			// off go round the team.
			order := make([]int, k)
			for t := range order {
				order[t] = t
			}
			load := func(g []Agent) int {
				n := 0
				for _, a := range g {
					n += weekendWorked[a.ID]
				}
				return n * 1000 / max(1, len(g))
			}
			sort.SliceStable(order, func(i, j int) bool { return load(groups[order[i]]) > load(groups[order[j]]) })
			teamOff := map[int]int{}
			for _, t := range order {
				planWeek(&r, p, w, p.Types[t].Code, groups[t], weekendWorked, teamOff)
			}
		}
	}
	return r
}

// planWeek gives each agent of one team-and-shift group their week: the
// shift on working days, DaysOff days off chosen so the group's days off
// do not pile up on one day.
//
// teamOff counts the team's days off so far this week. A shift held by one
// agent alone goes uncovered on their days off whatever is chosen; those
// days then avoid the team's other days off, so someone of the team is on.
func planWeek(r *Rota, p Params, w int, code string, group []Agent, weekendWorked map[int64]int, teamOff map[int]int) {
	first, last := w*7, min(w*7+7, r.Days)
	off := map[int]int{} // day -> how many of the group are off
	for _, a := range group {
		for d := first; d < last; d++ {
			if a.Leave[d] {
				off[d]++
			}
		}
	}
	// The agent with the most weekends worked chooses first, so they get the
	// weekend off when the group cannot all have it.
	order := append([]Agent(nil), group...)
	sort.SliceStable(order, func(i, j int) bool { return weekendWorked[order[i].ID] > weekendWorked[order[j].ID] })
	for _, a := range order {
		cells := r.Cells[a.ID]
		days := map[int]bool{}
		need := p.DaysOff
		for d := first; d < last; d++ {
			if a.Leave[d] {
				days[d] = true
				need--
			}
		}
		// Too little rest after last week's final shift: the first day off.
		if !a.Leave[first] && first > 0 && tooShort(*r, p, cells[first-1], code, first) {
			days[first] = true
			off[first]++
			need--
		}
		// A run of working days carried over from last week must end in
		// time: a day off within the first 6 - carry days.
		deadline := last - 1
		if carry := workedBefore(cells, first); carry > 0 {
			deadline = min(deadline, first+6-carry)
		}
		hasEarly := false
		for d := first; d <= deadline; d++ {
			hasEarly = hasEarly || days[d]
		}
		for ; need > 0 || !hasEarly; need-- {
			to := last
			if !hasEarly {
				to = deadline + 1
			}
			best, bestScore := -1, 0
			for d := first; d < to; d++ {
				if days[d] {
					continue
				}
				score := off[d] * 100
				if len(group) == 1 {
					score += teamOff[d] * 1000
				}
				if r.Weekend(d) {
					score -= weekendWorked[a.ID] * 10
				} else {
					score += 5 // prefer weekdays off only for whoever worked fewer weekends
				}
				// Keep days off together to leave long working runs short.
				if days[d-1] || days[d+1] {
					score -= 3
				}
				if best < 0 || score < bestScore {
					best, bestScore = d, score
				}
			}
			if best < 0 {
				break
			}
			days[best] = true
			off[best]++
			hasEarly = hasEarly || best <= deadline
		}
		for d := first; d < last; d++ {
			switch {
			case a.Leave[d]:
				cells[d] = Leave
			case days[d]:
				cells[d] = Rest
				teamOff[d]++
			default:
				cells[d] = code
				if r.Weekend(d) {
					weekendWorked[a.ID]++
				}
			}
		}
	}
}

// tooShort reports whether working code on day d after prev on d-1 leaves
// less than the minimum rest.
func tooShort(r Rota, p Params, prev, code string, d int) bool {
	pt, ok1 := p.Type(prev)
	nt, ok2 := p.Type(code)
	if !ok1 || !ok2 {
		return false
	}
	_, end := pt.Span(r.Day(d-1), p.Loc)
	start, _ := nt.Span(r.Day(d), p.Loc)
	return start.Sub(end) < p.MinRest
}

// workedBefore counts the working days in a row just before day d.
func workedBefore(cells []string, d int) int {
	n := 0
	for i := d - 1; i >= 0 && Working(cells[i]); i-- {
		n++
	}
	return n
}
