package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/ical"
)

// CalendarToken returns the secret of the user's calendar feed URL,
// creating one the first time.
func (s *Store) CalendarToken(ctx context.Context, userID int64) (string, error) {
	var tok string
	err := s.conn(ctx).Raw(`SELECT token FROM calendar_feeds WHERE user_id = ?`, userID).Scan(&tok).Error
	if err != nil {
		return "", fmt.Errorf("models: unable to read calendar token: %w", err)
	}
	if tok != "" {
		return tok, nil
	}
	tok = newToken()
	err = s.conn(ctx).Exec(`INSERT INTO calendar_feeds (user_id, token) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING`, userID, tok).Error
	if err != nil {
		return "", fmt.Errorf("models: unable to create calendar token: %w", err)
	}
	// A concurrent first visit may have won: read what is stored.
	err = s.conn(ctx).Raw(`SELECT token FROM calendar_feeds WHERE user_id = ?`, userID).Scan(&tok).Error
	return tok, err
}

// ResetCalendarToken replaces the secret: the old URL stops working, for a
// feed shared by mistake.
func (s *Store) ResetCalendarToken(ctx context.Context, a Actor) (string, error) {
	tok := newToken()
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		err := tx.Exec(`INSERT INTO calendar_feeds (user_id, token) VALUES (?, ?)
			ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, created_at = now()`, a.ID, tok).Error
		if err != nil {
			return fmt.Errorf("models: unable to reset calendar token: %w", err)
		}
		return audit(tx, a, "reset", "calendar_feed", a.ID, nil, nil)
	})
	return tok, err
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// CalendarFeed writes the published shifts of the feed's owner from 14
// days back to 60 days ahead; an unknown token is ErrNotFound.
func (s *Store) CalendarFeed(ctx context.Context, token string, now time.Time, label func(shift string) string) (string, error) {
	var uid int64
	err := s.conn(ctx).Raw(`SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id AND NOT u.disabled WHERE f.token = ?`, token).Scan(&uid).Error
	if err != nil {
		return "", fmt.Errorf("models: unable to read calendar feed: %w", err)
	}
	if uid == 0 || len(token) < 32 {
		return "", fmt.Errorf("models: calendar feed: %w", ErrNotFound)
	}
	u, err := s.UserByID(ctx, uid)
	if err != nil {
		return "", err
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return "", err
	}
	from := DayOf(now, settings.Location()).AddDate(0, 0, -14)
	days, err := s.PublishedShifts(ctx, uid, from, 74)
	if err != nil {
		return "", err
	}
	var evs []ical.Event
	for _, d := range days {
		if !d.Working() {
			continue
		}
		evs = append(evs, ical.Event{UID: fmt.Sprintf("shift-%d-%s@kefudesk", uid, dateStr(d.Day)), Start: d.Start, End: d.End,
			Summary: label(d.Shift), Updated: now})
	}
	return ical.Feed(u.Name(), evs), nil
}
