package rota

import (
	"math/rand/v2"
	"testing"
	"time"
)

var monday = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func shanghai(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// randomTeams builds 1-4 teams of 4-9 agents; with leave, some agents get
// a few random leave days.
func randomTeams(rng *rand.Rand, days int, leave bool) []Agent {
	var out []Agent
	id := int64(1)
	teams := []string{"presales", "aftersales", "assistance", "phone"}
	for _, team := range teams[:1+rng.IntN(4)] {
		n := 4 + rng.IntN(6)
		for range n {
			a := Agent{ID: id, Team: team, Leave: map[int]bool{}}
			if leave && rng.IntN(3) == 0 {
				start := rng.IntN(days)
				for d := start; d < min(days, start+1+rng.IntN(4)); d++ {
					a.Leave[d] = true
				}
			}
			out = append(out, a)
			id++
		}
	}
	return out
}

func byRule(vs []Violation) map[string]int {
	out := map[string]int{}
	for _, v := range vs {
		out[v.Rule]++
	}
	return out
}

// Property: over random teams, weeks and rest minimums, a generated rota
// breaks none of the rules, and each agent's shift type alternates weekly.
func TestGeneratedRotaKeepsEveryRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 11))
	loc := shanghai(t)
	for i := range 300 {
		weeks := 1 + rng.IntN(6)
		p := DefaultParams()
		p.Loc = loc
		p.MinRest = time.Duration(8+rng.IntN(6)) * time.Hour // 8..13 h: above 11 the week change needs a day off
		r := Generate(New(monday, weeks, randomTeams(rng, weeks*7, false)), p)
		if vs := Check(r, p); len(vs) > 0 {
			t.Fatalf("case %d (%d weeks, min rest %v): %d violations, first %+v", i, weeks, p.MinRest, len(vs), vs[0])
		}
		for _, a := range r.Agents {
			var prev string
			for w := range weeks {
				code := weekCode(r.Cells[a.ID][w*7 : w*7+7])
				if code == "" {
					t.Fatalf("case %d: agent %d works no day in week %d", i, a.ID, w)
				}
				if w > 0 && code == prev {
					t.Fatalf("case %d: agent %d has %s two weeks running", i, a.ID, code)
				}
				prev = code
			}
		}
	}
}

func weekCode(cells []string) string {
	for _, c := range cells {
		if Working(c) {
			return c
		}
	}
	return ""
}

// Property: with leave, nobody is rostered on a leave day, rest and hours
// still hold; a day lacks cover only in a week where someone of that team is
// on leave (their days off then crowd the rest of the group's).
func TestGeneratedRotaRespectsLeave(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 21))
	for i := range 300 {
		weeks := 1 + rng.IntN(5)
		p := DefaultParams()
		agents := randomTeams(rng, weeks*7, true)
		r := Generate(New(monday, weeks, agents), p)
		for _, v := range Check(r, p) {
			if v.Rule != RuleCover {
				t.Fatalf("case %d: %+v", i, v)
			}
			onLeave := false
			for _, a := range agents {
				for d := range a.Leave {
					if a.Team == v.Team && d/7 == v.Day/7 {
						onLeave = true
					}
				}
			}
			if !onLeave {
				t.Fatalf("case %d: team %s lacks %s on day %d with nobody on leave that week", i, v.Team, v.Shift, v.Day)
			}
		}
		for _, a := range agents {
			for d := range a.Leave {
				if r.Cells[a.ID][d] != Leave {
					t.Fatalf("case %d: agent %d day %d is %q, on leave", i, a.ID, d, r.Cells[a.ID][d])
				}
			}
		}
	}
}

// maxWeekendGap bounds how far apart weekend days worked drift in a team,
// however many weeks: the agent with most weekends worked rests first.
const maxWeekendGap = 4

// Property: over an even number of weeks late shifts are shared exactly by
// shift count in a week, and weekend days within two of each other.
func TestGeneratedRotaSharesFairly(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	for i := range 200 {
		weeks := 2 * (1 + rng.IntN(4))
		p := DefaultParams()
		r := Generate(New(monday, weeks, randomTeams(rng, weeks*7, false)), p)
		lates, weekends := Spread(Fairness(r, p))
		for team, gap := range lates {
			if gap > p.DaysOff {
				t.Errorf("case %d team %s: late shifts differ by %d", i, team, gap)
			}
			if weekends[team] > maxWeekendGap {
				t.Errorf("case %d team %s (%d weeks): weekend days differ by %d", i, team, weeks, weekends[team])
			}
		}
	}
}

// Property: any late shift followed by an early one the next day breaks the
// minimum rest when it is above the 11 h gap, and never when at or below.
func TestCheckFindsShortRest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	p := DefaultParams()
	p.Loc = shanghai(t)
	for range 200 {
		r := New(monday, 2, []Agent{{ID: 1, Team: "x"}})
		d := 1 + rng.IntN(12)
		r.Cells[1][d-1], r.Cells[1][d] = "late", "early"
		hours := 9 + rng.IntN(5)
		p.MinRest = time.Duration(hours) * time.Hour
		got := byRule(Check(r, p))[RuleMinRest]
		want := 0
		if hours > 11 {
			want = 1
		}
		if got != want {
			t.Fatalf("min rest %d h: %d violations, want %d", hours, got, want)
		}
	}
}

