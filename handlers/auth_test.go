package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kefudesk/models"
)

func TestLoginPageHasTheFormFields(t *testing.T) {
	a := newApp(t)
	res := a.client().get("/login")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	d := res.doc(t)
	for _, sel := range []string{`input[name="username"]`, `input[name="password"][type="password"]`, `input[type="hidden"][name="_csrf"]`} {
		if d.Find(`form[data-testid="login-form"] `+sel).Length() != 1 {
			t.Errorf("login form lacks %s", sel)
		}
	}
	if tok, _ := d.Find(`form[data-testid="login-form"] input[name="_csrf"]`).Attr("value"); tok == "" {
		t.Error("CSRF token is empty")
	}
}

func TestLoginLogout(t *testing.T) {
	a := newApp(t)
	c := a.client()

	res := c.postForm("/login", url.Values{"username": {"u_agent"}, "password": {"wrong-password"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", res.StatusCode)
	}
	d := res.doc(t)
	if got := d.Find(`[data-testid="login-error"]`).Text(); got != "用户名或密码不正确。" {
		t.Errorf("wrong password message = %q", got)
	}
	if v, _ := d.Find(`input[name="username"]`).Attr("value"); v != "u_agent" {
		t.Errorf("typed username not kept: %q", v)
	}
	// An unknown name gets the very same answer: no hint which field was wrong.
	res2 := c.postForm("/login", url.Values{"username": {"nobody"}, "password": {"wrong-password"}})
	if res2.doc(t).Find(`[data-testid="login-error"]`).Text() != d.Find(`[data-testid="login-error"]`).Text() {
		t.Error("unknown user and wrong password answer differently")
	}

	res = c.postForm("/login", url.Values{"username": {"U_Agent"}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("login: status %d location %q", res.StatusCode, res.Header.Get("Location"))
	}
	home := c.get("/")
	if home.StatusCode != http.StatusOK || !strings.Contains(home.doc(t).Find(`[data-testid="today-title"]`).Text(), "用户agent") {
		t.Fatalf("today page: %d %s", home.StatusCode, home.Body)
	}

	var sessions int64
	a.store.DB().Raw(`SELECT count(*) FROM web_sessions WHERE user_id = ?`, a.users[models.RoleAgent].ID).Scan(&sessions)
	if sessions != 1 {
		t.Fatalf("sessions in database after login = %d", sessions)
	}
	res = c.postForm("/logout", url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("logout: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	a.store.DB().Raw(`SELECT count(*) FROM web_sessions WHERE user_id = ?`, a.users[models.RoleAgent].ID).Scan(&sessions)
	if sessions != 0 {
		t.Errorf("session row survives logout")
	}
	if res := c.get("/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("after logout / answers %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestLoginGetsNewSessionID(t *testing.T) {
	a := newApp(t)
	c := a.client()
	// Switching language before login creates an anonymous session cookie.
	c.postForm("/locale", url.Values{"locale": {"en"}, "next": {"/login"}})
	c.postForm("/login", url.Values{"username": {"u_qc"}, "password": {"nope-nope"}})
	before := cookie(c, a, "kefu_session")
	c.postForm("/login", url.Values{"username": {"u_qc"}, "password": {testPassword}})
	after := cookie(c, a, "kefu_session")
	if after == "" || after == before {
		t.Errorf("session cookie not renewed at login")
	}
}

func cookie(c *client, a *app, name string) string {
	u, _ := url.Parse(a.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func TestRepeatedFailuresAreSlowedThenLocked(t *testing.T) {
	a := newApp(t)
	c := a.client()
	for i := 0; i < models.DefaultLoginPolicy.SlowAfter; i++ {
		if res := c.postForm("/login", url.Values{"username": {"u_admin"}, "password": {"guess-" + string(rune('a'+i))}}); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("try %d: status %d", i, res.StatusCode)
		}
	}
	// Even the right password must wait now.
	res := c.postForm("/login", url.Values{"username": {"u_admin"}, "password": {testPassword}})
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.Body, "秒后再试") {
		t.Fatalf("after %d failures: status %d", models.DefaultLoginPolicy.SlowAfter, res.StatusCode)
	}
	// Ten failures within the window lock the name, from any address, and a
	// forged X-Forwarded-For does not get around it.
	for i := 0; i < models.DefaultLoginPolicy.LockAfter; i++ {
		if err := a.store.RecordLoginFailure(context.Background(), "u_admin", "203.0.113.9"); err != nil {
			t.Fatal(err)
		}
	}
	res = c.postForm("/login", url.Values{"username": {"u_admin"}, "password": {testPassword}}, "X-Forwarded-For", "198.51.100.7")
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.Body, "已暂时锁定") {
		t.Fatalf("locked: status %d", res.StatusCode)
	}
	// Colleagues behind the same office address are not locked out by it.
	if res := a.client().postForm("/login", url.Values{"username": {"u_qc"}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("other user: status %d", res.StatusCode)
	}
}

func TestRequestsWithoutCSRFTokenAreRefused(t *testing.T) {
	a := newApp(t)
	c := a.loginAs(models.RoleAdmin)
	for _, tc := range []struct {
		name, path string
		form       url.Values
	}{
		{"login", "/login", url.Values{"username": {"u_admin"}, "password": {testPassword}}},
		{"create user", "/admin/users", url.Values{"username": {"sneaky"}, "role": {"admin"}, "password": {"12345678"}}},
		{"wrong token", "/logout", url.Values{"_csrf": {"forged"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := c.postRaw(tc.path, tc.form)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", res.StatusCode)
			}
		})
	}
	if _, err := a.store.UserByUsername(context.Background(), "sneaky"); err == nil {
		t.Error("a user was created without a CSRF token")
	}
	// The header works as well as the form field (HTMX sends the header).
	res := c.postRaw("/admin/users", url.Values{"username": {"viaheader"}, "role": {"agent"}, "password": {"12345678"}}, "X-CSRF-Token", c.csrf, "HX-Request", "true")
	if res.StatusCode != http.StatusNoContent || res.Header.Get("HX-Redirect") != "/admin/users" {
		t.Errorf("HTMX create with header token: %d %q %s", res.StatusCode, res.Header.Get("HX-Redirect"), res.Body)
	}
}

func TestLanguageSwitchIsKeptPerUser(t *testing.T) {
	a := newApp(t)
	c := a.loginAs(models.RoleManager)
	if got := c.get("/").doc(t).Find("html").AttrOr("lang", ""); got != "zh-CN" {
		t.Fatalf("default language = %q", got)
	}
	res := c.postForm("/locale", url.Values{"locale": {"en"}, "next": {"/"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch: %d", res.StatusCode)
	}
	d := c.get("/").doc(t)
	if d.Find("html").AttrOr("lang", "") != "en" || !strings.Contains(d.Find(`[data-testid="today-title"]`).Text(), "Hello") {
		t.Errorf("page not in English after switch")
	}
	u, _ := a.store.UserByID(context.Background(), a.users[models.RoleManager].ID)
	if u.Locale != "en" {
		t.Errorf("locale in database = %q", u.Locale)
	}
	// A new login elsewhere (no cookie) still speaks English.
	other := a.loginAs(models.RoleManager)
	if got := other.get("/").doc(t).Find("html").AttrOr("lang", ""); got != "en" {
		t.Errorf("second browser language = %q", got)
	}
}

func TestDisablingAUserEndsTheirSessionAtOnce(t *testing.T) {
	a := newApp(t)
	agent := a.loginAs(models.RoleAgent)
	if res := agent.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("agent home: %d", res.StatusCode)
	}
	admin := a.loginAs(models.RoleAdmin)
	u := a.users[models.RoleAgent]
	res := admin.postForm("/admin/users/"+itoa(u.ID)+"/disabled", url.Values{"version": {itoa(int64(u.Version))}, "disabled": {"true"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", res.StatusCode, res.Body)
	}
	if res := agent.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("disabled agent still sees / (status %d)", res.StatusCode)
	}
	if res := a.client().postForm("/login", url.Values{"username": {u.Username}, "password": {testPassword}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled agent can log in: %d", res.StatusCode)
	}
}
