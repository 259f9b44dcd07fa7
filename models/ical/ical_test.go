package ical

import (
	"strings"
	"testing"
	"time"
)

// parse is a reader independent of Feed: unfold, split properties, collect
// VEVENTs.
func parse(t *testing.T, s string) []map[string]string {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("lines must end in CRLF")
	}
	for _, l := range strings.Split(s, "\r\n") {
		if len(l) > 75 {
			t.Fatalf("line longer than 75 octets: %q", l)
		}
	}
	s = strings.ReplaceAll(s, "\r\n ", "")
	var out []map[string]string
	var cur map[string]string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("bad line %q", l)
		}
		switch {
		case k == "BEGIN" && v == "VEVENT":
			cur = map[string]string{}
		case k == "END" && v == "VEVENT":
			out = append(out, cur)
			cur = nil
		case cur != nil:
			cur[k] = v
		}
	}
	return out
}

func TestFeedParsesBack(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(2026, 11, 11, 0, 0, 0, 0, sh)
	long := strings.Repeat("双十一夜班, 注意; 交接", 6)
	raw := Feed("小美的班表", []Event{
		{UID: "7-2026-11-11@kefudesk", Start: start, End: start.Add(9 * time.Hour), Summary: long, Updated: start},
		{UID: "7-2026-11-12@kefudesk", Start: start.Add(33 * time.Hour), End: start.Add(42 * time.Hour), Summary: "早班 09:30-18:30", Updated: start},
	})
	evs := parse(t, raw)
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	if evs[0]["DTSTART"] != "20261110T160000Z" || evs[0]["DTEND"] != "20261111T010000Z" {
		t.Fatalf("times %v", evs[0])
	}
	unescaped := strings.NewReplacer(`\,`, ",", `\;`, ";", `\\`, `\`).Replace(evs[0]["SUMMARY"])
	if unescaped != long {
		t.Fatalf("summary %q", unescaped)
	}
	if evs[1]["UID"] != "7-2026-11-12@kefudesk" || evs[1]["SUMMARY"] != "早班 09:30-18:30" {
		t.Fatalf("%v", evs[1])
	}
}
