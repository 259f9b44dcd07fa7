package models

import (
	"context"
	"time"
)

// Duty is who is on duty now and who comes in on the next shift, by the
// published rota: what the bad-review suggestion prefers.
type Duty struct {
	Published bool // the published rota has cells around now; else shifts are not known
	Now       map[int64]bool
	Next      map[int64]bool
}

// Reason says why an agent is a good pick on the rota: "on_duty",
// "next_shift" or "" when neither (or no rota is published).
func (d Duty) Reason(id int64) string {
	switch {
	case d.Now[id]:
		return "on_duty"
	case d.Next[id]:
		return "next_shift"
	}
	return ""
}

// DutyAt reads the published rota around now in one query: yesterday (a
// shift across midnight may still be running), today and tomorrow, all in
// the shop's time zone. The next shift is the earliest shift start after
// now; everyone starting then is on it (at 10:00 the late shift, at 20:00
// tomorrow's early one).
func (s *Store) DutyAt(ctx context.Context, settings Settings, now time.Time) (Duty, error) {
	p := RotaParams(settings)
	today := DayOf(now, p.Loc)
	days, err := s.publishedShifts(ctx, p, 0, today.AddDate(0, 0, -1), 3)
	if err != nil {
		return Duty{}, err
	}
	d := Duty{Published: len(days) > 0, Now: map[int64]bool{}, Next: map[int64]bool{}}
	var next time.Time
	for _, c := range days {
		if !c.Working() || c.Start.IsZero() {
			continue
		}
		if !now.Before(c.Start) && now.Before(c.End) {
			d.Now[c.UserID] = true
		}
		if c.Start.After(now) && (next.IsZero() || c.Start.Before(next)) {
			next = c.Start
		}
	}
	for _, c := range days {
		if c.Working() && !next.IsZero() && c.Start.Equal(next) {
			d.Next[c.UserID] = true
		}
	}
	return d, nil
}

// HandoverTakers is who takes over from user by the published rota. On
// duty, those still working when the user's shift ends (at 18:15 the early
// shift's agent hands on to the late shift, already working), or, when
// nobody is, everyone starting the first shift after that. Off duty (a
// note written before a shift or on a day off), the next shift to start.
func (s *Store) HandoverTakers(ctx context.Context, settings Settings, userID int64, now time.Time) (map[int64]bool, error) {
	p := RotaParams(settings)
	today := DayOf(now, p.Loc)
	days, err := s.publishedShifts(ctx, p, 0, today.AddDate(0, 0, -1), 3)
	if err != nil {
		return nil, err
	}
	working := func(c ShiftDay) bool { return c.Working() && !c.Start.IsZero() }
	end, onDuty := now, false
	for _, c := range days {
		if working(c) && c.UserID == userID && !now.Before(c.Start) && now.Before(c.End) {
			end, onDuty = c.End, true
		}
	}
	takers := map[int64]bool{}
	var next time.Time
	for _, c := range days {
		if !working(c) || c.UserID == userID {
			continue
		}
		if onDuty && !end.Before(c.Start) && end.Before(c.End) {
			takers[c.UserID] = true
		}
		if c.Start.After(end) && (next.IsZero() || c.Start.Before(next)) {
			next = c.Start
		}
	}
	if len(takers) > 0 || next.IsZero() {
		return takers, nil
	}
	for _, c := range days {
		if working(c) && c.UserID != userID && c.Start.Equal(next) {
			takers[c.UserID] = true
		}
	}
	return takers, nil
}
