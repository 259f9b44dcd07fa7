package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
	"kefudesk/models/scoring"
)

// draftReview imports the flagged chats and has the QC user start a review
// of the given nick's chat; ratings are every category at its best, with
// set overriding some.
func draftReview(t *testing.T, a *app, nick string, set map[string]int) (models.Review, map[string]scoring.Rating) {
	t.Helper()
	ctx := context.Background()
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := a.store.ImportChats(ctx, models.SystemActor, strings.NewReader(flaggedCSV), "f.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	page, err := a.store.ListChats(ctx, models.ChatFilter{Agent: nick})
	if err != nil || len(page.Chats) != 1 {
		t.Fatalf("chat of %s: %v %d", nick, err, len(page.Chats))
	}
	r, err := a.store.StartReview(ctx, a.users[models.RoleQC].Actor(""), page.Chats[0].ID, nick, models.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	ratings := map[string]scoring.Rating{}
	for _, c := range scoring.Default().Categories() {
		_, hi := c.Scale.Bounds()
		ratings[c.ID] = scoring.Rating{Value: hi}
	}
	for k, v := range set {
		ratings[k] = scoring.Rating{Value: v}
	}
	return r, ratings
}

// submitReview submits a draft with the given ratings as the QC user.
func submitReview(t *testing.T, a *app, r models.Review, ratings map[string]scoring.Rating) models.Review {
	t.Helper()
	r, err := a.store.SaveReview(context.Background(), a.users[models.RoleQC].Actor(""), r.ID, models.ReviewForm{Version: r.Version, Ratings: ratings}, true)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// submittedReview imports the flagged chats and has the QC user submit a
// review of the given nick's chat with the given ratings.
func submittedReview(t *testing.T, a *app, nick string, set map[string]int) models.Review {
	t.Helper()
	r, ratings := draftReview(t, a, nick, set)
	return submitReview(t, a, r, ratings)
}

func TestAppealFlow(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	if err := a.store.AssignNick(ctx, models.SystemActor, a.users[models.RoleAgent].ID, "云裳:大鹏"); err != nil {
		t.Fatal(err)
	}
	r := submittedReview(t, a, "云裳:大鹏", map[string]int{"discount": 0})
	if r.Score == nil || *r.Score != 0 {
		t.Fatalf("critical fail should score 0: %v", r.Score)
	}
	path := "/spot-checks/reviews/" + itoa(r.ID)
	agent := a.loginAs(models.RoleAgent)
	if agent.get(path).doc(t).Find(`[data-testid="appeal-form"]`).Length() != 1 {
		t.Fatal("no appeal form for the agent")
	}
	res := agent.postForm(path+"/appeal", url.Values{}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-appeal"`) {
		t.Errorf("empty appeal: %d", res.StatusCode)
	}
	res = agent.postForm(path+"/appeal", url.Values{"appeal_discount": {"1"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-reason_discount"`) {
		t.Fatalf("appeal without reason: %d", res.StatusCode)
	}
	if got := res.doc(t).Find(`#appeal_discount option[selected]`).AttrOr("value", ""); got != "1" {
		t.Errorf("proposed rating not kept: %q", got)
	}
	res = agent.postForm(path+"/appeal", url.Values{"appeal_discount": {"1"}, "reason_discount": {"50元是主管在群里批准的"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("appeal: %d %s", res.StatusCode, res.Body)
	}
	if res := agent.postForm(path+"/appeal", url.Values{"appeal_polite": {"1"}, "reason_polite": {"x"}}); res.StatusCode == http.StatusSeeOther {
		t.Error("a second appeal was accepted")
	}

	// The inspector who scored it may not decide it.
	qc := a.loginAs(models.RoleQC)
	if !strings.Contains(qc.get(path).Body, "需由其他质检员或店长处理") {
		t.Error("inspector not told someone else decides")
	}
	res = qc.postForm(path+"/resolve", url.Values{"appeal_version": {"1"}, "accept_discount": {"1"}, "resolution_reason": {"同意"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "不能处理自己做的质检的申诉") {
		t.Errorf("inspector resolves own review: %d", res.StatusCode)
	}

	// A manager sees it on the today page and decides.
	mgr := a.loginAs(models.RoleManager)
	if got := mgr.get("/").doc(t).Find(`[data-testid="card-appeals"] .big`).Text(); got != "1" {
		t.Errorf("manager's appeals card = %q", got)
	}
	res = mgr.postForm(path+"/resolve", url.Values{"appeal_version": {"1"}, "accept_discount": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-resolution_reason"`) {
		t.Errorf("decision without reason: %d", res.StatusCode)
	}
	res = mgr.postForm(path+"/resolve", url.Values{"appeal_version": {"1"}, "accept_discount": {"1"}, "resolution_reason": {"已核实主管批准"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resolve: %d %s", res.StatusCode, res.Body)
	}
	after, _ := a.store.ReviewByID(ctx, r.ID)
	if after.Score == nil || *after.Score != 100 {
		t.Errorf("score after accepted appeal = %v", after.Score)
	}
	d := agent.get(path).doc(t)
	if !strings.Contains(d.Text(), "0.0% → 100.0%") || !strings.Contains(d.Find(`[data-testid="appeal-resolution"]`).Text(), "已核实主管批准") {
		t.Errorf("both versions and the reason not visible: %q", d.Find(`[data-testid="appeal"]`).Text())
	}
}

func TestAppealWindowCloses(t *testing.T) {
	a := newApp(t)
	if err := a.store.AssignNick(context.Background(), models.SystemActor, a.users[models.RoleAgent].ID, "云裳:小晴"); err != nil {
		t.Fatal(err)
	}
	r := submittedReview(t, a, "云裳:小晴", map[string]int{"polite": 3})
	// Submitted on 11-01: the 3-day window closed before the app's clock (11-11).
	a.store.DB().Exec(`UPDATE reviews SET submitted_at = '2026-11-01T02:00:00Z' WHERE id = ?`, r.ID)
	agent := a.loginAs(models.RoleAgent)
	path := "/spot-checks/reviews/" + itoa(r.ID)
	if agent.get(path).doc(t).Find(`[data-testid="appeal-form"]`).Length() != 0 {
		t.Error("appeal form shown after the window")
	}
	res := agent.postForm(path+"/appeal", url.Values{"appeal_polite": {"5"}, "reason_polite": {"很礼貌"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "申诉期限") {
		t.Errorf("late appeal: %d", res.StatusCode)
	}
}
