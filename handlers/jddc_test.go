package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"kefudesk/models"
	"kefudesk/models/testdb"
)

// TestEveryRealTranscriptRenders imports the 994 real JDDC sessions (times
// and agents made up by testdb.JDDC) and opens every transcript: each must
// render with one bubble per message.
func TestEveryRealTranscriptRenders(t *testing.T) {
	buf, _ := testdb.JDDC(t)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	a := newApp(t)
	if _, err := a.store.ImportChats(context.Background(), models.SystemActor, buf, "jddc.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	var chats []struct {
		ID       int64
		Messages int
	}
	a.store.DB().Raw(`SELECT id, messages FROM chat_conversations ORDER BY id`).Scan(&chats)
	if len(chats) != 994 {
		t.Fatalf("%d chats", len(chats))
	}
	qc := a.loginAs(models.RoleQC)
	for _, c := range chats {
		res := qc.get(fmt.Sprintf("/spot-checks/chats/%d", c.ID))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("chat %d: %d", c.ID, res.StatusCode)
		}
		if n := res.doc(t).Find(`[data-testid="transcript"] > li`).Length(); n != c.Messages {
			t.Fatalf("chat %d: %d bubbles for %d messages", c.ID, n, c.Messages)
		}
	}
	// The day's reception per agent, with the team average.
	rec := qc.get("/spot-checks/reception?day=2026-11-10").doc(t)
	if rec.Find(`[data-testid="reception-row"]`).Length() < 2 || rec.Find(`[data-testid="team-rate"]`).Text() == "" {
		t.Errorf("reception page: %q", rec.Find("main").Text())
	}
}
