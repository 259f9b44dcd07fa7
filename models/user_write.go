package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/live"
)

// TopicUsers is the live-update topic of the user list.
const TopicUsers = "users"

// CreateUser adds a user and their nicks in one transaction.
func (s *Store) CreateUser(ctx context.Context, a Actor, f UserForm) (User, error) {
	f.ID = 0
	f.Username = strings.TrimSpace(f.Username)
	f.DisplayName = strings.TrimSpace(f.DisplayName)
	if err := f.Validate().Err(); err != nil {
		return User{}, err
	}
	hash, err := hashPassword(f.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		u = User{Username: f.Username, DisplayName: f.DisplayName, Role: f.Role, Team: f.Team, PasswordHash: hash, Version: 1}
		if a.ID != 0 {
			u.UpdatedBy = &a.ID
		}
		if err := tx.Omit("ID", "CreatedAt", "UpdatedAt", "Nicks").Create(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Invalid("username", "users.err.username_taken")
			}
			return fmt.Errorf("models: unable to create user %s: %w", f.Username, err)
		}
		if err := s.setNicks(ctx, tx, u.ID, f.Nicks); err != nil {
			return err
		}
		u.Nicks = f.Nicks
		if err := live.Publish(tx, TopicUsers); err != nil {
			return err
		}
		return audit(tx, a, "create", "user", u.ID, nil, u.audit())
	})
	return u, err
}

// setNicks replaces a user's Wangwang nicks. A nick held by someone else is a
// validation error naming the holder, so the admin knows whom to ask.
func (s *Store) setNicks(ctx context.Context, tx *gorm.DB, userID int64, nicks []string) error {
	if len(nicks) > 0 {
		var holder struct {
			Nick     string
			Username string
		}
		err := tx.Raw(`SELECT n.nick, u.username FROM agent_nicks n JOIN users u ON u.id = n.user_id
			WHERE n.nick IN ? AND n.user_id <> ? LIMIT 1`, nicks, userID).Scan(&holder).Error
		if err != nil {
			return fmt.Errorf("models: unable to check nicks: %w", err)
		}
		if holder.Nick != "" {
			return Invalid("nicks", "users.err.nick_taken", holder.Nick, holder.Username)
		}
	}
	drop := tx.Where("user_id = ?", userID)
	if len(nicks) > 0 {
		drop = drop.Where("nick NOT IN ?", nicks)
	}
	if err := drop.Delete(&agentNick{}).Error; err != nil {
		return fmt.Errorf("models: unable to remove nicks of user %d: %w", userID, err)
	}
	for _, n := range nicks {
		err := tx.Exec(`INSERT INTO agent_nicks (nick, user_id) VALUES (?, ?) ON CONFLICT (nick) DO NOTHING`, n, userID).Error
		if err != nil {
			return fmt.Errorf("models: unable to add nick %q: %w", n, err)
		}
	}
	return nil
}

type agentNick struct {
	Nick   string `gorm:"primaryKey"`
	UserID int64
}

func (agentNick) TableName() string { return "agent_nicks" }

// lockUser reads a user FOR UPDATE and checks the version the editor saw.
// version 0 skips the check (commands from the CLI act on the latest).
func (s *Store) lockUser(ctx context.Context, tx *gorm.DB, id int64, version int) (User, error) {
	var u User
	err := tx.Table("users u").Select(`u.*,
		COALESCE((SELECT array_agg(n.nick ORDER BY n.nick) FROM agent_nicks n WHERE n.user_id = u.id), '{}') AS nicks`).
		Where("u.id = ?", id).Clauses(lockingClause).Take(&u).Error
	if err != nil {
		return User{}, notFound(err, fmt.Sprintf("user %d", id))
	}
	if version != 0 && u.Version != version {
		return User{}, s.conflict(ctx, "user", u.UpdatedBy, u.UpdatedAt)
	}
	return u, nil
}

// conflict builds the "changed by X at T" error from a record's last writer.
func (s *Store) conflict(ctx context.Context, entity string, by *int64, at time.Time) error {
	name := "system"
	if by != nil {
		if u, err := s.UserByID(ctx, *by); err == nil {
			name = u.Name()
		}
	}
	return &ConflictError{Entity: entity, By: name, At: at}
}

// bump saves changed columns of a user with the next version and the author.
func bump(tx *gorm.DB, a Actor, id int64, cols map[string]any) error {
	cols["version"] = gorm.Expr("version + 1")
	cols["updated_at"] = gorm.Expr("now()")
	if a.ID != 0 {
		cols["updated_by"] = a.ID
	} else {
		cols["updated_by"] = nil
	}
	if err := tx.Table("users").Where("id = ?", id).Updates(cols).Error; err != nil {
		return fmt.Errorf("models: unable to update user %d: %w", id, err)
	}
	return nil
}

