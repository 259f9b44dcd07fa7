package erlang

import (
	"math"
	"testing"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.5f, want %.5f (±%g)", what, got, want, tol)
	}
}

// The published worked example: 100 calls in 30 minutes, AHT 180 s, 14
// agents, answer target 20 s.
func TestPublishedExample(t *testing.T) {
	a := Traffic(100, 180, 1800)
	near(t, "A", a, 10, 1e-12)
	near(t, "Pw", Wait(14, a), 0.1741, 0.00005)
	near(t, "SL", ServiceLevel(14, a, 180, 20), 0.8884, 0.00005)
	near(t, "ASA", ASA(14, a, 180), 7.84, 0.005)
}

// The same example through Agents: 80% in 20 s needs 14 agents (SL at 13 is
// 0.7956, just below target; at 14 it is 0.8884), and with 30% shrinkage
// 14/0.7 = 20 scheduled.
func TestAgentsSmallestReachingTarget(t *testing.T) {
	tg := Target{AnswerSeconds: 20, Share: 0.8, AHTSeconds: 180, Shrinkage: 0.3, Concurrency: 1}
	n := Agents(100, 1800, tg)
	if ServiceLevel(n.Agents, n.Traffic, 180, 20) < 0.8 {
		t.Fatalf("N=%d misses the target", n.Agents)
	}
	if ServiceLevel(n.Agents-1, n.Traffic, 180, 20) >= 0.8 {
		t.Fatalf("N=%d is not the smallest", n.Agents)
	}
	if n.Agents != 14 || n.Scheduled != 20 {
		t.Fatalf("agents %d scheduled %d, want 14 and 20", n.Agents, n.Scheduled)
	}
	near(t, "SL at 13", ServiceLevel(13, 10, 180, 20), 0.7956, 0.00005)
	tg.Share = 0.79
	if got := Agents(100, 1800, tg).Agents; got != 13 {
		t.Fatalf("79%% target: %d agents, want 13", got)
	}
}

func TestErlangBKnownValue(t *testing.T) {
	// Erlang B table: A = 2 erlangs, 4 servers: 0.0952.
	near(t, "B(4,2)", ErlangB(4, 2), 0.09524, 0.00001)
}

func TestConcurrencyShortensHandling(t *testing.T) {
	tg := Target{AnswerSeconds: 300, Share: 0.8, AHTSeconds: 300, Concurrency: 3}
	near(t, "factor", tg.Factor(), 2.5, 0)
	near(t, "effective AHT", tg.EffectiveAHT(), 120, 1e-9)
	alone := Agents(200, 1800, Target{AnswerSeconds: 300, Share: 0.8, AHTSeconds: 300, Concurrency: 1})
	three := Agents(200, 1800, tg)
	if three.Agents >= alone.Agents {
		t.Fatalf("3 chats at once needs %d agents, alone %d", three.Agents, alone.Agents)
	}
	tg.Concurrency = 9 // beyond the table: the last factor
	near(t, "factor 9", tg.Factor(), 3.5, 0)
}

func TestNoContactsNoAgents(t *testing.T) {
	n := Agents(0, 1800, Target{AnswerSeconds: 20, Share: 0.8, AHTSeconds: 180, Concurrency: 1})
	if n.Agents != 0 || n.Scheduled != 0 {
		t.Fatalf("%+v", n)
	}
}

func TestGross(t *testing.T) {
	for _, c := range []struct {
		n    int
		s    float64
		want int
	}{{7, 0.3, 10}, {13, 0.3, 19}, {5, 0, 5}, {1, 0.5, 2}} {
		if got := Gross(c.n, c.s); got != c.want {
			t.Errorf("Gross(%d, %v) = %d, want %d", c.n, c.s, got, c.want)
		}
	}
}

func TestD11Forecast(t *testing.T) {
	// October 1,200 a day this year; last year 9,000 on D11 against a
	// 1,000 October average: 1,200 x 9 = 10,800.
	got, ok := D11(1200, 9000, 1000)
	if !ok || math.Abs(got-10800) > 1e-9 {
		t.Fatalf("D11 = %v %v", got, ok)
	}
	if _, ok := D11(1200, 0, 1000); ok {
		t.Fatal("no last-year figure must not forecast")
	}
}

func TestSpreadKeepsTotalAndShape(t *testing.T) {
	counts := Bin([]int{0, 10, 20, 65, 23*60 + 59}, 30)
	if len(counts) != 48 || counts[0] != 3 || counts[1] != 0 || counts[2] != 1 || counts[47] != 1 {
		t.Fatalf("bins %v", counts)
	}
	parts := Spread(1000, Shape(counts))
	sum := 0.0
	for _, p := range parts {
		sum += p
	}
	near(t, "sum", sum, 1000, 1e-9)
	near(t, "first interval", parts[0], 600, 1e-9)
	flat := Shape(make([]float64, 4))
	near(t, "flat", flat[2], 0.25, 0)
	if len(Bin(nil, 15)) != 96 || len(Bin(nil, 60)) != 24 {
		t.Fatal("interval counts")
	}
}

func BenchmarkAgentsBigInterval(b *testing.B) {
	tg := Target{AnswerSeconds: 300, Share: 0.8, AHTSeconds: 240, Shrinkage: 0.3, Concurrency: 3, Factors: DefaultFactors}
	for b.Loop() {
		Agents(5000, 900, tg)
	}
}

func BenchmarkDayOf15MinuteIntervals(b *testing.B) {
	tg := Target{AnswerSeconds: 300, Share: 0.8, AHTSeconds: 240, Shrinkage: 0.3, Concurrency: 3}
	parts := Spread(60000, Shape(Bin([]int{60, 600, 900, 1200, 1300}, 15)))
	for b.Loop() {
		for _, c := range parts {
			Agents(c, 900, tg)
		}
	}
}
