package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/erlang"
)

// StaffingPlan is the saved plan of one day: the forecast inputs (a manual
// override wins over the formula) and the service targets.
type StaffingPlan struct {
	Day             time.Time
	IntervalMinutes int
	OctAvg          float64
	LastD11         float64
	LastOctAvg      float64
	OverrideChats   *float64
	AHTSeconds      int
	Concurrency     int
	TargetPercent   int
	AnswerSeconds   int
	Shrinkage       int
	Version         int // 0: never saved
	UpdatedAt       time.Time
	UpdatedBy       *int64
}

// TableName pins the table.
func (StaffingPlan) TableName() string { return "staffing_plans" }

// StaffingInputs are what the imported chats say, offered as the plan's
// starting values.
type StaffingInputs struct {
	OctAvg, LastD11, LastOctAvg float64
	AHTSeconds                  int    // mean chat length, last 30 days; 0 without chats
	MinuteCounts                []int  // chats started per minute of day, for the shape
	ShapeSource                 string // "last_d11", "past_days" or "flat"
}

// chatCount counts chats started in [from, to).
func (s *Store) chatCount(ctx context.Context, from, to time.Time) (float64, error) {
	var n int64
	err := s.conn(ctx).Raw(`SELECT count(*) FROM chat_conversations WHERE started_at >= ? AND started_at < ?`, from, to).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("models: unable to count chats: %w", err)
	}
	return float64(n), nil
}

// ReadStaffingInputs derives the forecast inputs for day from imported
// chats: this and last year's October daily average, last year's D11
// count and the shape of last year's D11 (else of the last 28 days).
func (s *Store) ReadStaffingInputs(ctx context.Context, day time.Time, loc *time.Location) (StaffingInputs, error) {
	var in StaffingInputs
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	y := day.Year()
	oct, err := s.chatCount(ctx, at(y, 10, 1), at(y, 11, 1))
	if err != nil {
		return in, err
	}
	lastOct, err := s.chatCount(ctx, at(y-1, 10, 1), at(y-1, 11, 1))
	if err != nil {
		return in, err
	}
	in.OctAvg, in.LastOctAvg = oct/31, lastOct/31
	lastDay := at(y-1, day.Month(), day.Day())
	if in.LastD11, err = s.chatCount(ctx, at(y-1, 11, 11), at(y-1, 11, 12)); err != nil {
		return in, err
	}
	var ahtSecs *float64
	err = s.conn(ctx).Raw(`SELECT avg(LEAST(extract(epoch FROM ended_at - started_at), 3600)) FROM chat_conversations
		WHERE started_at >= ? AND started_at < ? AND ended_at > started_at`, at(day.Year(), day.Month(), day.Day()).AddDate(0, 0, -30), at(day.Year(), day.Month(), day.Day())).Scan(&ahtSecs).Error
	if err != nil {
		return in, fmt.Errorf("models: unable to read handling time: %w", err)
	}
	if ahtSecs != nil {
		in.AHTSeconds = int(*ahtSecs + 0.5)
	}
	shapeFrom, shapeTo, src := lastDay, lastDay.AddDate(0, 0, 1), "last_d11"
	if n, _ := s.chatCount(ctx, shapeFrom, shapeTo); n == 0 {
		shapeTo = at(day.Year(), day.Month(), day.Day())
		shapeFrom, src = shapeTo.AddDate(0, 0, -28), "past_days"
	}
	type bucket struct{ M, N int }
	var rows []bucket
	err = s.conn(ctx).Raw(`SELECT (extract(hour FROM started_at AT TIME ZONE ?) * 60 + extract(minute FROM started_at AT TIME ZONE ?))::int AS m, count(*) AS n
		FROM chat_conversations WHERE started_at >= ? AND started_at < ? GROUP BY 1`, loc.String(), loc.String(), shapeFrom, shapeTo).Scan(&rows).Error
	if err != nil {
		return in, fmt.Errorf("models: unable to read the day's shape: %w", err)
	}
	in.MinuteCounts = make([]int, 24*60)
	for _, r := range rows {
		in.MinuteCounts[r.M] += r.N
	}
	if len(rows) == 0 {
		src = "flat"
	}
	in.ShapeSource = src
	return in, nil
}

