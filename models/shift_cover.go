package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// CoverCandidate is someone on the rota who is off on a day: the staffing
// page offers to put them on a shift where the chart shows a gap.
type CoverCandidate struct {
	User    User
	Version int // of their cell that day (0: no row yet)
}

// CoverCandidates lists the rota staff with a day off (not on leave) on
// day, by team and name.
func (s *Store) CoverCandidates(ctx context.Context, day time.Time) ([]CoverCandidate, error) {
	staff, err := s.RotaStaff(ctx)
	if err != nil {
		return nil, err
	}
	var cells []ShiftAssignment
	if err := s.conn(ctx).Where("day = ?::date", dateStr(day)).Find(&cells).Error; err != nil {
		return nil, fmt.Errorf("models: unable to read shifts of %s: %w", dateStr(day), err)
	}
	byUser := map[int64]ShiftAssignment{}
	for _, c := range cells {
		byUser[c.UserID] = c
	}
	var out []CoverCandidate
	for _, u := range staff {
		c := byUser[u.ID]
		if c.Shift == "" {
			out = append(out, CoverCandidate{User: u, Version: c.Version})
		}
	}
	return out, nil
}

// TempStaffForm adds a temporary agent for a promotion day.
type TempStaffForm struct {
	Name  string
	Team  Team
	Shift string
}

// AddTempStaff creates a temporary agent (an account named temp<date><n>
// with a random password: the admin sets a real one when the person is to
// log in) and puts them on the shift of day, in one transaction: the rota's
// rules are checked as for any edit, and either both happen or neither.
func (s *Store) AddTempStaff(ctx context.Context, a Actor, day time.Time, f TempStaffForm) (User, error) {
	f.Name = strings.TrimSpace(f.Name)
	errs := FieldErrors{}
	if n := len([]rune(f.Name)); n < 1 || n > 30 {
		errs.Add("temp_name", "shifts.err.temp_name")
	}
	if f.Team == TeamNone || !f.Team.Valid() {
		errs.Add("temp_team", "shifts.err.temp_team")
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return User{}, err
	}
	if _, ok := RotaParams(settings).Type(f.Shift); !ok {
		errs.Add("temp_shift", "shifts.err.temp_shift")
	}
	if err := errs.Err(); err != nil {
		return User{}, err
	}
	secret := make([]byte, 18)
	if _, err := rand.Read(secret); err != nil {
		return User{}, fmt.Errorf("models: temporary password: %w", err)
	}
	var u User
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		prefix := "temp" + day.Format("20060102")
		// The next number after the highest of the day (two managers at
		// once: the second gets a taken name and is told to try again).
		var n int64
		if err := tx.Raw(`SELECT coalesce(max(substr(username, length(?) + 1)::bigint), 0) FROM users WHERE username ~ ('^' || ? || '[0-9]+$')`,
			prefix, prefix).Scan(&n).Error; err != nil {
			return fmt.Errorf("models: number temporary staff: %w", err)
		}
		var err error
		u, err = s.CreateUser(ctx, a, UserForm{Username: fmt.Sprintf("%s%02d", prefix, n+1), DisplayName: f.Name,
			Role: RoleAgent, Team: f.Team, Password: hex.EncodeToString(secret)})
		if fe, ok := AsValidation(err); ok && fe["username"].Key != "" {
			return Invalid("temp_name", "shifts.err.temp_taken")
		}
		if err != nil {
			return err
		}
		_, err = s.SetShift(ctx, a, u.ID, day, f.Shift, 0, false)
		return err
	})
	return u, err
}
