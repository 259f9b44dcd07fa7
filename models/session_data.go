package models

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gorilla/securecookie"
)

// sessionFlashKey is where gorilla/sessions keeps flash messages.
const sessionFlashKey = "_flash"

// sessionData is what a session holds, as written to web_sessions.data.
// The row never leaves the server, so it is plain JSON rather than a
// signed gob: decoding a gob map on every request was ~5% of the server's
// CPU under load, JSON of this struct a fraction of that.
type sessionData struct {
	UserID  int64    `json:"user_id,omitempty"`
	Flashes []string `json:"_flash,omitempty"`
}

// encodeSessionData writes the values the app keeps in a session. Any
// other value is refused rather than dropped, so a new one is noticed on
// its first Save and given a field here.
func encodeSessionData(values map[any]any) (string, error) {
	var d sessionData
	for k, v := range values {
		switch {
		case k == SessionUserKey:
			id, ok := v.(int64)
			if !ok {
				return "", fmt.Errorf("models: session value %q is a %T, not an int64", SessionUserKey, v)
			}
			d.UserID = id
		case k == sessionFlashKey:
			list, ok := v.([]any)
			if !ok {
				return "", fmt.Errorf("models: session flashes are a %T", v)
			}
			for _, f := range list {
				s, ok := f.(string)
				if !ok {
					return "", fmt.Errorf("models: session flash is a %T, not a string", f)
				}
				d.Flashes = append(d.Flashes, s)
			}
		default:
			return "", fmt.Errorf("models: session value %v (%T) has no place in sessionData", k, v)
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("models: unable to encode session data: %w", err)
	}
	return string(b), nil
}

// decodeSessionData reads a row's data into gorilla's values. A row
// written before the JSON form (signed is then true) is a securecookie
// value (it never starts with "{"), decoded as it was written; those rows
// are gone once their 14 days run out.
func decodeSessionData(name, data string, codecs []securecookie.Codec) (values map[any]any, signed bool, err error) {
	values = map[any]any{}
	if !strings.HasPrefix(data, "{") {
		if err := securecookie.DecodeMulti(name, data, &values, codecs...); err != nil {
			return nil, true, err
		}
		return values, true, nil
	}
	var d sessionData
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return nil, false, fmt.Errorf("models: unable to decode session data: %w", err)
	}
	if d.UserID != 0 {
		values[SessionUserKey] = d.UserID
	}
	if len(d.Flashes) > 0 {
		list := make([]any, len(d.Flashes))
		for i, f := range d.Flashes {
			list[i] = f
		}
		values[sessionFlashKey] = list
	}
	return values, false, nil
}
