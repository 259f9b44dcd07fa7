// Package auth handles logging in and out and the language switch.
package auth

import (
	"context"
	"errors"
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
	"kefudesk/views/i18n"
)

// Store is what these handlers need from the model layer.
type Store interface {
	Authenticate(ctx context.Context, username, password string) (models.User, error)
	CheckLogin(ctx context.Context, p models.LoginPolicy, username, ip string) (models.LoginGate, error)
	RecordLoginFailure(ctx context.Context, username, ip string) error
	ClearLoginFailures(ctx context.Context, p models.LoginPolicy, username string) error
	RecordEvent(ctx context.Context, a models.Actor, action, entity string, entityID any) error
	SetLocale(ctx context.Context, a models.Actor, id int64, locale string) error
}

// Handler serves /login, /logout and /locale.
type Handler struct {
	store    Store
	sessions *models.SessionStore
	policy   models.LoginPolicy
}

// New builds the handler.
func New(store Store, sessions *models.SessionStore, policy models.LoginPolicy) *Handler {
	return &Handler{store: store, sessions: sessions, policy: policy}
}

// Register adds the routes.
func (h *Handler) Register(r *web.Router) {
	r.Public(http.MethodGet, "/login", h.LoginForm)
	r.Public(http.MethodPost, "/login", h.Login)
	r.Public(http.MethodPost, "/locale", h.SetLocale)
	r.Handle(http.MethodPost, "/logout", h.Logout, web.All...)
}

// LoginForm shows the login page, or sends a logged-in user home.
func (h *Handler) LoginForm(c echo.Context) error {
	if web.User(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return web.Render(c, http.StatusOK, views.LoginPage(views.LoginView{Next: c.QueryParam("next")}))
}

// Login checks the password. The error never says which field was wrong;
// repeated failures are slowed, then locked for a while.
func (h *Handler) Login(c echo.Context) error {
	ctx := c.Request().Context()
	v := views.LoginView{Username: c.FormValue("username"), Next: c.FormValue("next")}
	password := c.FormValue("password")
	if v.Username == "" || password == "" {
		v.Error = web.T(c, "login.required")
		return web.Render(c, http.StatusUnprocessableEntity, views.LoginPage(v))
	}
	gate, err := h.store.CheckLogin(ctx, h.policy, v.Username, c.RealIP())
	if err != nil {
		return err
	}
	if gate.Locked {
		v.Error = web.T(c, "login.locked", int(math.Ceil(gate.Wait.Minutes())))
		return web.Render(c, http.StatusTooManyRequests, views.LoginPage(v))
	}
	if gate.Wait > 0 {
		v.Error = web.T(c, "login.wait", int(math.Ceil(gate.Wait.Seconds())))
		return web.Render(c, http.StatusTooManyRequests, views.LoginPage(v))
	}
	u, err := h.store.Authenticate(ctx, v.Username, password)
	if errors.Is(err, models.ErrBadCredentials) {
		if err := h.store.RecordLoginFailure(ctx, v.Username, c.RealIP()); err != nil {
			return err
		}
		v.Error = web.T(c, "login.failed")
		return web.Render(c, http.StatusUnauthorized, views.LoginPage(v))
	}
	if err != nil {
		return err
	}
	if err := h.store.ClearLoginFailures(ctx, h.policy, u.Username); err != nil {
		return err
	}
	sess := web.Session(c)
	if err := h.sessions.Renew(ctx, sess); err != nil {
		return err
	}
	// A language chosen on the login page carries over to a user who has none.
	if ck, err := c.Cookie(web.LocaleCookie); err == nil && u.Locale == "" {
		if err := h.store.SetLocale(ctx, u.Actor(c.RealIP()), u.ID, i18n.Normalize(ck.Value)); err != nil {
			return err
		}
	}
	sess.Values = map[any]any{models.SessionUserKey: u.ID}
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	if err := h.store.RecordEvent(ctx, u.Actor(c.RealIP()), "login", "session", u.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, web.SafeNext(v.Next))
}

// Logout ends the session on the server, not just in the browser.
func (h *Handler) Logout(c echo.Context) error {
	sess := web.Session(c)
	if err := h.store.RecordEvent(c.Request().Context(), web.Actor(c), "logout", "session", web.User(c).ID); err != nil {
		return err
	}
	sess.Options.MaxAge = -1
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return web.Redirect(c, "/login")
}

// SetLocale switches the language: kept on the user when logged in, and in
// a cookie so the login page speaks it too.
func (h *Handler) SetLocale(c echo.Context) error {
	loc := c.FormValue("locale")
	if loc != i18n.ZH && loc != i18n.EN {
		return echo.NewHTTPError(http.StatusBadRequest, "unknown locale")
	}
	if u := web.User(c); u != nil {
		if err := h.store.SetLocale(c.Request().Context(), web.Actor(c), u.ID, loc); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{
		Name: web.LocaleCookie, Value: loc, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Expires: time.Now().AddDate(1, 0, 0),
	})
	return web.Redirect(c, web.SafeNext(c.FormValue("next")))
}
