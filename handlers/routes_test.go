package handlers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/static"
)

// TestEveryRouteAnswersEveryRoleAsDeclared walks every route echo knows with
// every role: a role not declared gets 403, a declared one never does, and
// no route exists that was registered without declaring who may use it.
func TestEveryRouteAnswersEveryRoleAsDeclared(t *testing.T) {
	a := newApp(t)
	declared := map[string]web.Route{}
	for _, r := range a.router.Router.Routes() {
		declared[r.Method+" "+r.Path] = r
	}
	for _, r := range a.router.Echo.Routes() {
		if _, ok := declared[r.Method+" "+r.Path]; !ok && !strings.HasPrefix(r.Name, "github.com/labstack/echo") {
			t.Errorf("route %s %s was registered without declaring its roles", r.Method, r.Path)
		}
	}
	clients := map[models.Role]*client{}
	for _, role := range models.Roles {
		clients[role] = a.loginAs(role)
	}
	for _, r := range a.router.Router.Routes() {
		if r.Public || r.Path == "/events" || r.Path == "/logout" {
			continue // /events streams forever; /logout would end the session the walk uses
		}
		path := strings.ReplaceAll(r.Path, ":id", itoa(a.users[models.RoleAgent].ID))
		for _, role := range models.Roles {
			var res response
			if r.Method == http.MethodGet {
				res = clients[role].get(path)
			} else {
				res = clients[role].postForm(path, url.Values{})
			}
			allowed := web.Allowed(role, r.Roles)
			if !allowed && res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s as %s: status %d, want 403", r.Method, r.Path, role, res.StatusCode)
			}
			if allowed && (res.StatusCode == http.StatusForbidden || res.StatusCode >= 500) {
				t.Errorf("%s %s as %s: status %d, want it allowed", r.Method, r.Path, role, res.StatusCode)
			}
		}
		// Nobody logged in: sent to the login page, never served.
		anon := a.client()
		var res response
		if r.Method == http.MethodGet {
			res = anon.get(path)
		} else {
			res = anon.postForm(path, url.Values{})
		}
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("%s %s anonymous: status %d location %q", r.Method, r.Path, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

func TestPublicRoutes(t *testing.T) {
	a := newApp(t)
	c := a.client()
	for _, p := range []string{"/healthz", "/readyz", "/login", "/static/htmx.min.js", "/static/app.css"} {
		if res := c.get(p); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.StatusCode)
		}
	}
}

// Pages link each asset with its content's hash, kept by browsers for a
// year; a deploy that changes a file changes its address. A plain or stale
// address is kept for an hour.
func TestAssetsAreLinkedByTheirContent(t *testing.T) {
	a := newApp(t)
	c := a.client()
	css, err := static.FS.ReadFile("app.css")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(css)
	want := "/static/app.css?v=" + hex.EncodeToString(sum[:6])
	href, _ := c.get("/login").doc(t).Find(`link[rel=stylesheet]`).Attr("href")
	if href != want {
		t.Fatalf("the login page links the stylesheet as %q, want %q", href, want)
	}
	for path, cache := range map[string]string{
		want:                      "public, max-age=31536000, immutable",
		"/static/app.css":         "public, max-age=3600",
		"/static/app.css?v=0000":  "public, max-age=3600",
		"/static/htmx.min.js?v=1": "public, max-age=3600",
	} {
		res := c.get(path)
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != cache {
			t.Errorf("GET %s: %d, Cache-Control %q, want %q", path, res.StatusCode, res.Header.Get("Cache-Control"), cache)
		}
	}
	if res := c.get(want); res.Body != string(css) {
		t.Error("the versioned address does not serve the stylesheet")
	}
}

func TestErrorPages(t *testing.T) {
	a := newApp(t)
	c := a.loginAs(models.RoleAgent)
	res := c.get("/no/such/page")
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d", res.StatusCode)
	}
	d := res.doc(t)
	if d.Find(`[data-testid="error-404"]`).Length() != 1 || d.Find(`header.topbar`).Length() != 1 {
		t.Errorf("404 is not the framed error page: %s", res.Body)
	}
	if res := c.get("/admin/users"); res.StatusCode != http.StatusForbidden || res.doc(t).Find(`[data-testid="error-403"]`).Length() != 1 {
		t.Errorf("403 page: %d", res.StatusCode)
	}
	// HTMX gets an inline message in the error region instead of nothing.
	res = c.get("/admin/users", "HX-Request", "true")
	if res.StatusCode != http.StatusForbidden || res.Header.Get("HX-Retarget") != "#error-region" ||
		!strings.Contains(res.Body, `data-testid="inline-error"`) || strings.Contains(res.Body, "<html") {
		t.Errorf("HTMX 403: %d retarget=%q body=%s", res.StatusCode, res.Header.Get("HX-Retarget"), res.Body)
	}
}
