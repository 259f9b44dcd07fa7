package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

func TestCreateUserScenarios(t *testing.T) {
	a := newApp(t)
	admin := a.loginAs(models.RoleAdmin)
	tests := []struct {
		name       string
		form       url.Values
		htmx       bool
		wantStatus int
		wantErrors []string // data-testid error-<field> expected
		wantKept   map[string]string
		notContain []string
	}{
		{
			name:       "bad input keeps what was typed",
			form:       url.Values{"username": {"x"}, "display_name": {"小美"}, "role": {"agent"}, "team": {"presales"}, "nicks": {"店:小美, 店:小美2"}, "password": {"short"}},
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []string{"username", "password"},
			wantKept:   map[string]string{"username": "x", "display_name": "小美"},
		},
		{
			name:       "htmx gets only the form",
			form:       url.Values{"username": {"ok_name"}, "role": {"boss"}, "password": {"long-enough"}},
			htmx:       true,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []string{"role"},
			notContain: []string{"<html", "topbar"},
		},
		{
			name:       "username taken, case-insensitively",
			form:       url.Values{"username": {"U_QC"}, "role": {"agent"}, "password": {"long-enough"}},
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []string{"username"},
		},
		{
			name:       "created",
			form:       url.Values{"username": {"xiaomei"}, "display_name": {"小美"}, "role": {"agent"}, "team": {"presales"}, "nicks": {"云裳:小美，云裳:小美2"}, "password": {"long-enough"}},
			wantStatus: http.StatusSeeOther,
		},
		{
			name:       "nick already held names the holder",
			form:       url.Values{"username": {"xiaomei2"}, "role": {"agent"}, "nicks": {"云裳:小美2"}, "password": {"long-enough"}},
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []string{"nicks"},
			wantKept:   map[string]string{"username": "xiaomei2"},
		},
	}
	for _, tc := range tests {
		var headers []string
		if tc.htmx {
			headers = []string{"HX-Request", "true"}
		}
		res := admin.postForm("/admin/users", tc.form, headers...)
		if res.StatusCode != tc.wantStatus {
			t.Errorf("%s: status %d, want %d: %s", tc.name, res.StatusCode, tc.wantStatus, res.Body)
			continue
		}
		d := res.doc(t)
		for _, f := range tc.wantErrors {
			if strings.TrimSpace(d.Find(`[data-testid="error-`+f+`"]`).Text()) == "" {
				t.Errorf("%s: no message next to %s", tc.name, f)
			}
		}
		for f, v := range tc.wantKept {
			if got := d.Find(`[name="`+f+`"]`).AttrOr("value", ""); got != v {
				t.Errorf("%s: %s kept as %q, want %q", tc.name, f, got, v)
			}
		}
		for _, s := range tc.notContain {
			if strings.Contains(res.Body, s) {
				t.Errorf("%s: response contains %q", tc.name, s)
			}
		}
	}
	u, err := a.store.UserByUsername(context.Background(), "xiaomei")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(u.Nicks, ",") != "云裳:小美,云裳:小美2" || u.Team != models.TeamPresales {
		t.Errorf("stored user: %+v", u)
	}
	if _, err := a.store.UserByUsername(context.Background(), "xiaomei2"); err == nil {
		t.Error("the user with a taken nick was half-written")
	}
	if got := admin.get("/admin/users").doc(t).Find(`[data-testid="flash"]`).Text(); got != "已创建用户 xiaomei。" {
		t.Errorf("flash after redirect = %q", got)
	}
	page, _ := a.store.ListAudit(context.Background(), models.AuditFilter{Entity: "user"})
	found := false
	for _, e := range page.Entries {
		if e.Action == "create" && e.ActorName == "u_admin" && strings.Contains(string(e.After), "xiaomei") {
			found = true
		}
	}
	if !found {
		t.Error("creation not in the audit log")
	}
}