// DefaultStaffingPlan is a new plan: inputs from chats, targets from the
// shop's settings.
func DefaultStaffingPlan(day time.Time, in StaffingInputs, st Settings) StaffingPlan {
	aht := in.AHTSeconds
	if aht == 0 {
		aht = st.Int(SettingDefaultAHTSeconds)
	}
	return StaffingPlan{Day: day, IntervalMinutes: 30, OctAvg: in.OctAvg, LastD11: in.LastD11, LastOctAvg: in.LastOctAvg,
		AHTSeconds: aht, Concurrency: st.Int(SettingChatConcurrency), TargetPercent: st.Int(SettingServiceLevel),
		AnswerSeconds: st.Int(SettingSlowReplyMinutes) * 60, Shrinkage: st.Int(SettingShrinkage)}
}

// StaffingPlanFor reads the saved plan of day, or ok false.
func (s *Store) StaffingPlanFor(ctx context.Context, day time.Time) (StaffingPlan, bool, error) {
	var p StaffingPlan
	err := s.conn(ctx).Where("day = ?::date", dateStr(day)).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, false, nil
	}
	if err != nil {
		return p, false, fmt.Errorf("models: unable to read staffing plan: %w", err)
	}
	return p, true, nil
}

// StaffingForm is the plan as typed; blank override means use the formula.
type StaffingForm struct {
	Interval, OctAvg, LastD11, LastOctAvg, Override, AHT, Concurrency, Target, Answer, Shrinkage string
}

// Parse checks the form into a plan for day.
func (f StaffingForm) Parse(day time.Time) (StaffingPlan, FieldErrors) {
	errs := FieldErrors{}
	p := StaffingPlan{Day: day}
	num := func(field, v string, lo, hi float64) float64 {
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || x < lo || x > hi {
			errs.Add(field, "shifts.err.number", lo, hi)
		}
		return x
	}
	p.IntervalMinutes = int(num("interval", f.Interval, 15, 60))
	if p.IntervalMinutes != 15 && p.IntervalMinutes != 30 && p.IntervalMinutes != 60 {
		errs.Add("interval", "shifts.err.interval")
	}
	p.OctAvg = num("oct_avg", f.OctAvg, 0, 1e7)
	p.LastD11 = num("last_d11", f.LastD11, 0, 1e8)
	p.LastOctAvg = num("last_oct_avg", f.LastOctAvg, 0, 1e7)
	if strings.TrimSpace(f.Override) != "" {
		o := num("override", f.Override, 0, 1e8)
		p.OverrideChats = &o
	}
	p.AHTSeconds = int(num("aht", f.AHT, 10, 7200))
	p.Concurrency = int(num("concurrency", f.Concurrency, 1, 10))
	p.TargetPercent = int(num("target", f.Target, 1, 99))
	p.AnswerSeconds = int(num("answer", f.Answer, 1, 3600))
	p.Shrinkage = int(num("shrinkage", f.Shrinkage, 0, 90))
	return p, errs
}

// SaveStaffingPlan stores the plan of its day; version is what the form
// was loaded with (0 for a new plan).
func (s *Store) SaveStaffingPlan(ctx context.Context, a Actor, p StaffingPlan, version int) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var cur StaffingPlan
		err := tx.Clauses(lockingClause).Where("day = ?::date", dateStr(p.Day)).Take(&cur).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("models: unable to read staffing plan: %w", err)
		}
		if cur.Version != version {
			return s.conflict(ctx, "staffing plan", cur.UpdatedBy, cur.UpdatedAt)
		}
		err = tx.Exec(`INSERT INTO staffing_plans (day, interval_minutes, oct_avg, last_d11, last_oct_avg, override_chats,
				aht_seconds, concurrency, target_percent, answer_seconds, shrinkage, updated_by)
			VALUES (?::date, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (day) DO UPDATE SET interval_minutes = excluded.interval_minutes, oct_avg = excluded.oct_avg,
				last_d11 = excluded.last_d11, last_oct_avg = excluded.last_oct_avg, override_chats = excluded.override_chats,
				aht_seconds = excluded.aht_seconds, concurrency = excluded.concurrency, target_percent = excluded.target_percent,
				answer_seconds = excluded.answer_seconds, shrinkage = excluded.shrinkage,
				version = staffing_plans.version + 1, updated_at = now(), updated_by = excluded.updated_by`,
			dateStr(p.Day), p.IntervalMinutes, p.OctAvg, p.LastD11, p.LastOctAvg, p.OverrideChats,
			p.AHTSeconds, p.Concurrency, p.TargetPercent, p.AnswerSeconds, p.Shrinkage, nullID(a)).Error
		if err != nil {
			return fmt.Errorf("models: unable to save staffing plan: %w", err)
		}
		var before any
		if cur.Version > 0 {
			before = cur
		}
		return audit(tx, a, "save", "staffing_plan", dateStr(p.Day), before, p)
	})
}

