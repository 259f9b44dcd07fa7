package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
)

// A page is sent whole with its length, and a template that fails half way
// sends the error page, not the half page with 200.
func TestRenderSendsWholePagesOrTheError(t *testing.T) {
	e := echo.New()
	e.HTTPErrorHandler = web.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))
	big := strings.Repeat("<p>第十一行</p>", 20000) // 380 KB, past every buffer on the way
	e.GET("/ok", func(c echo.Context) error {
		return web.Render(c, http.StatusOK, templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
			_, err := io.WriteString(w, big)
			return err
		}))
	})
	e.GET("/broken", func(c echo.Context) error {
		return web.Render(c, http.StatusOK, templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
			_, _ = io.WriteString(w, "<p>half a table")
			return errors.New("template failed")
		}))
	})

	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ok", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != big {
		t.Fatalf("page: %d, %d bytes, want 200 and %d bytes", rec.Code, rec.Body.Len(), len(big))
	}
	if got := rec.Header().Get(echo.HeaderContentLength); got != strconv.Itoa(len(big)) {
		t.Errorf("Content-Length %q, want %d", got, len(big))
	}

	rec = httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/broken", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "half a table") {
		t.Errorf("broken template: %d %q", rec.Code, rec.Body.String())
	}
	if rec.Body.Len() == 0 {
		t.Error("broken template: no error page")
	}
}