// Two admins open the same user; the second save is refused and told who
// changed it; nothing of the first is overwritten.
func TestConcurrentUserEditsConflict(t *testing.T) {
	a := newApp(t)
	first, second := a.loginAs(models.RoleAdmin), a.loginAs(models.RoleAdmin)
	agent := a.users[models.RoleAgent]
	path := "/admin/users/" + itoa(agent.ID)
	version := first.get(path).doc(t).Find(`#user-form input[name="version"]`).AttrOr("value", "")
	if version != "1" {
		t.Fatalf("form version = %q", version)
	}
	second.get(path)
	res := first.postForm(path, url.Values{"version": {version}, "display_name": {"一号改的"}, "role": {"agent"}, "team": {"aftersales"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d %s", res.StatusCode, res.Body)
	}
	res = second.postForm(path, url.Values{"version": {version}, "display_name": {"二号改的"}, "role": {"qc"}, "team": {"qc"}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second save: %d", res.StatusCode)
	}
	d := res.doc(t)
	msg := d.Find(`[data-testid="conflict"]`).Text()
	if !strings.Contains(msg, "用户admin") || !strings.Contains(msg, "2026") {
		t.Errorf("conflict message = %q", msg)
	}
	if got := d.Find(`input[name="display_name"]`).AttrOr("value", ""); got != "二号改的" {
		t.Errorf("second admin's typing lost: %q", got)
	}
	u, _ := a.store.UserByID(context.Background(), agent.ID)
	if u.DisplayName != "一号改的" || u.Role != models.RoleAgent || u.Version != 2 {
		t.Errorf("stored after conflict: %+v", u)
	}
}

func TestPasswordResetEndsSessionsAndWorks(t *testing.T) {
	a := newApp(t)
	agent := a.loginAs(models.RoleAgent)
	admin := a.loginAs(models.RoleAdmin)
	path := "/admin/users/" + itoa(a.users[models.RoleAgent].ID) + "/password"
	res := admin.postForm(path, url.Values{"password": {"short"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-password"`) || strings.Contains(res.Body, "<html") {
		t.Fatalf("short password: %d %s", res.StatusCode, res.Body)
	}
	if res := admin.postForm(path, url.Values{"password": {"a-new-password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if res := agent.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("old session survives a password reset: %d", res.StatusCode)
	}
	if res := a.client().postForm("/login", url.Values{"username": {"u_agent"}, "password": {"a-new-password"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("new password does not work: %d", res.StatusCode)
	}
}

func TestSettings(t *testing.T) {
	a := newApp(t)
	admin := a.loginAs(models.RoleAdmin)
	other := a.loginAs(models.RoleAdmin)
	d := admin.get("/admin/settings").doc(t)
	if got := d.Find(`input[name="time_zone"]`).AttrOr("value", ""); got != "Asia/Shanghai" {
		t.Fatalf("default time zone shown = %q", got)
	}
	other.get("/admin/settings")

	res := admin.postForm("/admin/settings", url.Values{"version": {"1"}, "shop_name": {"云裳旗舰店"}, "time_zone": {"Mars/Olympus"}, "default_locale": {"zh-CN"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad zone: %d", res.StatusCode)
	}
	d = res.doc(t)
	if d.Find(`[data-testid="error-time_zone"]`).Length() != 1 || d.Find(`input[name="shop_name"]`).AttrOr("value", "") != "云裳旗舰店" {
		t.Errorf("bad zone: message or typed input missing")
	}
	res = admin.postForm("/admin/settings", url.Values{"version": {"1"}, "shop_name": {"云裳旗舰店"}, "time_zone": {"Asia/Tokyo"}, "default_locale": {"zh-CN"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, res.Body)
	}
	s, _ := a.store.Settings(context.Background())
	if s.Get(models.SettingShopName) != "云裳旗舰店" || s.Location().String() != "Asia/Tokyo" || s.Version != 2 {
		t.Errorf("stored settings: %q %s v%d", s.Get(models.SettingShopName), s.Location(), s.Version)
	}
	// Times are now shown in Tokyo: the today page's footer says so.
	if !strings.Contains(admin.get("/").Body, "Asia/Tokyo") {
		t.Error("time zone not applied to pages")
	}
	// The other admin's form is stale.
	res = other.postForm("/admin/settings", url.Values{"version": {"1"}, "shop_name": {"别的名字"}, "time_zone": {"Asia/Shanghai"}, "default_locale": {"en"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.doc(t).Find(`[data-testid="conflict"]`).Text(), "用户admin") {
		t.Errorf("stale settings save: %d", res.StatusCode)
	}
	s, _ = a.store.Settings(context.Background())
	if s.Get(models.SettingShopName) != "云裳旗舰店" {
		t.Error("stale save overwrote the settings")
	}
	page, _ := a.store.ListAudit(context.Background(), models.AuditFilter{Entity: "settings"})
	if len(page.Entries) != 1 || !strings.Contains(string(page.Entries[0].Before), "Asia/Shanghai") || !strings.Contains(string(page.Entries[0].After), "Asia/Tokyo") {
		t.Errorf("settings audit: %+v", page.Entries)
	}
}

func TestAuditPageFiltersAndPages(t *testing.T) {
	a := newApp(t)
	admin := a.loginAs(models.RoleAdmin)
	ctx := context.Background()
	actor := a.users[models.RoleAdmin].Actor("127.0.0.1")
	for i := 0; i < 60; i++ {
		if err := a.store.RecordEvent(ctx, actor, "ping", "probe", i); err != nil {
			t.Fatal(err)
		}
	}
	res := admin.get("/admin/audit?entity=probe")
	d := res.doc(t)
	if n := d.Find(`[data-testid="audit-row"]`).Length(); n != 50 {
		t.Fatalf("first page rows = %d", n)
	}
	next := d.Find(`[data-testid="audit-next"]`).AttrOr("href", "")
	if next == "" {
		t.Fatal("no next page link")
	}
	d2 := admin.get(next).doc(t)
	if n := d2.Find(`[data-testid="audit-row"]`).Length(); n != 10 {
		t.Errorf("second page rows = %d", n)
	}
	if d2.Find(`[data-testid="audit-next"]`).Length() != 0 {
		t.Error("a next link on the last page")
	}
	// HTMX filter swaps the section only; a bad date is told next to its field.
	res = admin.get("/admin/audit?from=11/11/2026", "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="error-from"`) || strings.Contains(res.Body, "<html") {
		t.Errorf("bad date: %d %s", res.StatusCode, res.Body)
	}
	if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "HX-Request") {
		t.Error("no Vary: HX-Request")
	}
	if res := admin.get("/admin/audit?actor=" + itoa(a.users[models.RoleQC].ID) + "&entity=probe"); res.doc(t).Find(`[data-testid="audit-empty"]`).Length() != 1 {
		t.Error("actor filter did not narrow")
	}
	// A boosted or history-restore request needs the whole page.
	if res := admin.get("/admin/audit", "HX-Request", "true", "HX-History-Restore-Request", "true"); !strings.Contains(res.Body, "<html") {
		t.Error("history restore got a fragment")
	}
}

// A change made by one admin reaches another admin's open user list as a
// server-sent event, which HTMX turns into a refresh of the list.
func TestLiveUpdateReachesOpenPages(t *testing.T) {
	a := newApp(t)
	watcher := a.loginAs(models.RoleAdmin)
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/events?topic=users", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := watcher.http.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("content type %q", res.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(res.Body)
	lines.Scan() // ": connected": the subscription exists from here on
	editor := a.loginAs(models.RoleAdmin)
	if r := editor.postForm("/admin/users", url.Values{"username": {"newbie"}, "role": {"agent"}, "password": {"long-enough"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", r.StatusCode)
	}
	for lines.Scan() {
		if lines.Text() == "event: users" {
			return
		}
	}
	t.Fatalf("no users event received: %v", lines.Err())
}
