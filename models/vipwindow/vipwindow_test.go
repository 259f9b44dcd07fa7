package vipwindow

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, s := range []string{"weekdays 12:00-13:30, 18:00-21:00", "工作日 12:00-13:30，18:00-21:00", "12:00～13:30"} {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "weekdays", "12:00", "13:00-12:00", "25:00-26:00", "noon"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted a bad window", s)
		}
	}
}

// TestContainsAcrossDaysAndZones checks the default window at its edges, on
// a weekend, and for a call logged from a laptop in another zone: the shop's
// clock decides, not the caller's.
func TestContainsAcrossDaysAndZones(t *testing.T) {
	w, err := Parse("weekdays 12:00-13:30, 18:00-21:00")
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	ny, _ := time.LoadLocation("America/New_York")
	at := func(loc *time.Location, d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, loc) }
	cases := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want bool
	}{
		{"Wednesday noon", at(sh, 11, 12, 0), sh, true},
		{"Wednesday 13:29", at(sh, 11, 13, 29), sh, true},
		{"Wednesday 13:30 (end is outside)", at(sh, 11, 13, 30), sh, false},
		{"Wednesday 11:59", at(sh, 11, 11, 59), sh, false},
		{"Wednesday evening", at(sh, 11, 20, 59), sh, true},
		{"Wednesday 21:00", at(sh, 11, 21, 0), sh, false},
		{"Saturday noon", at(sh, 14, 12, 30), sh, false},
		{"Sunday evening", at(sh, 15, 19, 0), sh, false},
		// 2026-11-11 00:30 in New York is Wednesday 13:30 in Shanghai: outside.
		{"New York midnight = Shanghai 13:30", at(ny, 11, 0, 30), sh, false},
		// Tuesday 23:15 in New York is Wednesday 12:15 in Shanghai: inside.
		{"New York Tuesday night = Shanghai Wednesday noon", at(ny, 10, 23, 15), sh, true},
		// Friday 20:00 in Shanghai is Friday 07:00 in New York: a shop in
		// New York would not call now.
		{"same instant, shop in New York", at(sh, 13, 20, 0), ny, false},
		// Sunday 23:30 UTC is Monday 07:30 in Shanghai: a weekday, but too early.
		{"UTC Sunday night = Shanghai Monday morning", time.Date(2026, 11, 15, 23, 30, 0, 0, time.UTC), sh, false},
		// Monday 04:10 UTC is Monday 12:10 in Shanghai.
		{"UTC Monday 04:10 = Shanghai noon", time.Date(2026, 11, 16, 4, 10, 0, 0, time.UTC), sh, true},
	}
	for _, c := range cases {
		if got := w.Contains(c.t, c.loc); got != c.want {
			t.Errorf("%s: Contains = %v, want %v", c.name, got, c.want)
		}
	}
	daily, _ := Parse("每天 10:00-20:00")
	if !daily.Contains(at(sh, 14, 10, 0), sh) {
		t.Errorf("a daily window excludes Saturday")
	}
}
