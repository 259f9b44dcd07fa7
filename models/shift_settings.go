package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"kefudesk/models/erlang"
	"kefudesk/models/rota"
)

// Shift settings (domain digest, shifts): shift types and their times, the
// rest rules, the unapproved-swap fine and the staffing targets.
const (
	SettingShiftTypes         = "shift_types"
	SettingShiftCoverTeams    = "shift_cover_teams"
	SettingShiftMinRestHours  = "shift_min_rest_hours"
	SettingShiftMaxWeekHours  = "shift_max_week_hours"
	SettingShiftDaysOff       = "shift_days_off"
	SettingSwapFineYuan       = "shift_swap_fine_yuan"
	SettingAdherenceGraceMins = "shift_adherence_grace_minutes"
	SettingChatConcurrency    = "staffing_concurrency"
	SettingConcurrencyFactors = "staffing_concurrency_factors"
	SettingServiceLevel       = "staffing_service_level"
	SettingShrinkage          = "staffing_shrinkage"
	SettingDefaultAHTSeconds  = "staffing_aht_seconds"
)

// DefaultShiftTypes is the seeds' early and late shift.
const DefaultShiftTypes = "early 09:30-18:30, late 13:30-22:30"

// shiftSettings are the shop settings of shift schedules (issue 8).
var shiftSettings = []SettingDef{
	{Key: SettingShiftTypes, Group: "settings.group.shifts", Kind: SettingWords, Default: DefaultShiftTypes, Max: 400, Check: checkShiftTypes},
	{Key: SettingShiftCoverTeams, Group: "settings.group.shifts", Kind: SettingWords, Default: "presales, aftersales", Max: 200, Check: checkTeams},
	{Key: SettingShiftMinRestHours, Group: "settings.group.shifts", Kind: SettingInt, Default: "11", Min: 0, Max: 48, Unit: "shifts.unit.hours"},
	{Key: SettingShiftMaxWeekHours, Group: "settings.group.shifts", Kind: SettingInt, Default: "54", Min: 1, Max: 168, Unit: "shifts.unit.hours"},
	{Key: SettingShiftDaysOff, Group: "settings.group.shifts", Kind: SettingInt, Default: "2", Min: 1, Max: 6, Unit: "unit.days"},
	{Key: SettingSwapFineYuan, Group: "settings.group.shifts", Kind: SettingInt, Default: "50", Min: 0, Max: 10000, Unit: "unit.yuan"},
	{Key: SettingAdherenceGraceMins, Group: "settings.group.shifts", Kind: SettingInt, Default: "30", Min: 0, Max: 240, Unit: "unit.minutes"},
	{Key: SettingChatConcurrency, Group: "settings.group.staffing", Kind: SettingInt, Default: "3", Min: 1, Max: 10},
	{Key: SettingConcurrencyFactors, Group: "settings.group.staffing", Kind: SettingWords, Default: "1.0, 1.7, 2.5, 2.9, 3.5", Max: 200, Check: checkFactors},
	{Key: SettingServiceLevel, Group: "settings.group.staffing", Kind: SettingInt, Default: "80", Min: 1, Max: 99, Unit: "unit.percent"},
	{Key: SettingShrinkage, Group: "settings.group.staffing", Kind: SettingInt, Default: "30", Min: 0, Max: 90, Unit: "unit.percent"},
	{Key: SettingDefaultAHTSeconds, Group: "settings.group.staffing", Kind: SettingInt, Default: "240", Min: 10, Max: 7200, Unit: "shifts.unit.seconds"},
}

// ParseShiftTypes reads "early 09:30-18:30, late 13:30-22:30": a code and
// its times per shift, in rotation order. A shift may end after midnight.
func ParseShiftTypes(s string) ([]rota.ShiftType, error) {
	var out []rota.ShiftType
	seen := map[string]bool{}
	for _, part := range ParseNicks(s) {
		f := strings.Fields(part)
		if len(f) != 2 {
			return nil, fmt.Errorf("%q: want a name and times", part)
		}
		code := strings.ToLower(f[0])
		if code == rota.Leave || seen[code] || len(code) > 20 {
			return nil, fmt.Errorf("%q: name taken or too long", part)
		}
		from, to, ok := strings.Cut(f[1], "-")
		start, ok1 := rota.ParseClock(from)
		end, ok2 := rota.ParseClock(to)
		if !ok || !ok1 || !ok2 || start == end {
			return nil, fmt.Errorf("%q: times are HH:MM-HH:MM", part)
		}
		seen[code] = true
		out = append(out, rota.ShiftType{Code: code, Start: start, End: end})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no shift")
	}
	return out, nil
}

func checkShiftTypes(v string) (string, *FieldError) {
	ts, err := ParseShiftTypes(v)
	if err != nil {
		return v, &FieldError{Key: "settings.err.shift_types"}
	}
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.Code + " " + rota.Clock(t.Start) + "-" + rota.Clock(t.End)
	}
	return strings.Join(parts, ", "), nil
}

// ParseFactors reads the concurrency factors for 1, 2, 3, ... chats.
func ParseFactors(s string) ([]float64, error) {
	var out []float64
	for _, p := range ParseNicks(s) {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f <= 0 || f > 20 {
			return nil, fmt.Errorf("factor %q", p)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no factor")
	}
	return out, nil
}

func checkFactors(v string) (string, *FieldError) {
	if _, err := ParseFactors(v); err != nil {
		return v, &FieldError{Key: "settings.err.factors"}
	}
	return v, nil
}

func checkTeams(v string) (string, *FieldError) {
	for _, t := range ParseNicks(v) {
		if !Team(t).Valid() || t == "" {
			return v, &FieldError{Key: "settings.err.teams"}
		}
	}
	return v, nil
}

// RotaParams are the rota rules under the shop's settings.
func RotaParams(s Settings) rota.Params {
	p := rota.DefaultParams()
	if ts, err := ParseShiftTypes(s.Get(SettingShiftTypes)); err == nil {
		p.Types = ts
	}
	p.MinRest = time.Duration(s.Int(SettingShiftMinRestHours)) * time.Hour
	p.MaxWeeklyHours = s.Int(SettingShiftMaxWeekHours)
	p.DaysOff = s.Int(SettingShiftDaysOff)
	p.Loc = s.Location()
	p.CoverTeams = s.Words(SettingShiftCoverTeams)
	if p.CoverTeams == nil {
		p.CoverTeams = []string{} // none listed: no team needs cover
	}
	return p
}

// StaffingTarget is the shop's service target for Erlang C, with the
// handling time given (from past chats, or the setting).
func StaffingTarget(s Settings, ahtSeconds float64) erlang.Target {
	f, err := ParseFactors(s.Get(SettingConcurrencyFactors))
	if err != nil {
		f = erlang.DefaultFactors
	}
	return erlang.Target{
		AnswerSeconds: float64(s.Int(SettingSlowReplyMinutes) * 60),
		Share:         float64(s.Int(SettingServiceLevel)) / 100,
		AHTSeconds:    ahtSeconds,
		Shrinkage:     float64(s.Int(SettingShrinkage)) / 100,
		Concurrency:   s.Int(SettingChatConcurrency),
		Factors:       f,
	}
}
