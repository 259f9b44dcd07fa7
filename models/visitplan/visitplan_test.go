package visitplan

import (
	"testing"
	"time"
)

func loads(m map[int64]int64) map[int64]int {
	out := map[int64]int{}
	for _, a := range m {
		out[a]++
	}
	return out
}

func TestAssignBalancesAndPrefersLastAgent(t *testing.T) {
	// Seven customers, three agents; five of them last chatted with agent 1.
	cs := []Customer{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 2}, {7, 99}}
	got := Assign(cs, []int64{1, 2, 3})
	l := loads(got)
	if l[1] != 3 || l[2] != 2 || l[3] != 2 {
		t.Fatalf("loads %v, want 3/2/2", l)
	}
	// The first three of agent 1's buyers stay with them; customer 6 stays with agent 2.
	for _, c := range []int64{1, 2, 3} {
		if got[c] != 1 {
			t.Errorf("customer %d went to %d, want their last agent 1", c, got[c])
		}
	}
	if got[6] != 2 {
		t.Errorf("customer 6 went to %d, want 2", got[6])
	}
	// Agent 99 was not picked: customer 7 goes to whoever has room.
	if got[7] == 99 {
		t.Errorf("customer 7 given to an agent not picked")
	}
}

func TestAssignNeverMoreThanOneApart(t *testing.T) {
	for n := 0; n < 40; n++ {
		for k := 1; k <= 6; k++ {
			var cs []Customer
			for i := 0; i < n; i++ {
				cs = append(cs, Customer{ID: int64(i + 1), LastAgent: int64(i%2 + 1)}) // everyone prefers agent 1 or 2
			}
			var agents []int64
			for a := 1; a <= k; a++ {
				agents = append(agents, int64(a))
			}
			got := Assign(cs, agents)
			if len(got) != n {
				t.Fatalf("n=%d k=%d: %d assigned", n, k, len(got))
			}
			lo, hi := n, 0
			for _, a := range agents {
				lo, hi = min(lo, loads(got)[a]), max(hi, loads(got)[a])
			}
			if hi-lo > 1 {
				t.Errorf("n=%d k=%d: loads from %d to %d", n, k, lo, hi)
			}
		}
	}
}

func TestDueDatesStayInPeriod(t *testing.T) {
	first := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	ds := DueDates(10, first, last)
	if !ds[0].Equal(first) || ds[1].Day() != 4 || ds[9].Day() != 28 {
		t.Errorf("due dates %v", ds)
	}
	for _, d := range DueDates(45, first, last) {
		if d.Before(first) || d.After(last) {
			t.Errorf("due %v outside the period", d)
		}
	}
}
