package models_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/securecookie"

	"kefudesk/models"
)

// A session's values go to PostgreSQL as JSON and come back with the
// types the app reads (an int64 user id, string flashes); a row written
// in the earlier signed-gob form is still read; a value the data has no
// place for is refused at Save, not dropped.
func TestSessionDataRoundTripsThroughTheRow(t *testing.T) {
	s, _ := newStore(t)
	u := mustUser(t, s, "agent1", models.RoleAgent)
	secret := []byte("0123456789abcdef0123456789abcdef")
	store := models.NewSessionStore(s.DB(), secret, false)
	const name = "kefu_session"

	save := func(values map[any]any) (*http.Cookie, error) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		sess, err := store.New(req, name)
		if err != nil {
			t.Fatal(err)
		}
		sess.Values = values
		rec := httptest.NewRecorder()
		if err := store.Save(req, rec, sess); err != nil {
			return nil, err
		}
		cookies := rec.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("Save set %d cookies", len(cookies))
		}
		return cookies[0], nil
	}
	load := func(c *http.Cookie) (map[any]any, *models.User) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(c)
		sess, user, _, err := store.Load(req, name)
		if err != nil {
			t.Fatal(err)
		}
		if sess.IsNew {
			t.Fatal("the saved session was not found")
		}
		return sess.Values, user
	}

	c, err := save(map[any]any{models.SessionUserKey: u.ID, "_flash": []any{"saved", "again"}})
	if err != nil {
		t.Fatal(err)
	}
	var data string
	s.DB().Raw(`SELECT data FROM web_sessions WHERE user_id = ?`, u.ID).Scan(&data)
	if !strings.HasPrefix(data, "{") || !strings.Contains(data, `"again"`) {
		t.Errorf("row data = %q, want JSON with the flashes", data)
	}
	values, user := load(c)
	if id, ok := values[models.SessionUserKey].(int64); !ok || id != u.ID {
		t.Errorf("user id = %#v, want int64 %d", values[models.SessionUserKey], u.ID)
	}
	if user == nil || user.ID != u.ID {
		t.Errorf("loaded user = %v, want %d", user, u.ID)
	}
	flashes, _ := values["_flash"].([]any)
	if len(flashes) != 2 || flashes[0] != "saved" || flashes[1] != "again" {
		t.Errorf("flashes = %#v", values["_flash"])
	}

	// A JSON row is logged in through its user_id column only: data that
	// names a user the column does not is nobody's login.
	if err := s.DB().Exec(`UPDATE web_sessions SET user_id = NULL WHERE user_id = ?`, u.ID).Error; err != nil {
		t.Fatal(err)
	}
	values, user = load(c)
	if _, ok := values[models.SessionUserKey]; ok || user != nil {
		t.Errorf("a JSON row without its user_id column logged in: %#v (user %v)", values, user)
	}
	if err := s.DB().Exec(`UPDATE web_sessions SET user_id = ? WHERE user_id IS NULL`, u.ID).Error; err != nil {
		t.Fatal(err)
	}

	// A row from before: the values signed and gob-encoded by securecookie.
	old, err := securecookie.EncodeMulti(name, map[any]any{models.SessionUserKey: u.ID}, securecookie.CodecsFromPairs(secret)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Exec(`UPDATE web_sessions SET data = ? WHERE user_id = ?`, old, u.ID).Error; err != nil {
		t.Fatal(err)
	}
	values, user = load(c)
	if id, _ := values[models.SessionUserKey].(int64); id != u.ID || user == nil {
		t.Errorf("an old row read as %#v (user %v)", values, user)
	}
	if _, ok := values["_flash"]; ok {
		t.Errorf("an old row without flashes has %#v", values["_flash"])
	}

	if _, err := save(map[any]any{"theme": "dark"}); err == nil {
		t.Error("a value sessionData has no field for was saved")
	}
	if _, err := save(map[any]any{models.SessionUserKey: "7"}); err == nil {
		t.Error("a user id that is not an int64 was saved")
	}
}
