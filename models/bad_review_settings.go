package models

// Bad-review settings (domain digest: medium and negative reviews).
const (
	SettingBadReviewDueDays    = "bad_review_due_days"         // days from assignment to hand in a result
	SettingBadReviewReviseDays = "bad_review_revise_days"      // how long after posting a buyer may still change a review
	SettingBadReviewReviseWarn = "bad_review_revise_warn_days" // warn when the revision window closes within this many days
	SettingBadReviewAgentsTake = "bad_review_agents_take"      // agents may take an unassigned case themselves
	SettingBadReviewRepeat     = "bad_review_repeat_item"      // complaints about one item in a period that flag it
)

// badReviewSettings are the shop settings of the bad-review tracker (issue 4).
var badReviewSettings = []SettingDef{
	{Key: SettingBadReviewDueDays, Group: "settings.group.badreviews", Kind: SettingInt, Default: "3", Min: 1, Max: 30, Unit: "unit.days"},
	{Key: SettingBadReviewReviseDays, Group: "settings.group.badreviews", Kind: SettingInt, Default: "30", Min: 1, Max: 180, Unit: "unit.days"},
	{Key: SettingBadReviewReviseWarn, Group: "settings.group.badreviews", Kind: SettingInt, Default: "5", Min: 0, Max: 60, Unit: "unit.days"},
	{Key: SettingBadReviewAgentsTake, Group: "settings.group.badreviews", Kind: SettingBool, Default: "false"},
	{Key: SettingBadReviewRepeat, Group: "settings.group.badreviews", Kind: SettingInt, Default: "3", Min: 2, Max: 100},
}
