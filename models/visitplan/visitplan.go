// Package visitplan spreads a visit list's customers over the agents a
// manager picked: balanced by count (no agent gets more than one visit
// more than another), each customer going to the agent who last served
// them when that keeps the balance; and it spreads each agent's due dates
// over the period so the visits do not all fall due on day one.
package visitplan

import "time"

// Customer is one customer to visit and the agent who last served them in
// chat (0 when nobody known, or someone not picked).
type Customer struct {
	ID        int64
	LastAgent int64
}

// Assign returns, for each customer ID, the agent who visits them. Agents
// are tried in the order given when loads tie, so the result is the same
// every time for the same input.
func Assign(customers []Customer, agents []int64) map[int64]int64 {
	out := make(map[int64]int64, len(customers))
	if len(agents) == 0 {
		return out
	}
	base, extra := len(customers)/len(agents), len(customers)%len(agents)
	load := make(map[int64]int, len(agents))
	picked := make(map[int64]bool, len(agents))
	for _, a := range agents {
		picked[a] = true
	}
	// An agent may take one more while under the even share, or up to one
	// over it while the remainder still has places left.
	canTake := func(a int64) bool { return load[a] < base || load[a] == base && extra > 0 }
	take := func(c, a int64) {
		if load[a] == base {
			extra--
		}
		load[a]++
		out[c] = a
	}
	for _, c := range customers {
		if picked[c.LastAgent] && canTake(c.LastAgent) {
			take(c.ID, c.LastAgent)
		}
	}
	for _, c := range customers {
		if _, done := out[c.ID]; done {
			continue
		}
		var best int64
		for _, a := range agents {
			if canTake(a) && (best == 0 || load[a] < load[best]) {
				best = a
			}
		}
		take(c.ID, best)
	}
	return out
}

// DueDates spreads n visits over the days from first to last (both dates,
// time of day ignored): visit i is due on first + i*days/n, so an agent
// with ten visits in a month has one due every three days.
func DueDates(n int, first, last time.Time) []time.Time {
	days := int(last.Sub(first).Hours()/24+0.5) + 1
	if days < 1 {
		days = 1
	}
	out := make([]time.Time, n)
	for i := range out {
		out[i] = first.AddDate(0, 0, i*days/n)
	}
	return out
}
