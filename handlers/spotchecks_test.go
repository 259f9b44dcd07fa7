package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

const uploadCSV = `会话ID,买家,客服,发送方,时间,内容
d1,tb_小王,云裳:小美,买家,2026-11-11 09:00:00,这件有M码吗
d1,tb_小王,云裳:小美,客服,2026-11-11 09:07:30,亲，有的哦
d1,tb_小王,云裳:小美,买家,2026-11-11 09:08:00,好的谢谢
d2,tb_小李,云裳:阿华,买家,2026-11-12 20:00:00,什么时候发货
d2,tb_小李,云裳:阿华,客服,2026-11-12 20:00:30,今天就发
`

func (c *client) upload(path, name, body string) response {
	c.a.t.Helper()
	if c.csrf == "" {
		c.get("/")
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.csrf)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(body))
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// waitForRun polls the run page as the browser's progress bar does.
func waitForRun(t *testing.T, c *client, location string) response {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		res := c.get(location, "HX-Request", "true")
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "<html") {
			t.Fatalf("poll %s: %d (fragment expected)", location, res.StatusCode)
		}
		if !strings.Contains(res.Body, `data-status="running"`) {
			return res
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("import did not finish")
	return response{}
}

func TestChatImportUploadListAndTranscript(t *testing.T) {
	a := newApp(t)
	qc := a.loginAs(models.RoleQC)

	res := qc.upload("/spot-checks/import", "chats.csv", uploadCSV)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/spot-checks/import/") {
		t.Fatalf("upload: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	done := waitForRun(t, qc, res.Header.Get("Location"))
	if got := done.doc(t).Find(`[data-testid="import-done"]`).Text(); got != "新增 5 条，更新 0 条，未变 0 条" {
		t.Errorf("outcome = %q", got)
	}

	list := qc.get("/spot-checks/chats?slow=1")
	d := list.doc(t)
	if n := d.Find(`[data-testid="chat-row"]`).Length(); n != 1 {
		t.Fatalf("slow filter rows = %d", n)
	}
	row := d.Find(`[data-testid="chat-row"]`)
	if !strings.Contains(row.Text(), "tb_小王") || !strings.Contains(row.Text(), "7分30秒") || !strings.Contains(row.Text(), "慢回复 1") {
		t.Errorf("row = %q", row.Text())
	}
	href, _ := row.Find("a").Attr("href")
	tr := qc.get(href).doc(t)
	waits := tr.Find(`[data-testid="wait"]`)
	if waits.Length() != 1 || !waits.HasClass("wait-slow") || !strings.Contains(waits.Text(), "7分30秒") {
		t.Errorf("transcript waits: %d %q", waits.Length(), waits.Text())
	}
	if tr.Find(".msg-buyer").Length() != 2 || tr.Find(".msg-agent").Length() != 1 {
		t.Error("transcript bubbles wrong")
	}
	// The same file again adds nothing.
	res = qc.upload("/spot-checks/import", "chats.csv", uploadCSV)
	if got := waitForRun(t, qc, res.Header.Get("Location")).doc(t).Find(`[data-testid="import-done"]`).Text(); got != "新增 0 条，更新 0 条，未变 5 条" {
		t.Errorf("re-import outcome = %q", got)
	}
	// Agents never read chat text.
	if res := a.loginAs(models.RoleAgent).get(href); res.StatusCode != http.StatusForbidden {
		t.Errorf("agent reads a transcript: %d", res.StatusCode)
	}
}

func TestChatImportRejectsABadFileWithLineNumbers(t *testing.T) {
	a := newApp(t)
	m := a.loginAs(models.RoleManager)
	bad := "conversation_id,buyer,agent,sender,sent_at,text\nx,b,a,buyer,2026-11-11 09:00:00,ok\nx,b,a,buyer,昨天,bad\n"
	res := m.upload("/spot-checks/import", "bad.csv", bad)
	d := waitForRun(t, m, res.Header.Get("Location")).doc(t)
	problems := d.Find(`[data-testid="import-problems"] li`)
	if problems.Length() != 1 || !strings.Contains(problems.Text(), "第 3 行") || !strings.Contains(problems.Text(), "昨天") {
		t.Errorf("problems = %q", problems.Text())
	}
	if res := m.get("/spot-checks/chats"); res.doc(t).Find(`[data-testid="chats-empty"]`).Length() != 1 {
		t.Error("a rejected file left chats behind")
	}
	// No file chosen: told next to the field.
	if res := m.upload("/spot-checks/import", "empty.csv", ""); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-file"`) {
		t.Errorf("empty upload: %d", res.StatusCode)
	}
}

