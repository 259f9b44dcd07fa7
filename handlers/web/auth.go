package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"kefudesk/models"
	"kefudesk/views/i18n"
)

// Route is one registered endpoint and the roles that may use it. Routes
// deny by default: a route without roles is open to nobody, and Public
// routes are the only ones reachable without logging in.
type Route struct {
	Method string
	Path   string
	Roles  []models.Role
	Public bool
}

// Router registers handlers together with who may call them, and keeps the
// list so a test can walk every route with every role.
type Router struct {
	e      *echo.Echo
	routes []Route
}

// NewRouter wraps e.
func NewRouter(e *echo.Echo) *Router { return &Router{e: e} }

// Routes lists what was registered.
func (r *Router) Routes() []Route { return slices.Clone(r.routes) }

// Handle registers h for the given roles (logged in, one of roles).
func (r *Router) Handle(method, path string, h echo.HandlerFunc, roles ...models.Role) {
	r.routes = append(r.routes, Route{Method: method, Path: path, Roles: roles})
	r.e.Add(method, path, h, requireRoles(roles))
}

// Public registers h for everyone, logged in or not.
func (r *Router) Public(method, path string, h echo.HandlerFunc) {
	r.routes = append(r.routes, Route{Method: method, Path: path, Public: true})
	r.e.Add(method, path, h)
}

// All is every role, for pages every logged-in user has (today, own settings).
var All = models.Roles

// Allowed reports whether role may use a route with these roles.
func Allowed(role models.Role, roles []models.Role) bool { return slices.Contains(roles, role) }

func requireRoles(roles []models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := User(c)
			if u == nil {
				return toLogin(c)
			}
			if !Allowed(u.Role, roles) {
				return ErrForbidden
			}
			return next(c)
		}
	}
}

// toLogin sends an anonymous visitor to the login page, then back.
func toLogin(c echo.Context) error {
	target := "/login"
	if c.Request().Method == http.MethodGet && c.Request().URL.Path != "/" {
		target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", target)
		return c.NoContent(http.StatusUnauthorized)
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// SafeNext keeps a post-login redirect on this site.
func SafeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/"
	}
	return next
}

// LoadSession returns middleware that loads the session, the user behind it,
// the shop's settings and the request's language. A session whose user was
// disabled or removed counts as no session.
func LoadSession(store *models.Store, sessions *models.SessionStore) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if strings.HasPrefix(req.URL.Path, "/static/") || req.URL.Path == "/healthz" || req.URL.Path == "/readyz" {
				return next(c)
			}
			ctx := req.Context()
			settings, err := store.Settings(ctx)
			if err != nil {
				return err
			}
			c.Set(keySettings, settings)
			// The session and its user come in one statement. When the
			// join finds no user the session row is read alone (a session
			// before login: the login page, a language choice), and a
			// user the values name is then read on its own (a session
			// from before its user_id column).
			sess, u, versions, err := sessions.Load(req, SessionName)
			if err != nil {
				return fmt.Errorf("web: load session: %w", err)
			}
			SetSession(c, sess)
			if id, ok := sess.Values[models.SessionUserKey].(int64); ok && u == nil {
				byID, err := store.UserByID(ctx, id)
				switch {
				case err == nil:
					u = &byID
				case !errors.Is(err, models.ErrNotFound):
					return err
				}
			}
			if u != nil && !u.Disabled {
				c.Set(keyUser, u)
			} else {
				versions = nil
			}
			c.Set(keyLocale, pickLocale(c, settings))
			// A live refresh (an HTMX GET) must not eat the message meant
			// for the page the browser is about to load after a redirect.
			if req.Method == http.MethodGet && !Partial(c) {
				if err := takeFlash(c); err != nil {
					return err
				}
			}
			// The cache counters came with the session: a GET's copies of
			// the directory, the rota and the VIP tags use them instead of
			// reading each counter again. Not for a POST, which writes
			// before it reads (its writes would spend them anyway), and
			// only now, after the flash was taken (a session write, no
			// cached table).
			if req.Method == http.MethodGet || req.Method == http.MethodHead {
				c.SetRequest(c.Request().WithContext(models.WithCacheVersions(c.Request().Context(), versions)))
			}
			return next(c)
		}
	}
}

// LocaleCookie keeps the language chosen before login.
const LocaleCookie = "kefu_lang"

// pickLocale: the user's choice, else the cookie, else the shop's default.
// The browser's Accept-Language is not used: agents share shop computers
// set up in English, and the shop decides its language.
func pickLocale(c echo.Context, s models.Settings) string {
	if u := User(c); u != nil && u.Locale != "" {
		return u.Locale
	}
	if ck, err := c.Cookie(LocaleCookie); err == nil && ck.Value != "" {
		return i18n.Normalize(ck.Value)
	}
	return i18n.Normalize(s.Get(models.SettingDefaultLocale))
}
