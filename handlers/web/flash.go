package web

import (
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

// SessionName is the cookie that names the server-side session.
const SessionName = "kefu_session"

const keySession = "kefudesk.session"

// Session returns this request's session (loaded by the auth middleware).
func Session(c echo.Context) *sessions.Session {
	s, _ := c.Get(keySession).(*sessions.Session)
	return s
}

// SetSession is for the middleware that loads the session.
func SetSession(c echo.Context, s *sessions.Session) { c.Set(keySession, s) }

// Flash keeps a message to show on the next page, after a redirect.
func Flash(c echo.Context, msg string) error {
	s := Session(c)
	if s == nil {
		return nil
	}
	s.AddFlash(msg)
	return s.Save(c.Request(), c.Response())
}

// takeFlash moves a pending flash message into the frame of this page.
func takeFlash(c echo.Context) error {
	s := Session(c)
	if s == nil {
		return nil
	}
	fl := s.Flashes()
	if len(fl) == 0 {
		return nil
	}
	if msg, ok := fl[len(fl)-1].(string); ok {
		c.Set(keyFlash, msg)
	}
	return s.Save(c.Request(), c.Response())
}
