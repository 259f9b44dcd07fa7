// Package events streams live-update signals to browsers as server-sent
// events; HTMX's SSE extension turns each into a refresh of one fragment.
package events

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models/live"
)

// Handler serves /events.
type Handler struct {
	hub  *live.Hub
	stop <-chan struct{} // closed when the server shuts down
}

// New builds the handler. Streams end when stop closes, so a graceful
// shutdown does not wait for browsers that never hang up.
func New(hub *live.Hub, stop <-chan struct{}) *Handler { return &Handler{hub: hub, stop: stop} }

// Register adds the route.
func (h *Handler) Register(r *web.Router) {
	r.Handle(http.MethodGet, "/events", h.Stream, web.All...)
}

// heartbeat keeps proxies from closing an idle stream.
const heartbeat = 25 * time.Second

// Stream sends "event: TOPIC" whenever one of the topics asked for changes.
// The signal carries no data: the page fetches what it may see.
func (h *Handler) Stream(c echo.Context) error {
	topics := c.QueryParams()["topic"]
	if len(topics) == 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "topic required")
	}
	ch, cancel := h.hub.Subscribe(topics)
	defer cancel()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": connected\n\n")
	w.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-c.Request().Context().Done():
			return nil
		case <-h.stop:
			return nil
		case t := <-ch:
			fmt.Fprintf(w, "event: %s\ndata: changed\n\n", t)
			w.Flush()
		case <-tick.C:
			fmt.Fprint(w, ": ping\n\n")
			w.Flush()
		}
	}
}