// A night shift crossing midnight ends the next morning: an early shift
// that day is too soon.
func TestNightShiftCrossesMidnight(t *testing.T) {
	p := DefaultParams()
	p.Types = append(p.Types, ShiftType{Code: "night", Start: 22 * 60, End: 7 * 60})
	if !p.Types[2].CrossesMidnight() || p.Types[2].Minutes() != 9*60 {
		t.Fatal("night shift length")
	}
	r := New(monday, 1, []Agent{{ID: 1, Team: "x"}})
	r.Cells[1][0], r.Cells[1][1] = "night", "early"
	vs := Check(r, p)
	if byRule(vs)[RuleMinRest] != 1 {
		t.Fatalf("%+v", vs)
	}
	for _, v := range vs {
		if v.Rule == RuleMinRest && (v.Day != 1 || v.Detail != "2.5") {
			t.Fatalf("%+v: want day 1 with 2.5 h of rest", v)
		}
	}
}

func TestCheckRestDayLeaveHoursAndCover(t *testing.T) {
	p := DefaultParams()
	r := New(monday, 2, []Agent{{ID: 1, Team: "x", Leave: map[int]bool{3: true}}, {ID: 2, Team: "x"}})
	for d := range 8 {
		r.Cells[1][d] = "early"
	}
	got := byRule(Check(r, p))
	if got[RuleRestDay] != 2 || got[RuleLeave] != 1 || got[RuleWeeklyHours] != 1 {
		t.Fatalf("%v", got)
	}
	// Nobody late in 14 days, nobody early on days 8-13.
	if got[RuleCover] != 14+6 {
		t.Fatalf("cover %d", got[RuleCover])
	}
}

func TestIntroducedIgnoresOldProblems(t *testing.T) {
	p := DefaultParams()
	p.MinRest = 12 * time.Hour
	r := Generate(New(monday, 2, randomTeams(rand.New(rand.NewPCG(9, 9)), 14, false)), p)
	before := Check(r, p)
	after := r.Clone()
	id := r.Agents[0].ID
	for d := range 14 {
		if after.Cells[id][d] == Rest {
			after.Cells[id][d] = "late"
			if d+1 < 14 {
				after.Cells[id][d+1] = "early"
			}
			break
		}
	}
	news := Introduced(before, Check(after, p))
	if len(news) == 0 {
		t.Fatal("an edit that breaks the rest rule was not reported")
	}
	if len(Introduced(before, before)) != 0 {
		t.Fatal("old problems reported as new")
	}
	if r.Cells[id][0] == "" && after.Cells[id][0] == "late" {
		t.Fatal("Clone shares cells")
	}
}

func TestClock(t *testing.T) {
	m, ok := ParseClock("13:30")
	if !ok || m != 810 || Clock(m) != "13:30" {
		t.Fatal(m, ok)
	}
	if _, ok := ParseClock("25:00"); ok {
		t.Fatal("25:00 accepted")
	}
}

func BenchmarkGenerate(b *testing.B) {
	agents := randomTeams(rand.New(rand.NewPCG(1, 1)), 56, true)
	p := DefaultParams()
	for b.Loop() {
		Check(Generate(New(monday, 8, agents), p), p)
	}
}

func TestCoverOnlyForCoverTeams(t *testing.T) {
	p := DefaultParams()
	r := New(monday, 1, []Agent{{ID: 1, Team: "qc"}, {ID: 2, Team: "presales"}})
	if got := byRule(Check(r, p))[RuleCover]; got != 2*2*7 {
		t.Fatalf("every team: %d", got)
	}
	p.CoverTeams = []string{"presales"}
	vs := Check(r, p)
	for _, v := range vs {
		if v.Team == "qc" {
			t.Fatalf("qc must not need cover: %+v", v)
		}
	}
	if len(vs) != 2*7 {
		t.Fatalf("%d", len(vs))
	}
}

// A team of two (one agent per shift) cannot cover both shifts on days
// off, but its days off do not fall together: someone is always on.
func TestSmallTeamKeepsSomeoneOn(t *testing.T) {
	p := DefaultParams()
	r := Generate(New(monday, 4, []Agent{{ID: 1, Team: "x"}, {ID: 2, Team: "x"}}), p)
	for d := range r.Days {
		if !Working(r.Cells[1][d]) && !Working(r.Cells[2][d]) {
			t.Fatalf("day %d: nobody on (%v / %v)", d, r.Cells[1], r.Cells[2])
		}
	}
	if lates, weekends := Spread(Fairness(r, p)); lates["x"] != 0 || weekends["x"] > 2 {
		t.Fatalf("lates gap %d weekends gap %d", lates["x"], weekends["x"])
	}
}
