package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kefudesk/models"
)

// editorForm reads the editor's inputs as the browser would post them.
func editorForm(d *goquery.Document) url.Values {
	f := url.Values{}
	d.Find(`#scorecard-editor input, #scorecard-editor select`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch {
		case name == "":
		case s.Is("select"):
			f.Set(name, s.Find("option[selected]").AttrOr("value", ""))
		case s.AttrOr("type", "") == "checkbox":
			if _, on := s.Attr("checked"); on {
				f.Set(name, s.AttrOr("value", "1"))
			}
		default:
			f.Set(name, s.AttrOr("value", ""))
		}
	})
	return f
}

func TestScorecardEditsMakeVersionsAndSpareFinishedReviews(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	old := submittedReview(t, a, "云裳:大鹏", nil)
	qc := a.loginAs(models.RoleQC)
	list := qc.get("/spot-checks/scorecards").doc(t)
	href, _ := list.Find(`[data-testid="scorecard"] a`).Attr("href")
	d := qc.get(href).doc(t)
	form := editorForm(d)
	if form.Get("row_0_name") != "5分钟内首次回复" {
		t.Fatalf("editor row 0 = %q", form.Get("row_0_name"))
	}

	bad := editorForm(d)
	bad.Set("row_0_weight", "0")
	res := qc.postForm(href, bad, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-row_0_weight"`) {
		t.Fatalf("bad weight: %d", res.StatusCode)
	}

	form.Set("row_0_name", "3分钟内首次回复")
	n := len(models.RowsOf(mustCard(t, a, old.ScorecardVersionID).Card))
	form.Set(rowKey(n, "section"), "规范")
	form.Set(rowKey(n, "name"), "备注订单旗帜")
	form.Set(rowKey(n, "weight"), "1")
	form.Set(rowKey(n, "scale"), "pass_fail")
	if res := qc.postForm(href, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, res.Body)
	}
	// The old review keeps version 1 and its wording.
	if !strings.Contains(qc.get("/spot-checks/reviews/"+itoa(old.ID)).Body, "5分钟内首次回复") {
		t.Error("the finished review changed with the scorecard")
	}
	// A new review uses version 2, with the new category.
	page, _ := a.store.ListChats(ctx, models.ChatFilter{Agent: "云裳:小晴"})
	r, err := a.store.StartReview(ctx, a.users[models.RoleQC].Actor(""), page.Chats[0].ID, "云裳:小晴", models.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if r.ScorecardVersionID == old.ScorecardVersionID {
		t.Fatal("new review on the old version")
	}
	if body := qc.get("/spot-checks/reviews/" + itoa(r.ID)).Body; !strings.Contains(body, "3分钟内首次回复") || !strings.Contains(body, "备注订单旗帜") {
		t.Error("new review does not show the edited card")
	}
	// A second editor with the old form is refused.
	if res := qc.postForm(href, editorForm(d)); res.StatusCode != http.StatusConflict {
		t.Errorf("stale save: %d", res.StatusCode)
	}
}

func rowKey(i int, f string) string { return "row_" + itoa(int64(i)) + "_" + f }

func mustCard(t *testing.T, a *app, versionID int64) (c models.ScorecardVersion) {
	t.Helper()
	v, err := a.store.ScorecardVersionByID(context.Background(), versionID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
