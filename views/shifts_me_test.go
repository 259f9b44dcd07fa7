package views

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kefudesk/models"
	"kefudesk/models/rota"
	"kefudesk/views/i18n"
)

// The team's week writes its cells by hand (weekCell): each published day
// is coloured by its shift, today's is outlined, an unpublished one is a dot.
func TestTeamWeekCells(t *testing.T) {
	week := time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)
	v := TeamScheduleView{Today: week.AddDate(0, 0, 2), Now: week.AddDate(0, 0, 2), Week: week,
		Types: rota.DefaultParams().Types, Staff: []models.User{{ID: 1, Username: "mei"}},
		Cells: map[int64][]models.ShiftDay{1: {
			{UserID: 1, Day: week, Shift: "late"},
			{UserID: 1, Day: week.AddDate(0, 0, 1), Shift: rota.Rest},
			{UserID: 1, Day: week.AddDate(0, 0, 2), Shift: "early"},
		}}}
	var buf bytes.Buffer
	if err := TeamSchedulePage(v).Render(i18n.WithLocale(context.Background(), i18n.ZH), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	doc.Find(`[data-testid=team-week] tbody td`).Each(func(_ int, td *goquery.Selection) {
		got = append(got, td.AttrOr("class", "")+":"+td.Text())
	})
	want := []string{"sh-t1:晚班", "sh-rest:休", "sh-t0 today:早班", "muted:·", "muted:·", "muted:·", "muted:·"}
	if !slices.Equal(got, want) {
		t.Errorf("cells %q, want %q", got, want)
	}
}

// The fairness line names the teams in the same order on every view.
func TestRotaFairnessTeamsInOrder(t *testing.T) {
	v := RotaView{LateGap: map[string]int{"pre": 1, "after": 2, "night": 3, "vip": 4}, WeekendGap: map[string]int{"pre": 5}}
	var first string
	for i := 0; i < 20; i++ {
		var buf bytes.Buffer
		if err := RotaFairness(v).Render(i18n.WithLocale(context.Background(), i18n.EN), &buf); err != nil {
			t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		line := doc.Find("p.help").Text()
		if first == "" {
			first = line
		} else if line != first {
			t.Fatalf("the fairness line changed between views:\n%s\n%s", first, line)
		}
	}
}
