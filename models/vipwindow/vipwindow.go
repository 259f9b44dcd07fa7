// Package vipwindow reads and checks a customer's contact window: the days
// and times a phone call does not annoy (domain digest, seed 002: weekdays
// at noon or after work). Written as the shop types it, for example
// "weekdays 12:00-13:30, 18:00-21:00", "工作日 12:00-13:30，18:00-21:00",
// "daily 10:00-20:00" or "周末 10:00-12:00". Times are the shop's wall clock.
package vipwindow

import (
	"fmt"
	"strings"
	"time"
)

// Window is a set of weekdays and the time ranges on those days.
type Window struct {
	Days   [7]bool // indexed by time.Weekday
	Ranges []Range
}

// Range is a part of a day in minutes after midnight, end exclusive.
type Range struct{ From, To int }

var dayWords = map[string][7]bool{
	"weekdays": {false, true, true, true, true, true, false}, "工作日": {false, true, true, true, true, true, false},
	"mon-fri": {false, true, true, true, true, true, false}, "周一至周五": {false, true, true, true, true, true, false},
	"daily": {true, true, true, true, true, true, true}, "每天": {true, true, true, true, true, true, true},
	"weekends": {true, false, false, false, false, false, true}, "周末": {true, false, false, false, false, false, true},
}

// Parse reads a window. Without a day word the ranges apply every day.
func Parse(s string) (Window, error) {
	s = strings.TrimSpace(strings.NewReplacer("，", ",", "；", ",", ";", ",", "：", ":", "－", "-", "—", "-", "~", "-", "～", "-").Replace(s))
	if s == "" {
		return Window{}, fmt.Errorf("vipwindow: empty window")
	}
	w := Window{Days: dayWords["daily"]}
	if head, rest, ok := strings.Cut(s, " "); ok {
		if d, known := dayWords[strings.ToLower(head)]; known {
			w.Days, s = d, rest
		}
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, ok := strings.Cut(part, "-")
		if !ok {
			return Window{}, fmt.Errorf("vipwindow: %q is not a time range", part)
		}
		a, err1 := minutes(from)
		b, err2 := minutes(to)
		if err1 != nil || err2 != nil || b <= a {
			return Window{}, fmt.Errorf("vipwindow: %q is not a time range", part)
		}
		w.Ranges = append(w.Ranges, Range{From: a, To: b})
	}
	if len(w.Ranges) == 0 {
		return Window{}, fmt.Errorf("vipwindow: no time range in %q", s)
	}
	return w, nil
}

func minutes(s string) (int, error) {
	var h, m int
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 || h == 24 && m > 0 {
		return 0, fmt.Errorf("vipwindow: time %q", s)
	}
	return h*60 + m, nil
}

// Contains reports whether t, read on the wall clock of loc (the shop's
// time zone), falls in the window.
func (w Window) Contains(t time.Time, loc *time.Location) bool {
	t = t.In(loc)
	if !w.Days[t.Weekday()] {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	for _, r := range w.Ranges {
		if m >= r.From && m < r.To {
			return true
		}
	}
	return false
}

// String writes the ranges the way a page shows them, without the days.
func (w Window) String() string {
	parts := make([]string, len(w.Ranges))
	for i, r := range w.Ranges {
		parts[i] = fmt.Sprintf("%02d:%02d-%02d:%02d", r.From/60, r.From%60, r.To/60, r.To%60)
	}
	return strings.Join(parts, ", ")
}

// DaysName names the window's days when they are one of the usual sets:
// "weekdays", "daily" or "weekends"; "" otherwise.
func (w Window) DaysName() string {
	for _, n := range []string{"weekdays", "daily", "weekends"} {
		if w.Days == dayWords[n] {
			return n
		}
	}
	return ""
}
