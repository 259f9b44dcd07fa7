package erlang

// D11 is the seeds' Double 11 forecast (domain digest, shifts): this year's
// chats = this October's daily average x (last year's D11 chats / last
// year's October daily average). Without last year's figures there is no
// ratio to apply: 0 and false.
func D11(octAvgThisYear, d11LastYear, octAvgLastYear float64) (float64, bool) {
	if octAvgLastYear <= 0 || d11LastYear <= 0 || octAvgThisYear <= 0 {
		return 0, false
	}
	return octAvgThisYear * d11LastYear / octAvgLastYear, true
}

// Shape turns counts per interval into shares that sum to 1. With nothing
// counted it is flat, so a forecast still spreads over the day.
func Shape(counts []float64) []float64 {
	out := make([]float64, len(counts))
	total := 0.0
	for _, c := range counts {
		if c > 0 {
			total += c
		}
	}
	for i, c := range counts {
		switch {
		case total == 0:
			out[i] = 1 / float64(len(counts))
		case c > 0:
			out[i] = c / total
		}
	}
	return out
}

// Spread divides a day's volume over intervals by shape (shares summing to 1).
func Spread(total float64, shape []float64) []float64 {
	out := make([]float64, len(shape))
	for i, s := range shape {
		out[i] = total * s
	}
	return out
}

// Bin counts minutes-of-day into intervals of size minutes: the day's
// shape from the times chats started.
func Bin(minutesOfDay []int, size int) []float64 {
	if size <= 0 {
		size = 30
	}
	out := make([]float64, (24*60+size-1)/size)
	for _, m := range minutesOfDay {
		if m >= 0 && m < 24*60 {
			out[m/size]++
		}
	}
	return out
}
