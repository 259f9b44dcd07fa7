package models

import "kefudesk/models/vipwindow"

// Settings of VIP visits (issue 6). The defaults are the digest's: phone
// calls on weekdays at noon or after work (seed 002); the suggestion rule
// is the example (3+ paid orders or 2,000+ yuan in 12 months).
const (
	SettingVIPMinOrders      = "vip_min_orders"
	SettingVIPMinSpendYuan   = "vip_min_spend_yuan"
	SettingVIPLookbackMonths = "vip_lookback_months"
	SettingVIPCallWindow     = "vip_call_window"
	SettingVIPNoAnswerLimit  = "vip_no_answer_limit"
	SettingVIPOrderDays      = "vip_order_days"
)

// vipSettings are the shop settings of VIP visits.
var vipSettings = []SettingDef{
	{Key: SettingVIPMinOrders, Group: "settings.group.vip", Kind: SettingInt, Default: "3", Min: 1, Max: 1000, Unit: "unit.orders"},
	{Key: SettingVIPMinSpendYuan, Group: "settings.group.vip", Kind: SettingInt, Default: "2000", Min: 0, Max: 10000000, Unit: "unit.yuan"},
	{Key: SettingVIPLookbackMonths, Group: "settings.group.vip", Kind: SettingInt, Default: "12", Min: 1, Max: 60, Unit: "unit.months"},
	{Key: SettingVIPCallWindow, Group: "settings.group.vip", Kind: SettingText, Default: "weekdays 12:00-13:30, 18:00-21:00", Min: 3, Max: 120, Check: checkWindow},
	{Key: SettingVIPNoAnswerLimit, Group: "settings.group.vip", Kind: SettingInt, Default: "3", Min: 1, Max: 20, Unit: "unit.times"},
	{Key: SettingVIPOrderDays, Group: "settings.group.vip", Kind: SettingInt, Default: "30", Min: 1, Max: 365, Unit: "unit.days"},
}

func checkWindow(v string) (string, *FieldError) {
	if _, err := vipwindow.Parse(v); err != nil {
		return v, &FieldError{Key: "vip.err.window"}
	}
	return v, nil
}

// CallWindow is the shop's default contact window for phone visits.
func (s Settings) CallWindow() vipwindow.Window {
	w, err := vipwindow.Parse(s.Get(SettingVIPCallWindow))
	if err != nil {
		// Saved values were checked; this guards a hand-edited row.
		w, _ = vipwindow.Parse("weekdays 12:00-13:30, 18:00-21:00")
	}
	return w
}
