package scoring

import (
	"math"
	"testing"
)

func TestAlpha(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-3 }
	if a, ok := Alpha([][]float64{{1, 1}, {0, 0}, {0.5, 0.5}}); !ok || a != 1 {
		t.Errorf("perfect agreement: %v %v", a, ok)
	}
	if a, ok := Alpha([][]float64{{1, 1}, {1, 1}}); !ok || a != 1 {
		t.Errorf("no variation: %v", a)
	}
	// Two coders, four units, worked by hand:
	// values 1,0 | 1,1 | 0,0 | 0,1 → n=8, Σv=4, Σv²=4
	// Do = 1/8 · (2 + 0 + 0 + 2) = 0.5; De = (2·8·4 − 2·16)/(8·7) = 32/56
	// alpha = 1 − 0.5/(32/56) = 0.125
	if a, _ := Alpha([][]float64{{1, 0}, {1, 1}, {0, 0}, {0, 1}}); !near(a, 0.125) {
		t.Errorf("hand example: %v, want 0.125", a)
	}
	// Systematic disagreement goes below zero.
	if a, _ := Alpha([][]float64{{1, 0}, {0, 1}}); a >= 0 {
		t.Errorf("opposite ratings: %v, want < 0", a)
	}
	if _, ok := Alpha([][]float64{{1}, {0}}); ok {
		t.Error("single ratings are not pairable")
	}
	if s := Spread([]float64{0, 1}); !near(s, 0.5) {
		t.Errorf("spread %v", s)
	}
}