// UpdateUser saves the admin's edit of a user, refusing a stale version.
func (s *Store) UpdateUser(ctx context.Context, a Actor, f UserForm) (User, error) {
	f.DisplayName = strings.TrimSpace(f.DisplayName)
	if err := f.Validate().Err(); err != nil {
		return User{}, err
	}
	var after User
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		before, err := s.lockUser(ctx, tx, f.ID, f.Version)
		if err != nil {
			return err
		}
		if before.ID == a.ID && before.Role == RoleAdmin && f.Role != RoleAdmin {
			// An admin demoting themselves could lock the shop out of its settings.
			return Invalid("role", "users.err.self_demote")
		}
		err = bump(tx, a, f.ID, map[string]any{"display_name": f.DisplayName, "role": f.Role, "team": f.Team})
		if err != nil {
			return err
		}
		if err := s.setNicks(ctx, tx, f.ID, f.Nicks); err != nil {
			return err
		}
		after, err = s.UserByID(ctx, f.ID)
		if err != nil {
			return err
		}
		if err := live.Publish(tx, TopicUsers); err != nil {
			return err
		}
		return audit(tx, a, "update", "user", f.ID, before.audit(), after.audit())
	})
	return after, err
}

// SetPassword changes a user's password and ends all their sessions, so a
// leaked password stops working everywhere at once.
func (s *Store) SetPassword(ctx context.Context, a Actor, id int64, password string) error {
	if len([]rune(password)) < MinPasswordLen {
		return Invalid("password", "users.err.password_short", MinPasswordLen)
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		if _, err := s.lockUser(ctx, tx, id, 0); err != nil {
			return err
		}
		if err := bump(tx, a, id, map[string]any{"password_hash": hash}); err != nil {
			return err
		}
		if err := endSessions(tx, id); err != nil {
			return err
		}
		return audit(tx, a, "set_password", "user", id, nil, nil)
	})
}

// SetDisabled disables or re-enables a user. Disabling ends their sessions.
func (s *Store) SetDisabled(ctx context.Context, a Actor, id int64, version int, disabled bool) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		before, err := s.lockUser(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if disabled && id == a.ID {
			return Invalid("disabled", "users.err.self_disable")
		}
		if err := bump(tx, a, id, map[string]any{"disabled": disabled}); err != nil {
			return err
		}
		if disabled {
			if err := endSessions(tx, id); err != nil {
				return err
			}
		}
		after := before
		after.Disabled = disabled
		action := "enable"
		if disabled {
			action = "disable"
		}
		if err := live.Publish(tx, TopicUsers); err != nil {
			return err
		}
		return audit(tx, a, action, "user", id, before.audit(), after.audit())
	})
}

// SetLocale keeps the user's language choice. It is their own preference, so
// it does not bump the version an admin's open edit form holds.
func (s *Store) SetLocale(ctx context.Context, a Actor, id int64, locale string) error {
	if locale != "zh-CN" && locale != "en" {
		return Invalid("locale", "users.err.locale")
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var before string
		if err := tx.Raw(`SELECT locale FROM users WHERE id = ?`, id).Scan(&before).Error; err != nil {
			return fmt.Errorf("models: unable to read locale of user %d: %w", id, err)
		}
		if before == locale {
			return nil
		}
		if err := tx.Exec(`UPDATE users SET locale = ? WHERE id = ?`, locale, id).Error; err != nil {
			return fmt.Errorf("models: unable to set locale of user %d: %w", id, err)
		}
		return audit(tx, a, "set_locale", "user", id, map[string]string{"locale": before}, map[string]string{"locale": locale})
	})
}

// CountUsers tells whether the shop has been set up.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.conn(ctx).Table("users").Count(&n).Error; err != nil {
		return 0, fmt.Errorf("models: unable to count users: %w", err)
	}
	return n, nil
}

// AssignNick gives a nick seen in chats to a user. It bumps the user's
// version, so an edit form opened before cannot silently drop the nick.
func (s *Store) AssignNick(ctx context.Context, a Actor, userID int64, nick string) error {
	nick = strings.TrimSpace(nick)
	if nick == "" || len([]rune(nick)) > 64 {
		return Invalid("nick", "users.err.nick_long")
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		before, err := s.lockUser(ctx, tx, userID, 0)
		if err != nil {
			return err
		}
		nicks := append(append([]string{}, before.Nicks...), nick)
		if err := s.setNicks(ctx, tx, userID, nicks); err != nil {
			return err
		}
		if err := bump(tx, a, userID, map[string]any{}); err != nil {
			return err
		}
		after := before
		after.Nicks = nicks
		if err := live.Publish(tx, TopicUsers); err != nil {
			return err
		}
		return audit(tx, a, "update", "user", userID, before.audit(), after.audit())
	})
}
