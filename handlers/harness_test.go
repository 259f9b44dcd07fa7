package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kefudesk/handlers"
	"kefudesk/models"
	"kefudesk/models/live"
	"kefudesk/models/testdb"
)

const testPassword = "correct-horse"

// app is a running server on a fresh database with one user per role.
type app struct {
	t       *testing.T
	srv     *httptest.Server
	store   *models.Store
	router  *handlers.Server
	users   map[models.Role]models.User
	queries *queryCounter // statements of the latest request
}

func newApp(t *testing.T) *app {
	t.Helper()
	t.Parallel()
	db, dsn := testdb.New(t)
	// Callbacks are registered before anything uses db: the server starts
	// background work (monthly VIP lists) that queries it at once.
	q := newQueryCounter(db)
	store := models.NewStore(db)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	hub := live.NewHub(dsn, log)
	go hub.Run(ctx)
	stop := make(chan struct{})
	s := handlers.New(handlers.Config{
		Store: store, Sessions: models.NewSessionStore(db, []byte("0123456789abcdef0123456789abcdef"), false),
		Hub: hub, Log: log, LoginPolicy: models.DefaultLoginPolicy, Stop: stop, Background: ctx,
		Now: func() time.Time { return time.Date(2026, 11, 11, 2, 0, 0, 0, time.UTC) },
	})
	srv := httptest.NewServer(q.wrap(s.Echo))
	t.Cleanup(func() { close(stop); srv.Close(); cancel() })
	a := &app{t: t, srv: srv, store: store, router: s, users: map[models.Role]models.User{}, queries: q}
	for _, r := range models.Roles {
		u, err := store.CreateUser(context.Background(), models.SystemActor, models.UserForm{
			Username: "u_" + string(r), DisplayName: "用户" + string(r), Role: r, Password: testPassword,
		})
		if err != nil {
			t.Fatalf("create %s: %v", r, err)
		}
		a.users[r] = u
	}
	return a
}

// client is one browser: a cookie jar that does not follow redirects, so
// tests see the 303s users' browsers get.
type client struct {
	a    *app
	http *http.Client
	csrf string
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{a: a, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// loginAs logs a new client in as the user of role.
func (a *app) loginAs(role models.Role) *client {
	c := a.client()
	res := c.postForm("/login", url.Values{"username": {a.users[role].Username}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("login as %s: status %d: %s", role, res.StatusCode, res.Body)
	}
	return c
}

type response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

func (r response) doc(t *testing.T) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return d
}

func (c *client) do(req *http.Request) response {
	c.a.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := response{StatusCode: res.StatusCode, Header: res.Header, Body: string(b)}
	// Keep the CSRF token the latest page carries, as a browser would.
	if d, err := goquery.NewDocumentFromReader(strings.NewReader(out.Body)); err == nil {
		if tok, ok := d.Find(`meta[name="csrf-token"]`).Attr("content"); ok && tok != "" {
			c.csrf = tok
		}
	}
	return out
}

func (c *client) get(path string, headers ...string) response {
	req, _ := http.NewRequest(http.MethodGet, c.a.srv.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// postForm posts like a browser form, fetching a CSRF token first if needed.
func (c *client) postForm(path string, form url.Values, headers ...string) response {
	c.a.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.csrf)
	}
	return c.postRaw(path, form, headers...)
}

func (c *client) postRaw(path string, form url.Values, headers ...string) response {
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}
