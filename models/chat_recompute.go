package models

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// chatSettingKeys are the settings the stored chat figures and flags
// depend on: changing one makes them stale.
func chatSettingKeys() []string {
	var out []string
	for _, d := range chatSettings {
		if d.Key != SettingPassMark {
			out = append(out, d.Key)
		}
	}
	return out
}

// ChatSettingsChanged reports whether a settings change touches the checks.
func ChatSettingsChanged(before, after Settings) bool {
	for _, k := range chatSettingKeys() {
		if before.Get(k) != after.Get(k) {
			return true
		}
	}
	return false
}

// recomputeBatch is how many chats one transaction recomputes: small enough
// that memory stays flat however many chats there are.
const recomputeBatch = 5000

// RecomputeChats recomputes the stored figures and flags of chats started
// since a time, under the current settings, in batches of recomputeBatch
// chats each in its own transaction. It returns how many chats it did.
func (s *Store) RecomputeChats(ctx context.Context, since time.Time) (int64, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	var done int64
	var after int64
	for {
		var ids []int64
		err := s.conn(ctx).Raw(`SELECT id FROM chat_conversations WHERE started_at >= ? AND id > ? ORDER BY id LIMIT ?`,
			since, after, recomputeBatch).Scan(&ids).Error
		if err != nil {
			return done, fmt.Errorf("models: recompute: select: %w", err)
		}
		if len(ids) == 0 {
			return done, nil
		}
		if err := s.recomputeIDs(ctx, ids, settings); err != nil {
			return done, err
		}
		done += int64(len(ids))
		after = ids[len(ids)-1]
	}
}

func (s *Store) recomputeIDs(ctx context.Context, ids []int64, settings Settings) error {
	conn, err := s.pgxConn(ctx)
	if err != nil {
		return fmt.Errorf("models: recompute: connection: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		tx, err := dc.(*stdlib.Conn).Conn().Begin(ctx)
		if err != nil {
			return fmt.Errorf("models: recompute: begin: %w", err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // no-op after Commit
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE chat_touched ON COMMIT DROP AS
			SELECT id, external_id FROM chat_conversations WHERE id = ANY($1)`, ids); err != nil {
			return fmt.Errorf("models: recompute: batch: %w", err)
		}
		if err := refreshChatFigures(ctx, tx, settings); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}
