// Package handlers wires Kefu Desk's HTTP server: middleware, every area's
// routes with the roles allowed on them, static files and health checks.
package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"kefudesk/handlers/admin"
	"kefudesk/handlers/auth"
	"kefudesk/handlers/badreviews"
	"kefudesk/handlers/events"
	"kefudesk/handlers/imports"
	"kefudesk/handlers/orders"
	"kefudesk/handlers/shifts"
	"kefudesk/handlers/spotchecks"
	"kefudesk/handlers/today"
	"kefudesk/handlers/vip"
	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/models/live"
	"kefudesk/static"
	"kefudesk/views"
)

// Config is everything the server is built from.
type Config struct {
	Store        *models.Store
	Sessions     *models.SessionStore
	Hub          *live.Hub
	Log          *slog.Logger
	CookieSecure bool
	TrustProxy   bool // take the client address from X-Forwarded-For (behind a reverse proxy)
	LoginPolicy  models.LoginPolicy
	Now          func() time.Time
	Stop         <-chan struct{} // closed at shutdown: ends live streams
	Background   context.Context // the server's lifetime, for work that outlives a request
}

// Server is the configured echo instance and its route table.
type Server struct {
	Echo   *echo.Echo
	Router *web.Router
}

// New builds the server.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Background == nil {
		cfg.Background = context.Background()
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = web.ErrorHandler(cfg.Log)
	// The client address throttles logins and goes into the audit log, so
	// it is taken from the connection unless a proxy we run sets it.
	e.IPExtractor = echo.ExtractIPDirect()
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	e.Use(middleware.Recover())
	e.Use(requestLog(cfg.Log))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
		ReferrerPolicy: "same-origin",
	}))
	e.Use(web.LoadSession(cfg.Store, cfg.Sessions))
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		CookieName:     "kefu_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   cfg.CookieSecure,
		CookieSameSite: http.SameSiteLaxMode,
		Skipper: func(c echo.Context) bool {
			return c.Path() == "/static/*"
		},
		ErrorHandler: func(err error, c echo.Context) error { return web.ErrCSRF },
	}))

	r := web.NewRouter(e)
	r.Public(http.MethodGet, "/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	r.Public(http.MethodGet, "/readyz", func(c echo.Context) error {
		if err := cfg.Store.Ping(c.Request().Context()); err != nil {
			return c.String(http.StatusServiceUnavailable, "database unreachable")
		}
		return c.String(http.StatusOK, "ready")
	})
	r.Public(http.MethodGet, "/static/*", echo.WrapHandler(staticFiles()))
	auth.New(cfg.Store, cfg.Sessions, cfg.LoginPolicy).Register(r)
	today.New(cfg.Store, cfg.Now).Register(r)
	admin.New(cfg.Store, cfg.Log, cfg.Background, cfg.Now).Register(r)
	events.New(cfg.Hub, cfg.Stop).Register(r)
	orders.New(cfg.Store, cfg.Log, cfg.Background, cfg.Now).Register(r)
	imports.New(cfg.Store, cfg.Log, cfg.Background, imports.Kind{
		Name: "chats", Base: "/spot-checks/import", Page: views.ChatImportKind,
		Import: func(ctx context.Context, a models.Actor, in io.Reader, name string, loc *time.Location, p models.ImportProgress) (models.ImportOutcome, error) {
			res, err := cfg.Store.ImportChats(ctx, a, in, name, loc, p)
			return res.Outcome(), err
		},
	}).Register(r, models.RoleManager, models.RoleQC)
	imports.New(cfg.Store, cfg.Log, cfg.Background, imports.Kind{
		Name: "orders", Base: "/orders/import", Page: views.OrderImportKind,
		Import: func(ctx context.Context, a models.Actor, in io.Reader, name string, loc *time.Location, p models.ImportProgress) (models.ImportOutcome, error) {
			res, err := cfg.Store.ImportOrders(ctx, a, in, name, loc, p)
			return res.Outcome(), err
		},
	}).Register(r, models.RoleManager)
	spotchecks.New(cfg.Store, cfg.Log, cfg.Background, cfg.Now).Register(r)
	badreviews.New(cfg.Store, cfg.Now).Register(r)
	imports.New(cfg.Store, cfg.Log, cfg.Background, imports.Kind{
		Name: "reviews", Base: "/reviews/import", Page: views.ReviewImportKind,
		Import: func(ctx context.Context, a models.Actor, in io.Reader, name string, loc *time.Location, p models.ImportProgress) (models.ImportOutcome, error) {
			res, err := cfg.Store.ImportBadReviews(ctx, a, in, name, loc, p)
			return res.Outcome(), err
		},
	}).Register(r, models.RoleManager)
	vip.New(cfg.Store, cfg.Log, cfg.Background, cfg.Now).Register(r)
	imports.New(cfg.Store, cfg.Log, cfg.Background, imports.Kind{
		Name: "vips", Base: "/vip/import", Page: views.VIPImportKind,
		Import: func(ctx context.Context, a models.Actor, in io.Reader, name string, loc *time.Location, p models.ImportProgress) (models.ImportOutcome, error) {
			res, err := cfg.Store.ImportVIPs(ctx, a, in, name, loc, p)
			return res.Outcome(), err
		},
	}).Register(r, models.RoleManager)
	shifts.New(cfg.Store, cfg.Now).Register(r)
	return &Server{Echo: e, Router: r}
}

// staticFiles serves the assets. Pages link them with their content's
// hash (static.URL), which a deploy changes, so those addresses are kept
// for a year; a plain address (a bookmark, an old page) for an hour.
func staticFiles() http.Handler {
	fs := http.StripPrefix("/static/", http.FileServerFS(static.FS))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cache := "public, max-age=3600"
		if v := r.URL.Query().Get("v"); v != "" && static.URL(strings.TrimPrefix(r.URL.Path, "/static/")) == r.URL.Path+"?v="+v {
			cache = "public, max-age=31536000, immutable"
		}
		w.Header().Set("Cache-Control", cache)
		fs.ServeHTTP(w, r)
	})
}

// requestLog writes one structured line per request.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURI: true, LogStatus: true, LogLatency: true, LogError: true, LogRemoteIP: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []any{"method", v.Method, "uri", v.URI, "status", v.Status,
				"duration_ms", float64(v.Latency.Microseconds()) / 1000, "ip", v.RemoteIP}
			if u := web.User(c); u != nil {
				attrs = append(attrs, "user", u.Username)
			}
			if v.Error != nil {
				attrs = append(attrs, "err", v.Error.Error())
			}
			log.Info("request", attrs...)
			return nil
		},
	})
}
