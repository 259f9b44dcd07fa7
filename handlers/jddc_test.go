package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

// TestEveryRealTranscriptRenders imports the 994 real JDDC sessions (the
// corpus has no times or agent names: this test makes them up, 40 s apart
// with a 6-minute pause before every 6th message, and five agent nicks taking
// sessions in turn) and opens every transcript: each must render with
// one bubble per message.
func TestEveryRealTranscriptRenders(t *testing.T) {
	f, err := os.Open("../../shared/testdata/jddc/chat_0.1per.tsv")
	if err != nil {
		t.Skip("shared test data not present:", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	buf.WriteString("conversation_id,buyer,agent,sender,sent_at,text\n")
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 10, 8, 0, 0, 0, shanghai)
	sessions := map[string]int{}
	for i := 0; sc.Scan(); i++ {
		c := strings.SplitN(sc.Text(), "\t", 7)
		if _, ok := sessions[c[0]]; !ok {
			sessions[c[0]] = len(sessions)
		}
		sender := "buyer"
		if c[2] == "1" {
			sender = "agent"
		}
		at = at.Add(40 * time.Second)
		if i%6 == 5 {
			at = at.Add(6 * time.Minute)
		}
		fmt.Fprintf(&buf, "%s,%s,京东:客服%d,%s,%s,\"%s\"\n", c[0], c[1], sessions[c[0]]%5, sender, at.Format("2006-01-02 15:04:05"), strings.ReplaceAll(c[6], `"`, `""`))
	}
	a := newApp(t)
	if _, err := a.store.ImportChats(context.Background(), models.SystemActor, &buf, "jddc.csv", shanghai, nil); err != nil {
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
