package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kefudesk/models"
	"kefudesk/models/scoring"
)

// fullMarks rates every category of the default card at its best.
func fullMarks(version string) url.Values {
	f := url.Values{"version": {version}, "summary": {"态度好"}, "teaching": {"good"}, "teaching_note": {"标准开场和结束"}}
	for _, c := range scoring.Default().Categories() {
		_, hi := c.Scale.Bounds()
		f.Set("rating_"+c.ID, itoa(int64(hi)))
	}
	return f
}

var versionRe = regexp.MustCompile(`id="review-version" name="version" value="(\d+)"`)

func TestReviewFlow(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	agent := a.users[models.RoleAgent]
	if err := a.store.AssignNick(ctx, models.SystemActor, agent.ID, "云裳:大鹏"); err != nil {
		t.Fatal(err)
	}
	qc := a.loginAs(models.RoleQC)
	waitForRun(t, qc, qc.upload("/spot-checks/import", "flags.csv", flaggedCSV).Header.Get("Location"))
	href, _ := qc.get("/spot-checks/chats?buyer=tb_阿强").doc(t).Find(`[data-testid="chat-row"] a`).Attr("href")

	// Start the review of 大鹏 from the transcript.
	res := qc.postForm(href+"/reviews", url.Values{"agent": {"云裳:大鹏"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d %s", res.StatusCode, res.Body)
	}
	review := res.Header.Get("Location")
	d := qc.get(review).doc(t)
	// The automatic checks pre-filled what they found: no greeting, banned
	// word (polite), discount over the limit, no closing.
	for cat, want := range map[string]string{"opening": "0", "polite": "3", "discount": "0", "closing": "0"} {
		if got := d.Find(`input[name="rating_`+cat+`"][checked]`).AttrOr("value", ""); got != want {
			t.Errorf("pre-filled %s = %q, want %q", cat, got, want)
		}
	}
	if got := d.Find(`[data-testid="live-score"]`).Text(); got != "0.0%" {
		t.Errorf("live score with a critical fail = %q", got)
	}
	// Starting again opens the same review.
	if again := qc.postForm(href+"/reviews", url.Values{"agent": {"云裳:大鹏"}}); again.Header.Get("Location") != review {
		t.Errorf("second start went to %q", again.Header.Get("Location"))
	}

	// Autosave a draft, as HTMX does on every change.
	draft := fullMarks("1")
	draft.Del("rating_promises")
	res = qc.postForm(review+"/draft", draft, "HX-Request", "true")
	m := versionRe.FindStringSubmatch(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `data-testid="save-state"`) || m == nil || m[1] != "2" {
		t.Fatalf("draft: %d %s", res.StatusCode, res.Body)
	}
	// Submitting with a category unrated: told next to it, ratings kept.
	res = qc.postForm(review+"/submit", withVersion(draft, "2"), "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-cat_promises"`) || strings.Contains(res.Body, "<html") {
		t.Fatalf("incomplete submit: %d", res.StatusCode)
	}
	if got := res.doc(t).Find(`input[name="rating_product"][checked]`).AttrOr("value", ""); got != "5" {
		t.Errorf("typed rating lost: %q", got)
	}
	// A stale version (another tab) is refused.
	if res := qc.postForm(review+"/submit", fullMarks("1")); res.StatusCode != http.StatusConflict {
		t.Errorf("stale submit: %d", res.StatusCode)
	}
	// Someone else cannot touch the inspector's draft.
	if res := a.loginAs(models.RoleManager).postForm(review+"/draft", fullMarks("2")); res.StatusCode != http.StatusForbidden {
		t.Errorf("manager edits the inspector's draft: %d", res.StatusCode)
	}

	// A comment at the agent's discount message: what to say instead.
	msgID := d.Find(`.msg-agent`).First().AttrOr("id", "")[1:]
	res = qc.postForm(review+"/comments", url.Values{"message_id": {msgID}, "problem": {"超过20元优惠未经主管"}, "suggested_reply": {"亲，我帮您申请一下主管，稍等哦"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "我帮您申请一下主管") {
		t.Fatalf("comment: %d %s", res.StatusCode, res.Body)
	}
	if res := qc.postForm(review+"/comments", url.Values{"message_id": {msgID}}, "HX-Request", "true"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "error-comment") {
		t.Errorf("empty comment: %d", res.StatusCode)
	}
	// Without JavaScript the whole page comes back, the message told at its
	// comment form with what was typed kept.
	res = qc.postForm(review+"/comments", url.Values{"message_id": {msgID}, "problem": {strings.Repeat("长", 1001)}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("long comment without JS: %d", res.StatusCode)
	}
	block := res.doc(t).Find("#comments-" + msgID)
	if block.Find(`[data-testid="error-comment"]`).Length() != 1 || !strings.Contains(block.Find(`textarea[name="problem"]`).Text(), "长长长") {
		t.Errorf("full-page comment error: %q", block.Text()[:min(200, len(block.Text()))])
	}

	// Submit complete: every category at its best gives 100%.
	res = qc.postForm(review+"/submit", withVersion(fullMarks("2"), "2"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", res.StatusCode, res.Body)
	}
	id := review[strings.LastIndex(review, "/")+1:]
	var score float64
	a.store.DB().Raw(`SELECT score FROM reviews WHERE id = ?`, id).Scan(&score)
	if score != 100 {
		t.Errorf("stored score %v", score)
	}
	if res := qc.postForm(review+"/draft", fullMarks("3")); res.StatusCode != http.StatusForbidden {
		t.Errorf("edit after submit: %d", res.StatusCode)
	}

	// The agent sees it, with the comment, and acknowledges it.
	ag := a.loginAs(models.RoleAgent)
	mine := ag.get("/spot-checks/mine").doc(t)
	if mine.Find(`[data-testid="my-review"]`).Length() != 1 || !strings.Contains(mine.Text(), "100.0%") {
		t.Fatalf("agent's list: %q", mine.Find("main").Text())
	}
	page := ag.get(review)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "我帮您申请一下主管") {
		t.Fatalf("agent reads review: %d", page.StatusCode)
	}
	if res := ag.postForm(review+"/ack", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ack: %d", res.StatusCode)
	}
	if n := count(t, a, `SELECT count(*) FROM reviews WHERE id = `+id+` AND acknowledged_at IS NOT NULL`); n != 1 {
		t.Error("acknowledgement not stored")
	}
	// Another agent does not see it at all.
	other, _ := a.store.CreateUser(ctx, models.SystemActor, models.UserForm{Username: "other_agent", Role: models.RoleAgent, Password: testPassword})
	_ = other
	oc := a.client()
	oc.postForm("/login", url.Values{"username": {"other_agent"}, "password": {testPassword}})
	if res := oc.get(review); res.StatusCode != http.StatusNotFound {
		t.Errorf("another agent reads the review: %d", res.StatusCode)
	}
}

func withVersion(f url.Values, v string) url.Values {
	out := url.Values{}
	for k, vs := range f {
		out[k] = append([]string{}, vs...)
	}
	out.Set("version", v)
	return out
}

func count(t *testing.T, a *app, q string) int64 {
	t.Helper()
	var n int64
	if err := a.store.DB().Raw(q).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSamplingPlanFillsTheInspectorsQueue(t *testing.T) {
	a := newApp(t) // the clock says 2026-11-11 10:00 in Shanghai: a daily plan draws 11-10
	qc := a.loginAs(models.RoleQC)
	yesterday := strings.NewReplacer("2026-11-11", "2026-11-10", "2026-11-12", "2026-11-10").Replace(uploadCSV + flaggedCSV[strings.Index(flaggedCSV, "\n")+1:])
	waitForRun(t, qc, qc.upload("/spot-checks/import", "y.csv", yesterday).Header.Get("Location"))

	// Bad input: told next to the fields, typed values kept.
	res := qc.postForm("/spot-checks/plans", url.Values{"name": {"每日"}, "period": {"day"}, "per_agent": {"0"}, "low_weight": {"2"}, "min_messages": {"0"}, "due_days": {"2"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-per_agent"`) || !strings.Contains(res.Body, `data-testid="error-inspectors"`) || strings.Contains(res.Body, "<html") {
		t.Fatalf("bad plan: %d %s", res.StatusCode, res.Body)
	}
	if v := res.doc(t).Find(`#name`).AttrOr("value", ""); v != "每日" {
		t.Errorf("name not kept: %q", v)
	}
	res = qc.postForm("/spot-checks/plans", url.Values{"name": {"每日抽查"}, "period": {"day"}, "per_agent": {"5"}, "low_weight": {"2"},
		"min_messages": {"0"}, "due_days": {"1"}, "inspectors": {itoa(a.users[models.RoleQC].ID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create plan: %d %s", res.StatusCode, res.Body)
	}
	d := qc.get("/spot-checks/plans").doc(t)
	action, _ := d.Find(`[data-testid="plan"] form`).Attr("action")
	if res := qc.postForm(action, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("run: %d", res.StatusCode)
	}
	if flash := qc.get("/spot-checks/plans").doc(t).Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "已抽取 4 条聊天") {
		t.Errorf("flash after draw = %q", flash)
	}
	q := qc.get("/spot-checks/queue").doc(t)
	if n := q.Find(`[data-testid="queue-item"]`).Length(); n != 4 {
		t.Fatalf("queue has %d items", n)
	}
	if got := qc.get("/").doc(t).Find(`[data-testid="card-queue"] .big`).Text(); got != "4" {
		t.Errorf("today card shows %q", got)
	}
	// Running again in the same period draws nothing more.
	qc.postForm(action, url.Values{})
	if flash := qc.get("/spot-checks/plans").doc(t).Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "未重复抽取") {
		t.Errorf("second run flash = %q", flash)
	}
	// Start from the queue: the chat opens for review.
	form := q.Find(`[data-testid="queue-item"] form`).First()
	act, _ := form.Attr("action")
	agent, _ := form.Find(`input[name="agent"]`).Attr("value")
	if res := qc.postForm(act, url.Values{"agent": {agent}}); res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/spot-checks/reviews/") {
		t.Errorf("start from queue: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// An agent's today page shows their unread reviews instead.
	if a.loginAs(models.RoleAgent).get("/").doc(t).Find(`[data-testid="card-reviews"]`).Length() != 1 {
		t.Error("agent has no reviews card")
	}
}

// Once submitted, a review takes no more comments, by any path.
func TestNoCommentsOnASubmittedReview(t *testing.T) {
	a := newApp(t)
	r := submittedReview(t, a, "云裳:大鹏", nil)
	tr, _ := a.store.ChatTranscript(context.Background(), r.ConversationID)
	msg := itoa(tr.Messages[1].ID)
	qc := a.loginAs(models.RoleQC)
	res := qc.postForm("/spot-checks/reviews/"+itoa(r.ID)+"/comments", url.Values{"message_id": {msg}, "problem": {"迟到的点评"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("comment after submit: %d", res.StatusCode)
	}
	_, err := a.store.AddReviewComment(context.Background(), a.users[models.RoleQC].Actor(""), r.ID, tr.Messages[1].ID, "迟到的点评", "")
	if _, ok := models.AsValidation(err); !ok {
		t.Errorf("model accepted a comment on a submitted review: %v", err)
	}
	if n := count(t, a, `SELECT count(*) FROM review_comments`); n != 0 {
		t.Errorf("%d comments stored", n)
	}
}
