// Package ical writes an iCalendar (RFC 5545) feed of shifts, so they show
// in a phone's calendar app. Times are written in UTC, which every client
// reads without a time-zone table.
package ical

import (
	"strings"
	"time"
)

// Event is one shift in the feed.
type Event struct {
	UID     string // stable per user and day, so a changed shift updates, not duplicates
	Start   time.Time
	End     time.Time
	Summary string
	Updated time.Time
}

// Feed writes a calendar named name with events.
func Feed(name string, events []Event) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)); b.WriteString("\r\n") }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Kefu Desk//Shifts//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + Escape(name))
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + Escape(e.UID))
		line("DTSTAMP:" + stamp(e.Updated))
		line("DTSTART:" + stamp(e.Start))
		line("DTEND:" + stamp(e.End))
		line("SUMMARY:" + Escape(e.Summary))
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.String()
}

func stamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// Escape escapes a text value: backslash, semicolon, comma and new lines.
func Escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`)
	return r.Replace(s)
}

// fold breaks lines longer than 75 octets, never inside a UTF-8 character,
// continuing with a space as the standard asks.
func fold(s string) string {
	if len(s) <= 75 {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		l := len(string(r))
		if n+l > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += l
	}
	return b.String()
}