func TestUnknownChatNicksAreListedForTheAdminToMap(t *testing.T) {
	a := newApp(t)
	qc := a.loginAs(models.RoleQC)
	waitForRun(t, qc, qc.upload("/spot-checks/import", "chats.csv", uploadCSV).Header.Get("Location"))
	admin := a.loginAs(models.RoleAdmin)
	d := admin.get("/admin/users").doc(t)
	if d.Find(`[data-testid="nick-云裳:小美"]`).Length() != 1 || d.Find(`[data-testid="nick-云裳:阿华"]`).Length() != 1 {
		t.Fatalf("unknown nicks not listed")
	}
	agent := a.users[models.RoleAgent]
	res := admin.postForm("/admin/nicks", map[string][]string{"nick": {"云裳:小美"}, "user_id": {itoa(agent.ID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d", res.StatusCode)
	}
	d = admin.get("/admin/users").doc(t)
	if d.Find(`[data-testid="nick-云裳:小美"]`).Length() != 0 || !strings.Contains(d.Find(`[data-testid="user-u_agent"]`).Text(), "云裳:小美") {
		t.Error("nick still unknown after assigning it")
	}
	// The transcript now names the person, not the sub-account.
	list := qc.get("/spot-checks/chats?slow=1").doc(t)
	href, _ := list.Find(`[data-testid="chat-row"] a`).Attr("href")
	if !strings.Contains(qc.get(href).Body, agent.DisplayName) {
		t.Error("transcript does not name the mapped agent")
	}
	// Giving the same nick to someone else is refused with the holder's name.
	res = admin.postForm("/admin/nicks", map[string][]string{"nick": {"云裳:小美"}, "user_id": {itoa(a.users[models.RoleQC].ID)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "u_agent") {
		t.Errorf("double assignment: %d", res.StatusCode)
	}
}

const flaggedCSV = `conversation_id,buyer,agent,sender,sent_at,text
f1,tb_阿强,云裳:大鹏,buyer,2026-11-11 10:00:00,能便宜点吗
f1,tb_阿强,云裳:大鹏,agent,2026-11-11 10:00:20,给你优惠50元吧
f1,tb_阿强,云裳:大鹏,buyer,2026-11-11 10:01:00,我要换尺码
f1,tb_阿强,云裳:大鹏,agent,2026-11-11 10:01:30,规定就是这样
g1,tb_小美,云裳:小晴,buyer,2026-11-11 11:00:00,在吗
g1,tb_小美,云裳:小晴,agent,2026-11-11 11:00:10,亲，您好，在的
g1,tb_小美,云裳:小晴,buyer,2026-11-11 11:00:40,好的谢谢
g1,tb_小美,云裳:小晴,agent,2026-11-11 11:00:50,不客气，祝您生活愉快
`

func TestAutomaticChecksFlagChats(t *testing.T) {
	a := newApp(t)
	qc := a.loginAs(models.RoleQC)
	waitForRun(t, qc, qc.upload("/spot-checks/import", "flags.csv", flaggedCSV).Header.Get("Location"))

	d := qc.get("/spot-checks/chats?flag=banned_word").doc(t)
	rows := d.Find(`[data-testid="chat-row"]`)
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "tb_阿强") {
		t.Fatalf("banned-word filter: %d rows %q", rows.Length(), rows.Text())
	}
	badges := rows.Find(`[data-testid="flag-badge"]`).Text()
	for _, want := range []string{"未问候", "禁用词", "优惠超限", "无结束语"} {
		if !strings.Contains(badges, want) {
			t.Errorf("badges %q lack %q", badges, want)
		}
	}
	href, _ := rows.Find("a").Attr("href")
	tr := qc.get(href).doc(t)
	flags := tr.Find(`[data-testid="flag"]`)
	if !strings.Contains(flags.Text(), "¥50") || !strings.Contains(flags.Text(), "规定就是这样") {
		t.Errorf("flags at messages: %q", flags.Text())
	}
	// The polite chat raises nothing.
	if n := qc.get("/spot-checks/chats?buyer=tb_小美").doc(t).Find(`[data-testid="flag-badge"]`).Length(); n != 0 {
		t.Errorf("polite chat has %d flags", n)
	}
	// A manager turns the banned-word check off: new imports stop raising it.
	admin := a.loginAs(models.RoleAdmin)
	form := map[string][]string{"version": {"1"}, "flag_banned_word_on": {"false"}}
	if res := admin.postForm("/admin/settings", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("turn off: %d %s", res.StatusCode, res.Body)
	}
	if strings.Contains(qc.get(href).doc(t).Find(`[data-testid="flag"]`).Text(), "规定就是这样") {
		t.Error("a disabled check still shows on the transcript")
	}
	// The stored flags of recent chats are rechecked in the background, so
	// the list filter follows the new settings too.
	deadline := time.Now().Add(10 * time.Second)
	for qc.get("/spot-checks/chats?flag=banned_word").doc(t).Find(`[data-testid="chat-row"]`).Length() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("stored flags were not rechecked after the setting changed")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
