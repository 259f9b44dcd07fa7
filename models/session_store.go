package models

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"gorm.io/gorm"
)

// SessionUserKey is the session value holding the logged-in user's id. The
// store copies it to a column so a user's sessions can be ended together.
const SessionUserKey = "user_id"

// SessionStore is a gorilla/sessions store that keeps session data in
// PostgreSQL (sessionData, as JSON) and only a signed session id in the
// cookie.
type SessionStore struct {
	db      *gorm.DB
	codecs  []securecookie.Codec
	Options *sessions.Options
}

// NewSessionStore signs cookies with secret (at least 32 bytes).
func NewSessionStore(db *gorm.DB, secret []byte, secure bool) *SessionStore {
	return &SessionStore{
		db:     db,
		codecs: securecookie.CodecsFromPairs(secret),
		Options: &sessions.Options{
			Path:     "/",
			MaxAge:   int((14 * 24 * time.Hour).Seconds()),
			HttpOnly: true,
			Secure:   secure,
			SameSite: http.SameSiteLaxMode,
		},
	}
}

// Get returns the session of this request, cached for the request.
func (s *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the cookie, or starts an empty one.
func (s *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess, _, _, err := s.load(r, name, false)
	return sess, err
}

// Load is New plus, read in the same statement, the user the session is
// logged in as (nil for a session without one, whose row is then read a
// second time on its own: only before login) and the cache counters as
// the request begins (nil without a user). Every page needs all three;
// one round trip instead of three is 10-40% of a page's statements.
func (s *SessionStore) Load(r *http.Request, name string) (*sessions.Session, *User, *CacheVersions, error) {
	return s.load(r, name, true)
}

func (s *SessionStore) load(r *http.Request, name string, withUser bool) (*sessions.Session, *User, *CacheVersions, error) {
	sess := sessions.NewSession(s, name)
	opts := *s.Options
	sess.Options = &opts
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return sess, nil, nil, nil
	}
	if err := securecookie.DecodeMulti(name, c.Value, &sess.ID, s.codecs...); err != nil {
		// A tampered or old cookie starts a fresh session; not an error for the user.
		sess.ID = ""
		return sess, nil, nil, nil
	}
	var data string
	var u *User
	var versions *CacheVersions
	if withUser {
		if data, u, versions, err = s.sessionUser(r.Context(), sess.ID); err != nil {
			return sess, nil, nil, err
		}
	}
	if u == nil {
		// No user behind the session (or not asked for): the row alone.
		var row struct{ Data string }
		err = s.db.WithContext(r.Context()).Raw(
			`SELECT data FROM web_sessions WHERE id = ? AND expires_at > now()`, sess.ID).Scan(&row).Error
		if err != nil {
			return sess, nil, nil, fmt.Errorf("models: unable to load session: %w", err)
		}
		data = row.Data
	}
	if data == "" {
		sess.ID = ""
		return sess, nil, nil, nil
	}
	values, signed, err := decodeSessionData(name, data, s.codecs)
	if err != nil {
		sess.ID = ""
		return sess, nil, nil, nil
	}
	if withUser && u == nil && !signed {
		// Save writes a JSON row's user to the user_id column the join
		// follows; a user only its unsigned data names is not logged in
		// (the caller would otherwise read that user by id, as it must for
		// a signed row from before the column).
		delete(values, SessionUserKey)
	}
	sess.Values = values
	sess.IsNew = false
	// The user_id column is written from the values by Save; a user that
	// is not the one the values name is not this session's.
	if id, ok := sess.Values[SessionUserKey].(int64); u != nil && (!ok || id != u.ID) {
		u, versions = nil, nil
	}
	return sess, u, versions, nil
}

// sessionUser reads a live session's data, its user with their nicks and
// the cache counters, or nothing when the session has no user (the caller
// reads it alone).
func (s *SessionStore) sessionUser(ctx context.Context, id string) (string, *User, *CacheVersions, error) {
	// The nicks are aggregated per user in a lateral subquery: the user is
	// known only through the join, which the planner cannot push into
	// usersWithNicks' aggregate over every agent's nicks.
	rows, err := s.db.WithContext(ctx).Raw(`
		SELECT u.id, u.username, u.display_name, u.role, u.team, u.password_hash, u.disabled, u.locale,
		       u.version, u.created_at, u.updated_at, u.updated_by, coalesce(nk.nicks, '{}'), w.data,
		       coalesce(`+cacheVersionsSQL+`, '')
		  FROM web_sessions w
		  JOIN users u ON u.id = w.user_id
		  LEFT JOIN LATERAL (SELECT array_agg(nick ORDER BY nick) AS nicks FROM agent_nicks WHERE user_id = u.id) nk ON true
		 WHERE w.id = ? AND w.expires_at > now()`, id).Rows()
	if err != nil {
		return "", nil, nil, fmt.Errorf("models: unable to load session and user: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return "", nil, nil, rows.Err()
	}
	var u User
	var data, versions string
	if err := scanUser(rows, &u, &data, &versions); err != nil {
		return "", nil, nil, fmt.Errorf("models: unable to read session and user: %w", err)
	}
	return data, &u, parseCacheVersions(versions), rows.Err()
}

// Save writes the session row and the cookie; MaxAge < 0 deletes both.
func (s *SessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	ctx := r.Context()
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.db.WithContext(ctx).Exec(`DELETE FROM web_sessions WHERE id = ?`, sess.ID).Error; err != nil {
				return fmt.Errorf("models: unable to delete session: %w", err)
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	if sess.ID == "" {
		sess.ID = newSessionID()
	}
	data, err := encodeSessionData(sess.Values)
	if err != nil {
		return err
	}
	var userID *int64
	if id, ok := sess.Values[SessionUserKey].(int64); ok {
		userID = &id
	}
	expires := time.Now().Add(time.Duration(sess.Options.MaxAge) * time.Second)
	err = s.db.WithContext(ctx).Exec(`
		INSERT INTO web_sessions (id, user_id, data, expires_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
		sess.ID, userID, data, expires).Error
	if err != nil {
		return fmt.Errorf("models: unable to save session: %w", err)
	}
	cookie, err := securecookie.EncodeMulti(sess.Name(), sess.ID, s.codecs...)
	if err != nil {
		return fmt.Errorf("models: unable to encode session cookie: %w", err)
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), cookie, sess.Options))
	return nil
}

// Renew gives the session a new id and drops the old row, so an id an
// attacker planted before login is worthless after it (session fixation).
func (s *SessionStore) Renew(ctx context.Context, sess *sessions.Session) error {
	if sess.ID != "" {
		if err := s.db.WithContext(ctx).Exec(`DELETE FROM web_sessions WHERE id = ?`, sess.ID).Error; err != nil {
			return fmt.Errorf("models: unable to drop old session: %w", err)
		}
	}
	sess.ID = ""
	// Housekeeping at login: cheap with the expires_at index, and no job to run.
	if err := s.db.WithContext(ctx).Exec(`DELETE FROM web_sessions WHERE expires_at < now()`).Error; err != nil {
		return fmt.Errorf("models: unable to purge expired sessions: %w", err)
	}
	return nil
}

// endSessions logs a user out everywhere.
func endSessions(tx *gorm.DB, userID int64) error {
	if err := tx.Exec(`DELETE FROM web_sessions WHERE user_id = ?`, userID).Error; err != nil {
		return fmt.Errorf("models: unable to end sessions of user %d: %w", userID, err)
	}
	return nil
}

func newSessionID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	return strings.TrimRight(base32.StdEncoding.EncodeToString(b), "=")
}
