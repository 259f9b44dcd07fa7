package views

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"kefudesk/models"
	"kefudesk/views/i18n"
)

// PeriodForm is a from/to filter as typed.
type PeriodForm struct {
	From, To string
	Errors   models.FieldErrors
}

// Query encodes the period for links.
func (p PeriodForm) Query() string {
	return url.Values{"from": {p.From}, "to": {p.To}}.Encode()
}

// QualityView is the quality page.
type QualityView struct {
	Period PeriodForm
	Report models.QualityReport
}

// Pct shows a 0..1 share as a percentage.
func Pct(f float64) string { return Score1(100 * f) }

// Score1 shows a percent score with one decimal.
func Score1(f float64) string {
	var buf [32]byte
	return string(append(strconv.AppendFloat(buf[:0], f, 'f', 1, 64), '%'))
}

// CatLabel names a category in the page's language.
func CatLabel(ctx context.Context, c models.CategoryFailures) string {
	if i18n.Locale(ctx) == i18n.EN && c.NameEN != "" {
		return c.NameEN
	}
	return c.Name
}

// BarWidth is a CSS width for a 0..100 value.
func BarWidth(pct float64) string { return fmt.Sprintf("width:%.1f%%", max(0, min(100, pct))) }

// RepliesView is the reply library.
type RepliesView struct {
	Q         string
	Entries   []models.ReplyEntry
	ShowChats bool
}

// NextURL pages on.
func (v RepliesView) NextURL() string {
	if len(v.Entries) == 0 {
		return ""
	}
	return "/spot-checks/replies?" + url.Values{"q": {v.Q}, "before": {fmt.Sprint(v.Entries[len(v.Entries)-1].ID)}}.Encode()
}

// CasesView is a week's teaching cases.
type CasesView struct {
	Week  time.Time
	Cases []models.TeachingCase
}

// Prev and Next link to the neighbouring weeks.
func (v CasesView) Prev() string {
	return "/spot-checks/cases?week=" + v.Week.AddDate(0, 0, -7).Format(time.DateOnly)
}

// Next links to the following week.
func (v CasesView) Next() string {
	return "/spot-checks/cases?week=" + v.Week.AddDate(0, 0, 7).Format(time.DateOnly)
}

// ReceptionView is one day's reception per agent.
type ReceptionView struct {
	Day          time.Time
	Rates        []models.AgentRate
	TeamRate     float64
	TeamReceived float64 // mean chats per agent
	TeamFirst    float64 // mean of the agents' average first reply, seconds
	Names        map[string]string
}

// Name is the person behind a nick, or the nick.
func (v ReceptionView) Name(nick string) string {
	if n, ok := v.Names[nick]; ok {
		return n
	}
	return nick
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
