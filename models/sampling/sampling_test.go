package sampling

import (
	"fmt"
	"reflect"
	"testing"
)

func candidates(agents map[string]int) []Candidate {
	var out []Candidate
	id := int64(1)
	for _, a := range []string{"阿华", "小美", "新人"} {
		for i := 0; i < agents[a]; i++ {
			out = append(out, Candidate{ChatID: id, Agent: a})
			id++
		}
	}
	return out
}

func TestDrawQuotasAndWeighting(t *testing.T) {
	c := candidates(map[string]int{"阿华": 30, "小美": 30, "新人": 30})
	rates := map[string]float64{"阿华": 0.98, "小美": 0.96, "新人": 0.80}
	avg := (0.98 + 0.96 + 0.80) / 3
	picks := Draw(c, rates, avg, Plan{PerAgent: 3, LowWeight: 2, Seed: 42}, []int64{7, 9}, nil)
	per := map[string]int{}
	for _, p := range picks {
		per[p.Agent]++
	}
	if per["阿华"] != 3 || per["小美"] != 3 || per["新人"] != 6 {
		t.Errorf("per agent %v: the agent below the average should get twice the quota", per)
	}
	ins := map[int64]int{}
	for _, p := range picks {
		ins[p.Inspector]++
	}
	if ins[7] != 6 || ins[9] != 6 {
		t.Errorf("inspectors %v, want 6 each", ins)
	}
}

func TestDrawIsReproducibleAndIndependent(t *testing.T) {
	c := candidates(map[string]int{"阿华": 20, "小美": 20})
	p := Plan{PerAgent: 4, LowWeight: 2, Seed: 7}
	a := Draw(c, nil, 0, p, []int64{1}, nil)
	b := Draw(c, nil, 0, p, []int64{1}, nil)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same inputs, different draws")
	}
	other := Draw(c, nil, 0, Plan{PerAgent: 4, Seed: 8}, []int64{1}, nil)
	if reflect.DeepEqual(a, other) {
		t.Error("a different seed drew the same chats")
	}
	// More candidates for 小美 do not change 阿华's picks.
	more := append(c, Candidate{ChatID: 999, Agent: "小美"})
	pick := func(ps []Pick, agent string) string {
		var s []int64
		for _, p := range ps {
			if p.Agent == agent {
				s = append(s, p.ChatID)
			}
		}
		return fmt.Sprint(s)
	}
	if pick(a, "阿华") != pick(Draw(more, nil, 0, p, []int64{1}, nil), "阿华") {
		t.Error("one agent's draw depends on another's candidates")
	}
}

func TestDrawTakesWhatThereIsAndBalancesExistingLoad(t *testing.T) {
	c := candidates(map[string]int{"阿华": 2})
	picks := Draw(c, nil, 0, Plan{PerAgent: 5, Seed: 1}, []int64{3, 4}, map[int64]int{3: 5})
	if len(picks) != 2 {
		t.Fatalf("picks %d, want all 2 candidates", len(picks))
	}
	for _, p := range picks {
		if p.Inspector != 4 {
			t.Errorf("pick went to the busier inspector: %+v", p)
		}
	}
	if Draw(c, nil, 0, Plan{PerAgent: 1}, nil, nil) != nil {
		t.Error("no inspectors should draw nothing")
	}
}

func BenchmarkDraw(b *testing.B) {
	var c []Candidate
	for i := 0; i < 50000; i++ {
		c = append(c, Candidate{ChatID: int64(i), Agent: fmt.Sprintf("agent%03d", i%300)})
	}
	b.ReportAllocs()
	for b.Loop() {
		Draw(c, nil, 0, Plan{PerAgent: 5, LowWeight: 2, Seed: 1}, []int64{1, 2, 3, 4, 5}, nil)
	}
}
