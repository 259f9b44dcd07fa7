package models

import (
	"time"

	"kefudesk/models/attribution"
)

// Attribution settings. Defaults follow the platform's own figures: an
// inquiry the same day or the day before the order, the order time decides,
// payment reminders get an assist but no share; holders answer a dispute
// within a day.
const (
	SettingAttrWindowDays  = "attribution_window_days"
	SettingAttrWindowHours = "attribution_window_hours"
	SettingAttrDecideBy    = "attribution_decide_by"
	SettingAttrAssistShare = "attribution_assist_share_percent"
	SettingDisputeAnswer   = "dispute_answer_days"
)

// Decision times a shop may choose.
const (
	DecideByOrder   = "order"
	DecideByPayment = "payment"
)

// attributionSettings are the shop settings of order attribution and disputes (issue 5).
var attributionSettings = []SettingDef{
	{Key: SettingAttrWindowDays, Group: "settings.group.attribution", Kind: SettingInt, Default: "1", Min: 0, Max: 30, Unit: "unit.days"},
	{Key: SettingAttrWindowHours, Group: "settings.group.attribution", Kind: SettingInt, Default: "0", Min: 0, Max: 720, Unit: "unit.hours"},
	{Key: SettingAttrDecideBy, Group: "settings.group.attribution", Kind: SettingChoice, Default: DecideByOrder, Choices: []string{DecideByOrder, DecideByPayment}},
	{Key: SettingAttrAssistShare, Group: "settings.group.attribution", Kind: SettingInt, Default: "0", Min: 0, Max: 100, Unit: "unit.percent"},
	{Key: SettingDisputeAnswer, Group: "settings.group.attribution", Kind: SettingInt, Default: "1", Min: 1, Max: 30, Unit: "unit.days"},
}

// AttributionRules reads the engine's rules from the shop's settings; the
// promotion periods come from their own table.
func AttributionRules(s Settings, promotions []PromotionPeriod) attribution.Rules {
	loc := s.Location()
	r := attribution.Rules{
		WindowDays:     s.Int(SettingAttrWindowDays),
		WindowHours:    s.Int(SettingAttrWindowHours),
		UsePaymentTime: s.Get(SettingAttrDecideBy) == DecideByPayment,
		AssistShare:    float64(s.Int(SettingAttrAssistShare)) / 100,
		Loc:            loc,
	}
	for _, p := range promotions {
		r.Promotions = append(r.Promotions, p.Period(loc))
	}
	return r
}

// attributionLookback is how far before the earlier of order and payment
// time contacts are read: the window plus the day it starts in.
func attributionLookback(r attribution.Rules) time.Duration {
	if r.WindowHours > 0 {
		return time.Duration(r.WindowHours) * time.Hour
	}
	return time.Duration(r.WindowDays+1) * 24 * time.Hour
}