// IntervalNeed is one interval of the day: forecast chats, Erlang C's
// answer and the agents the rota has on.
type IntervalNeed struct {
	Start     int // minutes from midnight
	Chats     float64
	Need      erlang.Need
	Scheduled int
}

// Gap is how many agents are missing.
func (n IntervalNeed) Gap() int { return max(0, n.Need.Scheduled-n.Scheduled) }

// NoShift marks demand with nobody on at all: D11 starts at midnight.
func (n IntervalNeed) NoShift() bool { return n.Chats >= 0.5 && n.Scheduled == 0 }

// Staffing is a plan worked out.
type Staffing struct {
	Plan      StaffingPlan
	Forecast  float64 // from the formula; 0 when an input is missing
	FormulaOK bool
	Total     float64 // what is spread: the override when given
	Target    erlang.Target
	Intervals []IntervalNeed
}

// WorkOut spreads the day's chats over intervals by the minute counts and
// runs Erlang C on each; scheduled is the rota's agents per minute of day.
func WorkOut(p StaffingPlan, minuteCounts []int, scheduled []int, factors []float64) Staffing {
	st := Staffing{Plan: p}
	st.Forecast, st.FormulaOK = erlang.D11(p.OctAvg, p.LastD11, p.LastOctAvg)
	st.Total = st.Forecast
	if p.OverrideChats != nil {
		st.Total = *p.OverrideChats
	}
	st.Target = erlang.Target{AnswerSeconds: float64(p.AnswerSeconds), Share: float64(p.TargetPercent) / 100,
		AHTSeconds: float64(p.AHTSeconds), Shrinkage: float64(p.Shrinkage) / 100, Concurrency: p.Concurrency, Factors: factors}
	size := p.IntervalMinutes
	if size <= 0 {
		size = 30
	}
	var mins []int
	for m, n := range minuteCounts {
		for range n {
			mins = append(mins, m)
		}
	}
	parts := erlang.Spread(st.Total, erlang.Shape(erlang.Bin(mins, size)))
	for i, c := range parts {
		start := i * size
		n := IntervalNeed{Start: start, Chats: c, Need: erlang.Agents(c, float64(size*60), st.Target)}
		// The rota's count at the interval's middle minute.
		if mid := start + size/2; mid < len(scheduled) {
			n.Scheduled = scheduled[mid]
		}
		st.Intervals = append(st.Intervals, n)
	}
	return st
}

// ScheduledByMinute counts, per minute of day, the agents the rota (drafts
// included: it is the plan) has on shift, counting yesterday's shifts that
// run past midnight.
func (s *Store) ScheduledByMinute(ctx context.Context, day time.Time) ([]int, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	p := RotaParams(settings)
	var cells []ShiftAssignment
	err = s.conn(ctx).Where("day >= ?::date AND day <= ?::date", dateStr(day.AddDate(0, 0, -1)), dateStr(day)).Find(&cells).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to read shifts: %w", err)
	}
	out := make([]int, 24*60)
	dayStart := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, p.Loc)
	for _, c := range cells {
		st, ok := p.Type(c.Shift)
		if !ok {
			continue
		}
		from, to := st.Span(c.Day, p.Loc)
		for m := range out {
			t := dayStart.Add(time.Duration(m) * time.Minute)
			if !t.Before(from) && t.Before(to) {
				out[m]++
			}
		}
	}
	return out, nil
}
