package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"kefudesk/models"
	"kefudesk/views"
)

// ErrCSRF is returned when a form's CSRF token is missing or wrong.
var ErrCSRF = echo.NewHTTPError(http.StatusForbidden, "invalid CSRF token")

// ErrForbidden is returned when the user's role may not use a route.
var ErrForbidden = echo.NewHTTPError(http.StatusForbidden, "forbidden")

// ErrorHandler turns a handler's error into the page the user sees: 404 for
// models.ErrNotFound, 409 for a version conflict, the HTTP error's own code,
// else a logged 500. HTMX requests get an inline message in the error region.
func ErrorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		code, msg := http.StatusInternalServerError, ""
		var he *echo.HTTPError
		switch {
		case errors.Is(err, models.ErrNotFound):
			code = http.StatusNotFound
		case errors.Is(err, models.ErrNotYours):
			code = http.StatusForbidden
		case errors.As(err, &he):
			code = he.Code
		}
		if conflict, ok := models.AsConflict(err); ok {
			code, msg = http.StatusConflict, views.ConflictText(Context(c), conflict)
		}
		if code >= 500 {
			log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		}
		if msg == "" {
			msg = messageFor(c, code, err)
		}
		if c.Request().Header.Get("HX-Request") == "true" {
			// Put the message where the user looks, whatever the request targeted.
			h := c.Response().Header()
			h.Set("HX-Retarget", "#error-region")
			h.Set("HX-Reswap", "innerHTML")
			_ = Render(c, code, views.InlineError(msg))
			return
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(code)
			return
		}
		page := views.ErrorPage(pageCode(code), msg)
		if User(c) == nil {
			page = views.BareErrorPage(pageCode(code), msg)
		}
		if rerr := Render(c, code, page); rerr != nil {
			log.Error("render error page", "err", rerr)
		}
	}
}

// pageCode picks which of the three error pages explains code.
func pageCode(code int) int {
	switch {
	case code == http.StatusNotFound || code == http.StatusMethodNotAllowed:
		return http.StatusNotFound
	case code >= 500:
		return http.StatusInternalServerError
	default:
		return http.StatusForbidden
	}
}

func messageFor(c echo.Context, code int, err error) string {
	if errors.Is(err, ErrCSRF) {
		return T(c, "error.csrf")
	}
	switch pageCode(code) {
	case http.StatusNotFound:
		return T(c, "error.404.body")
	case http.StatusForbidden:
		return T(c, "error.403.body")
	}
	return T(c, "error.500.body")
}
