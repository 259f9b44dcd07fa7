package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kefudesk/models"
	"kefudesk/models/scoring"
)

func ratingsForm(best bool) url.Values {
	f := url.Values{}
	for _, c := range scoring.Default().Categories() {
		lo, hi := c.Scale.Bounds()
		v := hi
		if !best {
			v = lo + (hi-lo)/2
		}
		f.Set("rating_"+c.ID, itoa(int64(v)))
	}
	f.Set("opened_at", itoa(time.Now().Add(-3*time.Minute).Unix()))
	return f
}

func TestCalibrationRoundIsBlindThenCompared(t *testing.T) {
	a := newApp(t)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := a.store.ImportChats(context.Background(), models.SystemActor, strings.NewReader(flaggedCSV), "f.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	qc, mgr := a.loginAs(models.RoleQC), a.loginAs(models.RoleManager)
	res := mgr.postForm("/spot-checks/calibration", url.Values{"name": {"双十一校准"}, "day": {"2026-11-11"}, "chats": {"2"},
		"inspectors": {itoa(a.users[models.RoleManager].ID)}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-inspectors"`) {
		t.Fatalf("one inspector: %d", res.StatusCode)
	}
	res = mgr.postForm("/spot-checks/calibration", url.Values{"name": {"双十一校准"}, "day": {"2026-11-11"}, "chats": {"2"},
		"inspectors": {itoa(a.users[models.RoleManager].ID), itoa(a.users[models.RoleQC].ID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d %s", res.StatusCode, res.Body)
	}
	round := res.Header.Get("Location")
	var items []string
	qc.get(round).doc(t).Find(`[data-testid="round-item"] a`).Each(func(_ int, s *goquery.Selection) {
		items = append(items, s.AttrOr("href", ""))
	})
	if len(items) != 2 {
		t.Fatalf("items: %v", items)
	}
	// The manager scores both first, leniently.
	for _, it := range items {
		if r := mgr.postForm(it, ratingsForm(true)); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("manager scores: %d %s", r.StatusCode, r.Body)
		}
	}
	// The QC user has not scored: the manager's scores stay hidden.
	d := qc.get(items[0]).doc(t)
	if d.Find(`[data-testid="calibration-form"]`).Length() != 1 || d.Find(`[data-testid="side-by-side"]`).Length() != 0 {
		t.Error("scores visible before scoring")
	}
	if qc.get(round).doc(t).Find(`[data-testid="results-hidden"]`).Length() != 1 {
		t.Error("results visible before scoring all")
	}
	// Incomplete score: errors, nothing stored.
	partial := ratingsForm(false)
	partial.Del("rating_product")
	if r := qc.postForm(items[0], partial); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-testid="error-cat_product"`) {
		t.Errorf("partial score: %d", r.StatusCode)
	}
	for _, it := range items {
		if r := qc.postForm(it, ratingsForm(false)); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("qc scores: %d", r.StatusCode)
		}
	}
	side := qc.get(items[0]).doc(t).Find(`[data-testid="side-by-side"]`)
	if side.Length() != 1 || !strings.Contains(side.Text(), "用户manager") || !strings.Contains(side.Text(), "100.0%") {
		t.Errorf("side by side: %q", side.Text())
	}
	results := qc.get(round).doc(t)
	if results.Find(`[data-testid="alpha"]`).Length() != 1 || results.Find(`[data-testid="bias"]`).Length() != 2 {
		t.Errorf("results: %q", results.Find(`[data-testid="round-results"]`).Text())
	}
	if !strings.Contains(results.Find(`[data-testid="bias"]`).First().Text(), "偏严") {
		t.Errorf("the stricter inspector is not marked: %q", results.Find(`[data-testid="bias"]`).First().Text())
	}
	// Calibration never touches real reviews.
	if n := count(t, a, `SELECT count(*) FROM reviews`); n != 0 {
		t.Errorf("calibration created %d reviews", n)
	}
}
