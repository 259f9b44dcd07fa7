package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kefudesk/models"
)

func TestQualityReportExportLibraryAndCases(t *testing.T) {
	a := newApp(t) // clock: 2026-11-11; the flagged chats are on 11-11
	ctx := context.Background()
	if err := a.store.AssignNick(ctx, models.SystemActor, a.users[models.RoleAgent].ID, "云裳:大鹏"); err != nil {
		t.Fatal(err)
	}
	r, ratings := draftReview(t, a, "云裳:大鹏", map[string]int{"polite": 1, "closing": 0})
	tr, _ := a.store.ChatTranscript(ctx, r.ConversationID)
	var agentMsg int64
	for _, m := range tr.Messages {
		if m.Sender == "agent" {
			agentMsg = m.ID
		}
	}
	// The inspector comments while scoring, then submits.
	if _, err := a.store.AddReviewComment(ctx, a.users[models.RoleQC].Actor(""), r.ID, agentMsg, "语气生硬", "亲，尺码可以帮您换的，我来帮您申请哦"); err != nil {
		t.Fatal(err)
	}
	r = submitReview(t, a, r, ratings)
	a.store.DB().Exec(`UPDATE reviews SET teaching = 'bad', teaching_note = '态度生硬', submitted_at = '2026-11-11T03:00:00Z' WHERE id = ?`, r.ID)

	qc := a.loginAs(models.RoleQC)
	d := qc.get("/spot-checks/quality?from=2026-11-01&to=2026-11-11").doc(t)
	row := d.Find(`[data-testid="quality-agent"]`)
	if row.Length() != 1 || !strings.Contains(row.Text(), "用户agent") {
		t.Fatalf("agent rows: %d %q", row.Length(), row.Text())
	}
	if !strings.Contains(d.Find(`[data-testid="category-failures"]`).First().Text(), "100.0%") {
		t.Errorf("worst category first: %q", d.Find(`[data-testid="category-failures"]`).First().Text())
	}
	if res := qc.get("/spot-checks/quality?from=2026-11-11&to=2026-11-01", "HX-Request", "true"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-to"`) {
		t.Errorf("reversed period: %d", res.StatusCode)
	}

	res := qc.get("/spot-checks/quality.xlsx?from=2026-11-01&to=2026-11-11")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", res.StatusCode)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("质检明细")
	if err != nil || len(rows) != 2 || rows[1][3] != "云裳:大鹏" || rows[1][4] != "用户qc" {
		t.Errorf("export rows: %v %v", rows, err)
	}

	// The reply library: inspectors see the original message, agents only the advice.
	lib := qc.get("/spot-checks/replies?q=尺码").doc(t)
	if lib.Find(`[data-testid="reply"]`).Length() != 1 || lib.Find(".original").Length() != 1 {
		t.Errorf("inspector's library view: %q", lib.Find("main").Text())
	}
	agentLib := a.loginAs(models.RoleAgent).get("/spot-checks/replies?q=尺码").doc(t)
	if agentLib.Find(`[data-testid="reply"]`).Length() != 1 || agentLib.Find(".original").Length() != 0 {
		t.Error("agents see chat text in the library")
	}
	if qc.get("/spot-checks/replies?q=不存在的词").doc(t).Find(`[data-testid="replies-empty"]`).Length() != 1 {
		t.Error("search does not narrow")
	}

	cases := qc.get("/spot-checks/cases?week=2026-11-11").doc(t)
	if c := cases.Find(`[data-testid="case"]`); c.Length() != 1 || !strings.Contains(c.Text(), "态度生硬") {
		t.Errorf("teaching cases: %q", cases.Find("main").Text())
	}
}
