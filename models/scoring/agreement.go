package scoring

import "math"

// Alpha is Krippendorff's alpha for interval data: how far inspectors
// agree beyond chance. units holds, per rated thing (one category of one
// chat), the values the inspectors gave (category scores 0..1); units with
// fewer than two values are left out, as the method says.
//
//	alpha = 1 - Do/De
//	Do = 1/n · Σ_units 1/(m_u−1) · Σ_{i≠j in u} (v_i − v_j)²
//	De = 1/(n(n−1)) · Σ_{i≠j over all pairable values} (v_i − v_j)²
//
// n is the number of pairable values. 1 is perfect agreement, 0 is what
// chance would give, below 0 is systematic disagreement. ok is false when
// nothing is pairable; with no variation at all alpha is 1.
func Alpha(units [][]float64) (alpha float64, ok bool) {
	var all []float64
	var do float64
	for _, u := range units {
		m := len(u)
		if m < 2 {
			continue
		}
		var s float64
		for i := range u {
			for j := range u {
				if i != j {
					d := u[i] - u[j]
					s += d * d
				}
			}
		}
		do += s / float64(m-1)
		all = append(all, u...)
	}
	n := len(all)
	if n < 2 {
		return 0, false
	}
	do /= float64(n)
	// Σ_{i≠j}(v_i−v_j)² = 2n·Σv² − 2(Σv)², without the O(n²) loop.
	var sum, sq float64
	for _, v := range all {
		sum += v
		sq += v * v
	}
	de := (2*float64(n)*sq - 2*sum*sum) / float64(n*(n-1))
	if de <= 1e-12 {
		return 1, true
	}
	return 1 - do/de, true
}

// Spread is the standard deviation of values, for one category's scores
// across inspectors.
func Spread(v []float64) float64 {
	if len(v) < 2 {
		return 0
	}
	var mean float64
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return math.Sqrt(ss / float64(len(v)))
}
