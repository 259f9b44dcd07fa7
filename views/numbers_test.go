package views

import (
	"fmt"
	"math"
	"testing"
)

// The appending formatters print what their fmt forms did.
func TestNumberFormattersMatchFmt(t *testing.T) {
	for _, fen := range []int64{0, 1, 9, 10, 99, 100, 101, 123456789, -1, -99, -100, -12345, math.MaxInt64, math.MinInt64 + 1} {
		sign, abs := "", fen
		if fen < 0 {
			sign, abs = "-", -fen
		}
		if want := fmt.Sprintf("%s¥%d.%02d", sign, abs/100, abs%100); Yuan(fen) != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, Yuan(fen), want)
		}
	}
	if got := Yuan(math.MinInt64); got != "-¥92233720368547758.08" {
		t.Errorf("Yuan(MinInt64) = %q", got)
	}
	for _, f := range []float64{0, 0.1234, 0.5, 0.99949, 0.99951, 1, 1.5, -0.25, 0.0005, 12.345, math.NaN(), math.Inf(1)} {
		if want := fmt.Sprintf("%.1f%%", 100*f); Pct(f) != want {
			t.Errorf("Pct(%v) = %q, want %q", f, Pct(f), want)
		}
		if want := fmt.Sprintf("%.1f%%", f); Score1(f) != want {
			t.Errorf("Score1(%v) = %q, want %q", f, Score1(f), want)
		}
	}
	for _, tc := range []struct {
		f    float64
		want string
	}{{0, "0"}, {3, "3"}, {2.5, "2.5"}, {1234.25, "1234.2"}, {0.33333, "0.3"}} {
		if got := Orders1(tc.f); got != tc.want {
			t.Errorf("Orders1(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}
