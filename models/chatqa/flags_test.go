package chatqa

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// flagRulesOnly returns the default flag rules with only the given kinds
// enabled, so a test sees the flags of the kind it is about.
func flagRulesOnly(kinds ...FlagKind) FlagRules {
	r := DefaultFlagRules()
	r.Enabled = map[FlagKind]bool{}
	for _, k := range kinds {
		r.Enabled[k] = true
	}
	return r
}

// flagMin is n minutes in seconds, for at().
func flagMin(n int) int { return n * 60 }

func TestDetectFlags(t *testing.T) {
	allRules := DefaultFlagRules()
	tests := []struct {
		name  string
		msgs  []Message
		rules FlagRules
		want  []Flag
	}{
		{
			name:  "nil input",
			msgs:  nil,
			rules: allRules,
			want:  nil,
		},
		{
			name:  "empty non-nil input",
			msgs:  []Message{},
			rules: allRules,
			want:  nil,
		},
		{
			name: "buyer and system messages never raise flags",
			msgs: []Message{
				system(0, "买家进入会话"),
				buyer(10, "你自己看着办，不知道怎么回事，优惠50元吧，稍等"),
				{Sender: "bot", SentAt: at(20), Text: "自动回复：没办法，稍等"},
			},
			rules: allRules,
			want:  nil,
		},
		{
			name: "clean chat raises nothing",
			msgs: []Message{
				buyer(0, "这件衣服有现货吗？"),
				agent(mei, 30, "亲，有现货的，今天下单今天发货哦"),
				buyer(60, "好的"),
				agent(mei, 90, "感谢您的支持，祝您购物愉快"),
			},
			rules: allRules,
			want:  nil,
		},

		// no_greeting
		{
			name: "no_greeting: first agent message without greeting",
			msgs: []Message{
				buyer(0, "有现货吗"),
				agent(mei, 30, "有的，今天发货"),
				agent(mei, 40, "亲，还有其他问题吗"), // not the first: not checked
			},
			rules: flagRulesOnly(FlagNoGreeting),
			want:  []Flag{{Kind: FlagNoGreeting, Index: 1, AgentNick: mei}},
		},
		{
			name: "no_greeting: greeting present, case-insensitive",
			msgs: []Message{
				buyer(0, "有现货吗"),
				agent(mei, 30, "Hello! 有的"),
				agent(qiang, 40, "您好，我是售后阿强"),
			},
			rules: flagRulesOnly(FlagNoGreeting),
			want:  nil,
		},
		{
			name: "no_greeting: two agents each missing a greeting",
			msgs: []Message{
				buyer(0, "我的订单怎么还没发货"),
				agent(mei, 60, "我帮您查一下"), // mei's first
				buyer(120, "我要退款"),
				system(130, "会话已转接给 小店:阿强"),
				agent(qiang, 400, "售后这边为您处理退款"), // qiang's first
				agent(mei, 500, "我帮您催一下"),       // mei's second: not checked
			},
			rules: flagRulesOnly(FlagNoGreeting),
			want: []Flag{
				{Kind: FlagNoGreeting, Index: 1, AgentNick: mei},
				{Kind: FlagNoGreeting, Index: 4, AgentNick: qiang},
			},
		},
		{
			name: "no_greeting: a greeting before the buyer writes counts",
			msgs: []Message{
				agent(mei, 0, "欢迎光临小店"),
				buyer(30, "保修多久"),
				agent(mei, 50, "一年"),
			},
			rules: flagRulesOnly(FlagNoGreeting),
			want:  nil,
		},

		// no_closing
		{
			name: "no_closing: last agent message without closing",
			msgs: []Message{
				buyer(0, "发什么快递"),
				agent(mei, 30, "亲，默认中通"),
				buyer(60, "哦"),
				system(90, "会话结束"),
			},
			rules: flagRulesOnly(FlagNoClosing),
			want:  []Flag{{Kind: FlagNoClosing, Index: 1, AgentNick: mei}},
		},
		{
			name: "no_closing: closing present",
			msgs: []Message{
				buyer(0, "发什么快递"),
				agent(mei, 30, "亲，默认中通"),
				buyer(60, "好的"),
				agent(mei, 90, "不客气，祝您生活愉快"),
			},
			rules: flagRulesOnly(FlagNoClosing),
			want:  nil,
		},
		{
			name: "no_closing: only the chat's last agent message counts",
			msgs: []Message{
				buyer(0, "退款到了吗"),
				agent(mei, 30, "谢谢，转售后处理"),
				agent(qiang, 60, "已退款"),
			},
			rules: flagRulesOnly(FlagNoClosing),
			want:  []Flag{{Kind: FlagNoClosing, Index: 2, AgentNick: qiang}},
		},
		{
			name:  "no_closing: no agent message at all",
			msgs:  []Message{buyer(0, "在吗")},
			rules: flagRulesOnly(FlagNoClosing),
			want:  nil,
		},

		// slow_no_apology
		{
			name: "slow_no_apology: apology in the 2nd following message is enough",
			msgs: []Message{
				buyer(0, "能开发票吗"),
				agent(mei, flagMin(6), "可以的"),  // slow reply
				agent(qiang, flagMin(7), "抱歉"), // another agent's apology does not count
				agent(mei, flagMin(8), "开在订单页"),
				buyer(flagMin(9), "好"),
				agent(mei, flagMin(10), "让您久等了"), // 2nd following message of mei
			},
			rules: flagRulesOnly(FlagSlowNoApology),
			want:  nil,
		},
		{
			name: "slow_no_apology: apology only in the 3rd following message",
			msgs: []Message{
				buyer(0, "能开发票吗"),
				agent(mei, flagMin(6), "可以的"), // slow reply
				agent(mei, flagMin(7), "开在订单页"),
				agent(qiang, flagMin(7), "不好意思"), // other agent
				agent(mei, flagMin(8), "选电子发票"),
				agent(mei, flagMin(9), "不好意思让您久等了"), // 3rd: too late
			},
			rules: flagRulesOnly(FlagSlowNoApology),
			want:  []Flag{{Kind: FlagSlowNoApology, Index: 1, AgentNick: mei}},
		},
		{
			name: "slow_no_apology: apology in the slow reply itself",
			msgs: []Message{
				buyer(0, "能开发票吗"),
				agent(mei, flagMin(6), "Sorry，刚才在忙，可以开的"),
			},
			rules: flagRulesOnly(FlagSlowNoApology),
			want:  nil,
		},
		{
			name: "slow_no_apology: exactly 5 minutes is not slow",
			msgs: []Message{
				buyer(0, "能开发票吗"),
				agent(mei, flagMin(5), "可以的"),
			},
			rules: flagRulesOnly(FlagSlowNoApology),
			want:  nil,
		},
		{
			name: "slow_no_apology: slow reply as the last message",
			msgs: []Message{
				buyer(0, "在吗"),
				agent(mei, 30, "亲，在的"),
				buyer(60, "尺码偏大吗"),
				agent(qiang, 60+flagMin(10), "标准尺码"),
			},
			rules: flagRulesOnly(FlagSlowNoApology),
			want:  []Flag{{Kind: FlagSlowNoApology, Index: 3, AgentNick: qiang}},
		},

		// wait_no_follow_up
		{
			name: "wait_no_follow_up: followed up after 14 minutes",
			msgs: []Message{
				buyer(0, "帮我查下物流"),
				agent(mei, 30, "亲，请稍等，我查一下"),
				agent(mei, 30+flagMin(14), "已经到您所在城市了"),
			},
			rules: flagRulesOnly(FlagWaitNoFollowUp),
			want:  nil,
		},
		{
			name: "wait_no_follow_up: followed up only after 16 minutes",
			msgs: []Message{
				buyer(0, "帮我查下物流"),
				agent(mei, 30, "亲，请稍等，我查一下"),
				buyer(60, "人呢"), // buyer messages are not a follow-up
				agent(mei, 30+flagMin(16), "已经到您所在城市了"),
			},
			rules: flagRulesOnly(FlagWaitNoFollowUp),
			want:  []Flag{{Kind: FlagWaitNoFollowUp, Index: 1, AgentNick: mei}},
		},
		{
			name: "wait_no_follow_up: exactly 15 minutes, by another agent, counts",
			msgs: []Message{
				buyer(0, "帮我查下物流"),
				agent(mei, 30, "Please wait a moment"),
				agent(qiang, 30+flagMin(15), "已经到您所在城市了"),
			},
			rules: flagRulesOnly(FlagWaitNoFollowUp),
			want:  nil,
		},
		{
			name: "wait_no_follow_up: wait phrase in the last message",
			msgs: []Message{
				buyer(0, "帮我查下物流"),
				agent(mei, 30, "好的，您等一下"),
				buyer(60, "好"),
			},
			rules: flagRulesOnly(FlagWaitNoFollowUp),
			want:  []Flag{{Kind: FlagWaitNoFollowUp, Index: 1, AgentNick: mei}},
		},
		{
			name: "wait_no_follow_up: shop setting of 5 minutes",
			msgs: []Message{
				buyer(0, "帮我查下物流"),
				agent(mei, 30, "稍等"),
				agent(mei, 30+flagMin(6), "查到了"),
			},
			rules: func() FlagRules { r := flagRulesOnly(FlagWaitNoFollowUp); r.FollowUp = 5 * time.Minute; return r }(),
			want:  []Flag{{Kind: FlagWaitNoFollowUp, Index: 1, AgentNick: mei}},
		},

		// banned_word
		{
			name: "banned_word: one flag per message, first word in list order",
			msgs: []Message{
				buyer(0, "怎么用"),
				agent(mei, 30, "说明书上有，你自己看吧，没办法"), // 自己看 comes before 没办法 and 你自己 in the list
				agent(mei, 60, "这个我也不知道"),
			},
			rules: flagRulesOnly(FlagBannedWord),
			want: []Flag{
				{Kind: FlagBannedWord, Index: 1, AgentNick: mei, Detail: "自己看"},
				{Kind: FlagBannedWord, Index: 2, AgentNick: mei, Detail: "不知道"},
			},
		},
		{
			name: "banned_word: polite message",
			msgs: []Message{
				buyer(0, "能换货吗"),
				agent(mei, 30, "亲，可以换的，谢谢理解"),
			},
			rules: flagRulesOnly(FlagBannedWord),
			want:  nil,
		},
		{
			name: "banned_word: custom list, case-insensitive, empty word ignored",
			msgs: []Message{
				buyer(0, "能换货吗"),
				agent(mei, 30, "NO WAY"),
			},
			rules: func() FlagRules {
				r := flagRulesOnly(FlagBannedWord)
				r.BannedWords = []string{"", "no way"}
				return r
			}(),
			want: []Flag{{Kind: FlagBannedWord, Index: 1, AgentNick: mei, Detail: "no way"}},
		},

		// discount_over_limit
		{
			name: "discount: 优惠50元 is over 20",
			msgs: []Message{
				buyer(0, "能便宜点吗"),
				agent(mei, 30, "亲，给您优惠50元"),
			},
			rules: flagRulesOnly(FlagDiscountOver),
			want:  []Flag{{Kind: FlagDiscountOver, Index: 1, AgentNick: mei, Detail: "50"}},
		},
		{
			name: "discount: equal to the limit is not over, a plain price is no promise",
			msgs: []Message{
				buyer(0, "能便宜点吗"),
				agent(mei, 30, "最多给您优惠20元"),
				agent(mei, 40, "这件199元"),
			},
			rules: flagRulesOnly(FlagDiscountOver),
			want:  nil,
		},
		{
			name: "discount: Chinese numerals, 满减 and decimals",
			msgs: []Message{
				buyer(0, "能便宜点吗"),
				agent(mei, 30, "便宜五十块"),
				agent(mei, 40, "店铺活动满300减30"),
				agent(mei, 50, "给您改价减 25.5 元"),
				buyer(60, "我要优惠100元"), // buyer: never flagged
			},
			rules: flagRulesOnly(FlagDiscountOver),
			want: []Flag{
				{Kind: FlagDiscountOver, Index: 1, AgentNick: mei, Detail: "50"},
				{Kind: FlagDiscountOver, Index: 2, AgentNick: mei, Detail: "30"},
				{Kind: FlagDiscountOver, Index: 3, AgentNick: mei, Detail: "25.5"},
			},
		},
		{
			name: "discount: shop limit of 50",
			msgs: []Message{
				buyer(0, "能便宜点吗"),
				agent(mei, 30, "给您优惠50元"),
				agent(mei, 40, "补偿60元红包"),
			},
			rules: func() FlagRules { r := flagRulesOnly(FlagDiscountOver); r.DiscountLimit = 50; return r }(),
			want:  []Flag{{Kind: FlagDiscountOver, Index: 2, AgentNick: mei, Detail: "60"}},
		},

		// enabling, defaults, ordering
		{
			name: "disabled kinds are not reported",
			msgs: []Message{
				buyer(0, "怎么用"),
				agent(mei, 30, "不知道"),
			},
			rules: func() FlagRules {
				r := DefaultFlagRules()
				r.Enabled[FlagNoGreeting] = false
				delete(r.Enabled, FlagNoClosing)
				return r
			}(),
			want: []Flag{{Kind: FlagBannedWord, Index: 1, AgentNick: mei, Detail: "不知道"}},
		},
		{
			name: "nothing enabled",
			msgs: []Message{
				buyer(0, "怎么用"),
				agent(mei, 30, "不知道"),
			},
			rules: FlagRules{},
			want:  nil,
		},
		{
			name: "nil word lists and zero limits mean the defaults",
			msgs: []Message{
				buyer(0, "怎么用"),
				agent(mei, 30, "稍等，不知道，减50元"),
				agent(mei, 30+flagMin(16), "亲"),
			},
			rules: FlagRules{Enabled: map[FlagKind]bool{
				FlagWaitNoFollowUp: true, FlagBannedWord: true, FlagDiscountOver: true,
			}},
			want: []Flag{
				{Kind: FlagWaitNoFollowUp, Index: 1, AgentNick: mei},
				{Kind: FlagBannedWord, Index: 1, AgentNick: mei, Detail: "不知道"},
				{Kind: FlagDiscountOver, Index: 1, AgentNick: mei, Detail: "50"},
			},
		},
		{
			name: "empty non-nil greeting list flags every first message",
			msgs: []Message{
				buyer(0, "在吗"),
				agent(mei, 30, "亲，在的"),
			},
			rules: func() FlagRules { r := flagRulesOnly(FlagNoGreeting); r.Greetings = []string{}; return r }(),
			want:  []Flag{{Kind: FlagNoGreeting, Index: 1, AgentNick: mei}},
		},
		{
			name: "one message raising every kind: ties in FlagKinds order",
			msgs: []Message{
				buyer(0, "能便宜点吗"),
				agent(mei, flagMin(6), "稍等，自己看，优惠50元"),
				buyer(flagMin(7), "？"),
			},
			rules: allRules,
			want: []Flag{
				{Kind: FlagNoGreeting, Index: 1, AgentNick: mei},
				{Kind: FlagNoClosing, Index: 1, AgentNick: mei},
				{Kind: FlagSlowNoApology, Index: 1, AgentNick: mei},
				{Kind: FlagWaitNoFollowUp, Index: 1, AgentNick: mei},
				{Kind: FlagBannedWord, Index: 1, AgentNick: mei, Detail: "自己看"},
				{Kind: FlagDiscountOver, Index: 1, AgentNick: mei, Detail: "50"},
			},
		},
		{
			name: "flags come in message order across kinds",
			msgs: []Message{
				buyer(0, "在吗"),                         // 0
				agent(mei, 30, "在的，您说"),                // 1: greeting ok
				buyer(60, "能便宜吗"),                      // 2
				agent(mei, 60+flagMin(8), "便宜30元吧"),    // 3: slow, no apology; discount 30
				agent(qiang, 60+flagMin(9), "我是阿强，稍等"), // 4: no greeting; wait, never followed up
				agent(mei, 60+flagMin(30), "没办法，就这样"),  // 5: banned (not the last agent message: closing not checked)
				buyer(60+flagMin(31), "差评"),            // 6
				system(60+flagMin(32), "会话结束"),         // 7
				agent(qiang, 60+flagMin(40), "不能换，抱歉"), // 8: banned; the last agent message, no closing
			},
			rules: allRules,
			want: []Flag{
				{Kind: FlagSlowNoApology, Index: 3, AgentNick: mei},
				{Kind: FlagDiscountOver, Index: 3, AgentNick: mei, Detail: "30"},
				{Kind: FlagNoGreeting, Index: 4, AgentNick: qiang},
				{Kind: FlagWaitNoFollowUp, Index: 4, AgentNick: qiang},
				{Kind: FlagBannedWord, Index: 5, AgentNick: mei, Detail: "没办法"},
				{Kind: FlagNoClosing, Index: 8, AgentNick: qiang},
				{Kind: FlagBannedWord, Index: 8, AgentNick: qiang, Detail: "不能换"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DetectFlags(tt.msgs, Compute(tt.msgs, DefaultRules()), tt.rules)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DetectFlags() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestDetectFlagsIgnoresBadReplies(t *testing.T) {
	msgs := []Message{
		buyer(0, "在吗"),
		agent(mei, 30, "亲，在的"),
	}
	f := Figures{Replies: []Reply{
		{Index: 5, AgentNick: mei, Slow: true},  // out of range
		{Index: 0, AgentNick: mei, Slow: true},  // a buyer message
		{Index: -1, AgentNick: mei, Slow: true}, // negative
	}}
	if got := DetectFlags(msgs, f, flagRulesOnly(FlagSlowNoApology)); got != nil {
		t.Errorf("DetectFlags() = %+v, want nil", got)
	}
	// Replies out of order are still found.
	msgs = append(msgs, buyer(60, "尺码"), agent(mei, 60+flagMin(6), "标准码"))
	f = Figures{Replies: []Reply{{Index: 3, AgentNick: mei, Slow: true}, {Index: 1, AgentNick: mei}}}
	want := []Flag{{Kind: FlagSlowNoApology, Index: 3, AgentNick: mei}}
	if got := DetectFlags(msgs, f, flagRulesOnly(FlagSlowNoApology)); !reflect.DeepEqual(got, want) {
		t.Errorf("DetectFlags() = %+v, want %+v", got, want)
	}
}

func TestDetectFlagsDoesNotModifyInput(t *testing.T) {
	msgs := realisticConversation()
	before := slices.Clone(msgs)
	f := Compute(msgs, DefaultRules())
	f.Replies = []Reply{f.Replies[2], f.Replies[0], f.Replies[1]}
	replies := slices.Clone(f.Replies)
	r := DefaultFlagRules()
	DetectFlags(msgs, f, r)
	if !reflect.DeepEqual(msgs, before) {
		t.Error("DetectFlags modified msgs")
	}
	if !reflect.DeepEqual(f.Replies, replies) {
		t.Error("DetectFlags modified f.Replies")
	}
	if !reflect.DeepEqual(r, DefaultFlagRules()) {
		t.Error("DetectFlags modified the rules")
	}
}

func TestDefaultFlagRules(t *testing.T) {
	r := DefaultFlagRules()
	for _, k := range FlagKinds {
		if !r.Enabled[k] {
			t.Errorf("kind %s not enabled", k)
		}
	}
	if len(r.Enabled) != len(FlagKinds) {
		t.Errorf("Enabled has %d kinds, want %d", len(r.Enabled), len(FlagKinds))
	}
	if r.FollowUp != 15*time.Minute || r.DiscountLimit != 20 {
		t.Errorf("FollowUp %v, DiscountLimit %d; want 15m, 20", r.FollowUp, r.DiscountLimit)
	}
	wantLists := map[string][2][]string{
		"Greetings":   {r.Greetings, {"您好", "你好", "亲", "在的", "欢迎", "hello", "hi"}},
		"Closings":    {r.Closings, {"祝您", "欢迎下次", "感谢您的支持", "感谢支持", "再见", "还有其他问题", "愉快", "随时找我", "谢谢"}},
		"Apologies":   {r.Apologies, {"抱歉", "不好意思", "久等", "对不起", "sorry"}},
		"WaitPhrases": {r.WaitPhrases, {"稍等", "请等一下", "等一下", "please wait"}},
		"BannedWords": {r.BannedWords, {"不知道", "自己看", "规定就是这样", "没办法", "不能换", "你自己"}},
	}
	for name, l := range wantLists {
		if !slices.Equal(l[0], l[1]) {
			t.Errorf("%s = %q, want %q", name, l[0], l[1])
		}
	}
	// Each call returns fresh copies.
	r.Greetings[0] = "changed"
	r.Enabled[FlagNoGreeting] = false
	if r2 := DefaultFlagRules(); r2.Greetings[0] != "您好" || !r2.Enabled[FlagNoGreeting] {
		t.Error("changing one DefaultFlagRules result changed the next")
	}
	wantKinds := []FlagKind{"no_greeting", "no_closing", "slow_no_apology", "wait_no_follow_up", "banned_word", "discount_over_limit"}
	if !slices.Equal(FlagKinds, wantKinds) {
		t.Errorf("FlagKinds = %q, want %q", FlagKinds, wantKinds)
	}
}

func TestMaxDiscountPromise(t *testing.T) {
	tests := []struct {
		text string
		want float64 // 0: no promise
	}{
		// from the brief
		{"优惠50元", 50},
		{"便宜60块", 60},
		{"给您减30", 30},
		{"补偿100元红包", 100},
		{"少25元", 25},
		{"给您改价，再减50", 50},
		{"返现50", 50},
		{"最多给您优惠20元", 20},
		{"这件199元", 0},
		{"便宜五十块", 50},
		{"满300减30", 30},
		{"改价减 25.5 元", 25.5},
		// digits and numerals
		{"优惠 50 元", 50},
		{"优惠５０元", 50},
		{"优惠1,000元", 1000},
		{"让利2万", 20000},
		{"补偿两百块", 200},
		{"补偿一百五十元", 150},
		{"便宜十五块", 15},
		{"便宜二十五块", 25},
		{"便宜九十九块", 99},
		{"便宜两块", 2},
		{"送您¥30优惠券", 30},
		{"给您20元的优惠", 20},
		{"好评返现5RMB", 5},
		{"优惠50元，再返现10元", 50},
		// prices, thresholds and other numbers are no promise
		{"这件199元，给您便宜10元", 10},
		{"满300元减30元", 30},
		{"满199减20", 20},
		{"不能再便宜了哦~这款199元", 0},
		{"不能再便宜了，这款199元", 0},
		{"现在优惠价159元", 0},
		{"优惠后只要159元", 0},
		{"便宜到99元", 0},
		{"您问多少钱的话是199元", 0},
		{"至少30天", 0},
		{"少发了2件，补偿您5元", 5},
		{"减价50元", 50},
		{"便宜一点吧", 0},
		{"满减活动打8折", 0},
		{"iPhone15优惠", 0},
		{"第30位下单的红包", 0},
		{"十分抱歉，红包已发", 0},
		{"红包", 0},
		{"", 0},
	}
	var sc discountScratch
	for _, tt := range tests {
		got, ok := sc.maxDiscountPromise(tt.text)
		if ok != (tt.want != 0) || got != tt.want {
			t.Errorf("maxDiscountPromise(%q) = %v, %v; want %v", tt.text, got, ok, tt.want)
		}
	}
}

func TestParseCNNumeral(t *testing.T) {
	tests := []struct {
		in   string
		want int // 0: not a number
	}{
		{"一", 1}, {"两", 2}, {"九", 9}, {"十", 10}, {"十五", 15}, {"二十", 20},
		{"五十", 50}, {"九十九", 99}, {"一十", 10}, {"一百", 100}, {"一百零五", 105},
		{"一百五", 150}, {"一百五十", 150}, {"两千三", 2300}, {"一千二百", 1200},
		{"一两", 0}, {"三四十", 0}, {"千", 0}, {"十十", 0}, {"零", 0}, {"五零", 0},
		{"一百十", 0}, {"十百", 0},
	}
	for _, tt := range tests {
		got, ok := parseCNNumeral([]rune(tt.in))
		if ok != (tt.want != 0) || got != tt.want {
			t.Errorf("parseCNNumeral(%q) = %d, %v; want %d", tt.in, got, ok, tt.want)
		}
	}
}

// flagsJDDCSessions reads the JDDC sample with the made-up timestamps of
// TestComputeJDDC: within a session messages are 30 seconds apart, except
// that every 5th message comes 7 minutes after the one before it.
func flagsJDDCSessions(t *testing.T) [][]Message {
	t.Helper()
	const path = "../../../shared/testdata/jddc/chat_0.1per.tsv"
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not found", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sessions [][]Message
	lastID, lines := "", 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		lines++
		// session_id, user_id, waiter_send, is_transfer, is_repeat, sku, content
		cols := strings.SplitN(sc.Text(), "\t", 7)
		if len(cols) != 7 {
			t.Fatalf("line %d: %d columns, want 7", lines, len(cols))
		}
		if len(sessions) == 0 || cols[0] != lastID {
			sessions = append(sessions, nil)
			lastID = cols[0]
		}
		ss := &sessions[len(sessions)-1]
		n := len(*ss)
		sent := t0
		if n > 0 {
			gap := 30 * time.Second
			if n%5 == 0 {
				gap = 7 * time.Minute
			}
			sent = (*ss)[n-1].SentAt.Add(gap)
		}
		m := Message{SentAt: sent, Text: cols[6]}
		switch cols[2] {
		case "0":
			m.Sender = Buyer
		case "1":
			m.Sender, m.AgentNick = Agent, "jd_waiter"
		default:
			t.Fatalf("line %d: waiter_send %q", lines, cols[2])
		}
		*ss = append(*ss, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sessions
}

// TestDetectFlagsJDDC runs DetectFlags over every session of a sample of the
// JDDC customer-service dialogue corpus.
func TestDetectFlagsJDDC(t *testing.T) {
	sessions := flagsJDDCSessions(t)
	counts := map[FlagKind]int{}
	flagged := 0
	for si, msgs := range sessions {
		flags := DetectFlags(msgs, Compute(msgs, DefaultRules()), DefaultFlagRules())
		if len(flags) > 0 {
			flagged++
		}
		for k, fl := range flags {
			counts[fl.Kind]++
			if fl.Index < 0 || fl.Index >= len(msgs) || msgs[fl.Index].Sender != Agent {
				t.Fatalf("session %d: flag %+v does not point at an agent message", si, fl)
			}
			if fl.AgentNick != msgs[fl.Index].AgentNick {
				t.Errorf("session %d: flag %+v: AgentNick, want %q", si, fl, msgs[fl.Index].AgentNick)
			}
			if !slices.Contains(FlagKinds, fl.Kind) {
				t.Errorf("session %d: unknown kind in %+v", si, fl)
			}
			if k > 0 {
				prev := flags[k-1]
				if prev.Index > fl.Index || (prev.Index == fl.Index &&
					slices.Index(FlagKinds, prev.Kind) >= slices.Index(FlagKinds, fl.Kind)) {
					t.Errorf("session %d: flags out of order: %+v then %+v", si, prev, fl)
				}
			}
		}
	}
	if counts[FlagNoGreeting] == 0 {
		t.Error("no no_greeting flag found")
	}
	if counts[FlagNoClosing] == 0 {
		t.Error("no no_closing flag found")
	}
	var b strings.Builder
	for _, k := range FlagKinds {
		fmt.Fprintf(&b, " %s=%d", k, counts[k])
	}
	t.Logf("%d sessions, %d with flags;%s", len(sessions), flagged, b.String())
}

// flagsBenchConversation is realisticConversation with a few agent messages
// changed so every check has work to do.
func flagsBenchConversation() []Message {
	msgs := realisticConversation()
	msgs[3].Text = "亲，请稍等，我帮您查一下库存"
	msgs[11].Text = "最多给您优惠20元，满300减30也可以用"
	msgs[21].Text = "您好，售后阿强为您服务，不好意思久等了"
	msgs[29].Text = "这个规定就是这样的"
	return msgs
}

func BenchmarkDetectFlags(b *testing.B) {
	msgs := flagsBenchConversation()
	f := Compute(msgs, DefaultRules())
	r := DefaultFlagRules()
	b.ReportAllocs()
	for b.Loop() {
		DetectFlags(msgs, f, r)
	}
}
