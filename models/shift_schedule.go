package models

import (
	"context"
	"fmt"
	"time"

	"kefudesk/models/rota"
)

// ShiftDay is one published day of someone's schedule.
type ShiftDay struct {
	UserID int64
	Day    time.Time
	Shift  string
	Start  time.Time // zero on a day off
	End    time.Time
}

// Working reports whether it is a shift.
func (d ShiftDay) Working() bool { return rota.Working(d.Shift) }

// PublishedShifts lists the published cells of days days from from; userID
// 0 means everyone. Drafts stay invisible to agents.
func (s *Store) PublishedShifts(ctx context.Context, userID int64, from time.Time, days int) ([]ShiftDay, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	return s.publishedShifts(ctx, RotaParams(settings), userID, from, days)
}

// publishedShifts is PublishedShifts with the rota settings at hand: one query.
func (s *Store) publishedShifts(ctx context.Context, p rota.Params, userID int64, from time.Time, days int) ([]ShiftDay, error) {
	key := rotaKey{userID: userID, from: dateStr(from), days: days}
	rows, err := s.rota.get(ctx, s, key, func(ctx context.Context) ([]ShiftDay, error) {
		return s.readPublishedShifts(ctx, key)
	})
	if err != nil {
		return nil, err
	}
	out := cloneShiftDays(rows)
	for i := range out {
		if st, ok := p.Type(out[i].Shift); ok {
			out[i].Start, out[i].End = st.Span(out[i].Day, p.Loc)
		}
	}
	return out, nil
}

// readPublishedShifts reads the published rota's days (without spans).
func (s *Store) readPublishedShifts(ctx context.Context, k rotaKey) ([]ShiftDay, error) {
	q := `SELECT a.user_id, a.day, a.shift FROM shift_assignments a
		  JOIN rota_weeks w ON w.week_start = date_trunc('week', a.day)::date AND w.status = 'published'
		 WHERE a.day >= ?::date AND a.day < ?::date + ?::int`
	args := []any{k.from, k.from, k.days}
	if k.userID > 0 {
		q += " AND a.user_id = ?"
		args = append(args, k.userID)
	}
	rows, err := s.conn(ctx).Raw(q+" ORDER BY a.day, a.user_id", args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("models: unable to read schedule: %w", err)
	}
	defer rows.Close()
	var out []ShiftDay
	for rows.Next() {
		var d ShiftDay
		if err := rows.Scan(&d.UserID, &d.Day, &d.Shift); err != nil {
			return nil, fmt.Errorf("models: unable to read schedule: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("models: unable to read schedule: %w", err)
	}
	return out, nil
}

// FairRow is one agent's load in one month of published rota.
type FairRow struct {
	UserID   int64
	Month    time.Time
	Shifts   int
	Lates    int
	Weekends int
}

// FairnessHistory counts each agent's shifts, late shifts (every type but
// the first) and weekend days per month, over published weeks from from to
// to: fairness over time, visible to the team.
func (s *Store) FairnessHistory(ctx context.Context, from, to time.Time) ([]FairRow, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	p := RotaParams(settings)
	var out []FairRow
	err = s.conn(ctx).Raw(`
		SELECT a.user_id, date_trunc('month', a.day)::date AS month,
			count(*) FILTER (WHERE a.shift NOT IN ('', 'leave')) AS shifts,
			count(*) FILTER (WHERE a.shift NOT IN ('', 'leave', ?)) AS lates,
			count(*) FILTER (WHERE a.shift NOT IN ('', 'leave') AND extract(isodow FROM a.day) >= 6) AS weekends
		FROM shift_assignments a
		JOIN rota_weeks w ON w.week_start = date_trunc('week', a.day)::date AND w.status = 'published'
		WHERE a.day >= ?::date AND a.day < ?::date
		GROUP BY 1, 2 ORDER BY 2, 1`, p.Types[0].Code, dateStr(from), dateStr(to)).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to count fairness: %w", err)
	}
	return out, nil
}

// ShiftsToday is what the today page shows of shifts: for someone on the
// rota their shift today and the handover items waiting for them; for the
// manager what waits on them.
type ShiftsToday struct {
	Today     time.Time
	OnRota    bool
	Shift     ShiftDay
	HasShift  bool // a published cell for today exists
	Handover  []HandoverItem
	Cases     []HandoverBadReview // the most urgent open bad-review cases in my handover
	CasesMore int                 // how many more there are (on the handover page)
	Manager   bool
	// ShiftWork is the manager's counts; of it an agent's card uses only
	// Unread, their own unacknowledged rota changes.
	ShiftWork
}
