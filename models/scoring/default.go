package scoring

// Default is the scorecard a shop starts with, built from the service rules
// in the source documents (domain digest: chat spot checks).
func Default() Card {
	return Card{Sections: []Section{
		{Name: "响应", NameEN: "Responsiveness", Categories: []Category{
			{ID: "first_reply", Name: "5分钟内首次回复", NameEN: "First reply within 5 minutes", Weight: 2, Scale: PassFail, Flag: "slow_no_apology",
				Guide: "买家第一句话后 5 分钟内回复；超时须致歉。"},
			{ID: "reply_speed", Name: "回复及时，不让买家久等", NameEN: "Replies without long waits", Weight: 1, Scale: OneToFive,
				Guide: "说「稍等」后按时回来；未解决的细节问题 24 小时内答复。"},
		}},
		{Name: "服务态度", NameEN: "Manner", Categories: []Category{
			{ID: "opening", Name: "标准开场白", NameEN: "Standard opening", Weight: 1, Scale: PassFail, Flag: "no_greeting"},
			{ID: "polite", Name: "礼貌柔和用语（亲、谢谢理解）", NameEN: "Polite, soft language", Weight: 2, Scale: OneToFive, Flag: "banned_word"},
			{ID: "closing", Name: "标准结束语", NameEN: "Standard closing", Weight: 1, Scale: PassFail, Flag: "no_closing"},
		}},
		{Name: "专业", NameEN: "Knowledge", Categories: []Category{
			{ID: "product", Name: "产品解答准确", NameEN: "Accurate product answers", Weight: 2, Scale: OneToFive},
			{ID: "no_exaggeration", Name: "不夸大宣传", NameEN: "No exaggeration", Weight: 1, Scale: PassFail, Critical: true},
			{ID: "read_history", Name: "查看聊天记录，不让买家重复", NameEN: "Reads the history; buyer need not repeat", Weight: 1, Scale: PassFail, NAAllowed: true},
		}},
		{Name: "规范", NameEN: "Rules", Categories: []Category{
			{ID: "discount", Name: "超过20元优惠须主管批准", NameEN: "No unapproved discount over 20 yuan", Weight: 1, Scale: PassFail, Critical: true, Flag: "discount_over_limit"},
			{ID: "promises", Name: "承诺兑现", NameEN: "Promises kept", Weight: 1, Scale: PassFail, NAAllowed: true},
			{ID: "handover", Name: "售后交接正确", NameEN: "After-sales handed over correctly", Weight: 1, Scale: PassFail, NAAllowed: true},
		}},
	}}
}
