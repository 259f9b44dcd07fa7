package chatqa

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

func s(n int) time.Duration { return time.Duration(n) * time.Second }

func buyer(sec int, text string) Message {
	return Message{Sender: Buyer, SentAt: at(sec), Text: text}
}

func agent(nick string, sec int, text string) Message {
	return Message{Sender: Agent, AgentNick: nick, SentAt: at(sec), Text: text}
}

func system(sec int, text string) Message {
	return Message{Sender: System, SentAt: at(sec), Text: text}
}

const (
	mei   = "小店:小美"
	qiang = "小店:阿强"
)

func TestCompute(t *testing.T) {
	tests := []struct {
		name  string
		msgs  []Message
		rules Rules
		want  Figures
	}{
		{
			name: "empty input",
			msgs: nil,
			want: Figures{},
		},
		{
			name: "empty non-nil input",
			msgs: []Message{},
			want: Figures{},
		},
		{
			name: "simple question and answer",
			msgs: []Message{
				buyer(0, "你好，这件衣服有现货吗？"),
				agent(mei, 45, "亲，有现货的，今天下单今天发货哦"),
			},
			want: Figures{
				Messages: 2, BuyerMessages: 1, AgentMessages: 1,
				Start: at(0), End: at(45), Duration: s(45),
				FirstResponse: s(45), HasFirstResponse: true,
				LongestGap: s(45),
				Replies:    []Reply{{Index: 1, AgentNick: mei, Wait: s(45)}},
				Agents: []AgentFigures{
					{Nick: mei, Messages: 1, Replies: 1, FirstResponse: s(45), HasFirstResponse: true, AvgWait: s(45)},
				},
				Waits: map[int]time.Duration{1: s(45)},
			},
		},
		{
			name: "several buyer messages then one reply waits from the first",
			msgs: []Message{
				buyer(0, "在吗"),
				buyer(20, "我想问一下尺码"),
				buyer(50, "175cm 140斤穿多大？"),
				agent(mei, 90, "亲，建议您拍XL码哦"),
			},
			want: Figures{
				Messages: 4, BuyerMessages: 3, AgentMessages: 1,
				Start: at(0), End: at(90), Duration: s(90),
				FirstResponse: s(90), HasFirstResponse: true,
				LongestGap: s(40),
				Replies:    []Reply{{Index: 3, AgentNick: mei, Wait: s(90)}},
				Agents: []AgentFigures{
					{Nick: mei, Messages: 1, Replies: 1, FirstResponse: s(90), HasFirstResponse: true, AvgWait: s(90)},
				},
				Waits: map[int]time.Duration{3: s(90)},
			},
		},
		{
			name: "agent follow-up without an open run is not a reply",
			msgs: []Message{
				buyer(0, "发什么快递？"),
				agent(mei, 30, "默认中通快递哦"),
				agent(mei, 60, "亲还有其他问题吗？"),
			},
			want: Figures{
				Messages: 3, BuyerMessages: 1, AgentMessages: 2,
				Start: at(0), End: at(60), Duration: s(60),
				FirstResponse: s(30), HasFirstResponse: true,
				LongestGap: s(30),
				Replies:    []Reply{{Index: 1, AgentNick: mei, Wait: s(30)}},
				Agents: []AgentFigures{
					{Nick: mei, Messages: 2, Replies: 1, FirstResponse: s(30), HasFirstResponse: true, AvgWait: s(30)},
				},
				Waits: map[int]time.Duration{1: s(30)},
			},
		},
		{
			name: "two agents in one chat",
			msgs: []Message{
				buyer(0, "我的订单怎么还没发货"),              // 0: opens run
				agent(mei, 60, "亲，我帮您查一下"),          // 1: reply, 60s
				buyer(120, "我要退款"),                  // 2: opens run
				system(130, "会话已转接给 小店:阿强"),         // 3: ignored for waits
				agent(qiang, 400, "您好，售后这边为您处理退款"),  // 4: reply, 280s
				buyer(600, "好的"),                    // 5: opens run
				buyer(610, "大概多久到账？"),               // 6: joins run
				agent(qiang, 640, "原路退回，一般1-3个工作日"), // 7: reply, 40s
				agent(mei, 700, "亲，如果还有问题随时联系我们哦"),  // 8: follow-up
			},
			want: Figures{
				Messages: 9, BuyerMessages: 4, AgentMessages: 4, SystemMessages: 1,
				Start: at(0), End: at(700), Duration: s(700),
				FirstResponse: s(60), HasFirstResponse: true,
				LongestGap: s(270),
				Replies: []Reply{
					{Index: 1, AgentNick: mei, Wait: s(60)},
					{Index: 4, AgentNick: qiang, Wait: s(280)},
					{Index: 7, AgentNick: qiang, Wait: s(40)},
				},
				Agents: []AgentFigures{
					{Nick: mei, Messages: 2, Replies: 1, FirstResponse: s(60), HasFirstResponse: true, AvgWait: s(60)},
					{Nick: qiang, Messages: 2, Replies: 2, FirstResponse: s(280), HasFirstResponse: true, AvgWait: s(160)},
				},
				Waits: map[int]time.Duration{1: s(60), 4: s(280), 7: s(40)},
			},
		},
		{
			name: "agent with messages but no replies has no first response",
			msgs: []Message{
				buyer(0, "有优惠券吗"),
				agent(mei, 10, "亲，店铺首页可以领券哦"),
				agent(qiang, 20, "满199减20"),
			},
			want: Figures{
				Messages: 3, BuyerMessages: 1, AgentMessages: 2,
				Start: at(0), End: at(20), Duration: s(20),
				FirstResponse: s(10), HasFirstResponse: true,
				LongestGap: s(10),
				Replies:    []Reply{{Index: 1, AgentNick: mei, Wait: s(10)}},
				Agents: []AgentFigures{
					{Nick: mei, Messages: 1, Replies: 1, FirstResponse: s(10), HasFirstResponse: true, AvgWait: s(10)},
					{Nick: qiang, Messages: 1},
				},
				Waits: map[int]time.Duration{1: s(10)},
			},
		},
		{
			name: "slow reply over 5 minutes flagged, exactly 5 minutes not slow",
			msgs: []Message{
				buyer(0, "能开发票吗"),
				agent(mei, 300, "可以的亲"), // exactly 5 min: not slow
				buyer(400, "开增值税专票可以吗"),
				agent(mei, 701, "专票需要联系财务哦"), // 5 min 1 s: slow
			},
			rules: DefaultRules(),
			want: Figures{
				Messages: 4, BuyerMessages: 2, AgentMessages: 2,
				Start: at(0), End: at(701), Duration: s(701),
				FirstResponse: s(300), HasFirstResponse: true,
				LongestGap: s(301),
				Replies: []Reply{
					{Index: 1, AgentNick: mei, Wait: s(300)},
					{Index: 3, AgentNick: mei, Wait: s(301), Slow: true},
				},
				SlowReplies: 1,
				Agents: []AgentFigures{
					{Nick: mei, Messages: 2, Replies: 2, SlowReplies: 1, FirstResponse: s(300), HasFirstResponse: true, AvgWait: 300500 * time.Millisecond},
				},
				Waits: map[int]time.Duration{1: s(300), 3: s(301)},
			},
		},
		{
			name: "shop setting of 1 minute",
			msgs: []Message{
				buyer(0, "包邮吗"),
				agent(mei, 61, "亲，全国包邮哦"),
			},
			rules: Rules{SlowReply: time.Minute},
			want: Figures{
				Messages: 2, BuyerMessages: 1, AgentMessages: 1,
				Start: at(0), End: at(61), Duration: s(61),
				FirstResponse: s(61), HasFirstResponse: true,
				LongestGap:  s(61),
				Replies:     []Reply{{Index: 1, AgentNick: mei, Wait: s(61), Slow: true}},
				SlowReplies: 1,
				Agents: []AgentFigures{
					{Nick: mei, Messages: 1, Replies: 1, SlowReplies: 1, FirstResponse: s(61), HasFirstResponse: true, AvgWait: s(61)},
				},
				Waits: map[int]time.Duration{1: s(61)},
			},
		},
		{
			name: "zero Rules means the 5 minute default",
			msgs: []Message{
				buyer(0, "包邮吗"),
				agent(mei, 61, "亲，全国包邮哦"),
			},
			rules: Rules{},
			want: Figures{
				Messages: 2, BuyerMessages: 1, AgentMessages: 1,
				Start: at(0), End: at(61), Duration: s(61),
				FirstResponse: s(61), HasFirstResponse: true,
				LongestGap: s(61),
				Replies:    []Reply{{Index: 1, AgentNick: mei, Wait: s(61)}},
				Agents: []AgentFigures{
					{Nick: mei, Messages: 1, Replies: 1, FirstResponse: s(61), HasFirstResponse: true, AvgWait: s(61)},
				},
				Waits: map[int]time.Duration{1: s(61)},
			},
		},
		{
			name: "unanswered last buyer message",
			msgs: []Message{
				buyer(0, "这个是正品吗"),
				agent(mei, 30, "亲，保证正品"),
				buyer(60, "那什么时候发货"),
				buyer(90, "人呢？"),
			},
			want: Figures{
				Messages: 4, BuyerMessages: 3, AgentMessages: 1,
				Start: at(0), End: at(90), Duration: s(90),
				FirstResponse: s(30), HasFirstResponse: true,
				LongestGap: s(30),
				Replies:    []Reply{{Index: 1, AgentNick: mei, Wait: s(30)}},
				Unanswered: true,
				Agents: []AgentFigures{
					{Nick: mei, Messages: 1, Replies: 1, FirstResponse: s(30), HasFirstResponse: true, AvgWait: s(30)},
				},
				Waits: map[int]time.Duration{1: s(30)},
			},
		},
		{
			name: "buyer only: unanswered, no replies",
			msgs: []Message{
				buyer(0, "在吗"),
			},
			want: Figures{
				Messages: 1, BuyerMessages: 1,
				Start: at(0), End: at(0),
				Unanswered: true,
			},
		},
		{
			name: "system messages ignored for waits but counted",
			msgs: []Message{
				system(0, "买家进入会话"),                                                    // 0
				agent(mei, 5, "亲，欢迎光临"),                                                // 1: no run, not a reply
				buyer(10, "这个颜色有货吗"),                                                   // 2: opens run
				system(20, "机器人自动回复：亲，请稍等"),                                            // 3: does not close run
				{Sender: "bot", SentAt: at(30), Text: "unknown sender acts as system"}, // 4
				agent(mei, 90, "有货的亲"),                                                 // 5: reply, 80s
				system(150, "会话结束"),                                                    // 6
			},
			want: Figures{
				Messages: 7, BuyerMessages: 1, AgentMessages: 2, SystemMessages: 4,
				Start: at(0), End: at(150), Duration: s(150),
				FirstResponse: s(80), HasFirstResponse: true,
				LongestGap: s(60),
				Replies:    []Reply{{Index: 5, AgentNick: mei, Wait: s(80)}},
				Agents: []AgentFigures{
					{Nick: mei, Messages: 2, Replies: 1, FirstResponse: s(80), HasFirstResponse: true, AvgWait: s(80)},
				},
				Waits: map[int]time.Duration{5: s(80)},
			},
		},
		{
			name: "system message does not open a run",
			msgs: []Message{
				system(0, "买家从商品页进入"),
				agent(mei, 10, "亲，在的"),
			},
			want: Figures{
				Messages: 2, AgentMessages: 1, SystemMessages: 1,
				Start: at(0), End: at(10), Duration: s(10),
				LongestGap: s(10),
				Agents:     []AgentFigures{{Nick: mei, Messages: 1}},
			},
		},
		{
			name: "greeting before any buyer message",
			msgs: []Message{
				agent(mei, 0, "亲，欢迎光临小店，有什么可以帮您？"),
				buyer(30, "想问下保修多久"),
				agent(mei, 50, "全国联保一年哦"),
			},
			want: Figures{
				Messages: 3, BuyerMessages: 1, AgentMessages: 2,
				Start: at(0), End: at(50), Duration: s(50),
				FirstResponse: s(20), HasFirstResponse: true,
				LongestGap: s(30),
				Replies:    []Reply{{Index: 2, AgentNick: mei, Wait: s(20)}},
				Agents: []AgentFigures{
					{Nick: mei, Messages: 2, Replies: 1, FirstResponse: s(20), HasFirstResponse: true, AvgWait: s(20)},
				},
				Waits: map[int]time.Duration{2: s(20)},
			},
		},
		{
			name: "negative wait from clock skew counts as 0",
			msgs: []Message{
				buyer(100, "改地址"),
				agent(mei, 40, "好的亲，已修改"), // agent clock 60s behind
			},
			want: Figures{
				Messages: 2, BuyerMessages: 1, AgentMessages: 1,
				Start: at(100), End: at(40), Duration: 0,
				FirstResponse: 0, HasFirstResponse: true,
				LongestGap: 0,
				Replies:    []Reply{{Index: 1, AgentNick: mei, Wait: 0}},
				Agents: []AgentFigures{
					{Nick: mei, Messages: 1, Replies: 1, FirstResponse: 0, HasFirstResponse: true, AvgWait: 0},
				},
				Waits: map[int]time.Duration{1: 0},
			},
		},
		{
			name: "longest gap and duration",
			msgs: []Message{
				buyer(0, "衣服起球了"),                // gap -
				agent(mei, 20, "亲，麻烦发下图片"),       // gap 20s
				buyer(920, "[图片]"),               // gap 900s
				agent(mei, 980, "给您补偿10元红包可以吗"),  // gap 60s
				system(2020, "买家30分钟未回复，会话自动关闭"), // gap 1040s (longest)
			},
			want: Figures{
				Messages: 5, BuyerMessages: 2, AgentMessages: 2, SystemMessages: 1,
				Start: at(0), End: at(2020), Duration: s(2020),
				FirstResponse: s(20), HasFirstResponse: true,
				LongestGap: s(1040),
				Replies: []Reply{
					{Index: 1, AgentNick: mei, Wait: s(20)},
					{Index: 3, AgentNick: mei, Wait: s(60)},
				},
				Agents: []AgentFigures{
					{Nick: mei, Messages: 2, Replies: 2, FirstResponse: s(20), HasFirstResponse: true, AvgWait: s(40)},
				},
				Waits: map[int]time.Duration{1: s(20), 3: s(60)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compute(tt.msgs, tt.rules)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Compute() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestDefaultRules(t *testing.T) {
	if got := DefaultRules().SlowReply; got != 5*time.Minute {
		t.Errorf("DefaultRules().SlowReply = %v, want 5m", got)
	}
}

func TestComputeDoesNotModifyInput(t *testing.T) {
	msgs := realisticConversation()
	before := append([]Message(nil), msgs...)
	Compute(msgs, DefaultRules())
	if !reflect.DeepEqual(msgs, before) {
		t.Error("Compute modified its input")
	}
}

// realisticConversation is a 40-message chat alternating buyer and agent,
// with varied gaps and a transfer to a second agent halfway.
func realisticConversation() []Message {
	buyerTexts := []string{
		"你好，在吗？", "这款羽绒服还有黑色L码吗", "我身高170体重130斤穿什么码",
		"今天下单什么时候发货", "发什么快递，能发顺丰吗", "可以便宜点吗",
		"有没有赠品", "我昨天买的怎么还没发货", "订单号是2024050112345678",
		"那我要退款", "退款多久到账", "好的谢谢",
	}
	agentTexts := []string{
		"亲，在的呢，有什么可以帮您？", "有的亲，黑色L码有现货", "建议您选L码哦，偏大一码",
		"16点前下单当天发货", "默认中通，顺丰需要补差价10元", "亲，已经是活动价了哦",
		"下单送运费险和收纳袋", "亲，我帮您查一下物流", "已经催仓库了，今天一定发出",
		"好的，您在订单页申请退款，我这边马上处理", "原路退回，一般1-3个工作日", "不客气，祝您生活愉快",
	}
	// Seconds each agent takes to answer, and the buyer takes to write again.
	replyGaps := []int{12, 45, 95, 30, 420, 18, 60, 350, 25, 140}
	buyerGaps := []int{30, 80, 15, 600, 40, 200, 10, 90, 1200, 55}
	msgs := make([]Message, 0, 40)
	sec := 0
	for i := range 20 {
		nick := mei
		if i >= 10 {
			nick = qiang
		}
		msgs = append(msgs, buyer(sec, buyerTexts[i%len(buyerTexts)]))
		sec += replyGaps[i%len(replyGaps)]
		msgs = append(msgs, agent(nick, sec, agentTexts[i%len(agentTexts)]))
		sec += buyerGaps[i%len(buyerGaps)]
	}
	return msgs
}

func BenchmarkCompute(b *testing.B) {
	msgs := realisticConversation()
	r := DefaultRules()
	b.ReportAllocs()
	for b.Loop() {
		Compute(msgs, r)
	}
}

// TestComputeJDDC runs Compute over every session of a sample of the JDDC
// customer-service dialogue corpus.
func TestComputeJDDC(t *testing.T) {
	const path = "../../../shared/testdata/jddc/chat_0.1per.tsv"
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not found", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	// The corpus has no timestamps, so they are made up: within a session
	// messages are 30 seconds apart, except that every 5th message comes 7
	// minutes after the one before it. A reply after such a gap is slow.
	type session struct {
		id   string
		msgs []Message
	}
	var sessions []session
	lines := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		lines++
		// session_id, user_id, waiter_send, is_transfer, is_repeat, sku, content
		cols := strings.SplitN(sc.Text(), "\t", 7)
		if len(cols) != 7 {
			t.Fatalf("line %d: %d columns, want 7", lines, len(cols))
		}
		if len(sessions) == 0 || sessions[len(sessions)-1].id != cols[0] {
			sessions = append(sessions, session{id: cols[0]})
		}
		ss := &sessions[len(sessions)-1]
		n := len(ss.msgs)
		sent := t0
		if n > 0 {
			gap := 30 * time.Second
			if n%5 == 0 {
				gap = 7 * time.Minute
			}
			sent = ss.msgs[n-1].SentAt.Add(gap)
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
		ss.msgs = append(ss.msgs, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	total, slowSessions, replies, unanswered := 0, 0, 0, 0
	for _, ss := range sessions {
		fig := Compute(ss.msgs, DefaultRules())
		total += fig.Messages
		replies += len(fig.Replies)
		if fig.Messages != len(ss.msgs) {
			t.Errorf("session %s: Messages = %d, want %d", ss.id, fig.Messages, len(ss.msgs))
		}
		if fig.BuyerMessages+fig.AgentMessages != fig.Messages {
			t.Errorf("session %s: BuyerMessages %d + AgentMessages %d != Messages %d",
				ss.id, fig.BuyerMessages, fig.AgentMessages, fig.Messages)
		}
		if len(fig.Replies) > fig.AgentMessages {
			t.Errorf("session %s: %d replies > %d agent messages", ss.id, len(fig.Replies), fig.AgentMessages)
		}
		if len(fig.Waits) != len(fig.Replies) {
			t.Errorf("session %s: %d waits, %d replies", ss.id, len(fig.Waits), len(fig.Replies))
		}
		if fig.SlowReplies > 0 {
			slowSessions++
		}
		if fig.Unanswered {
			unanswered++
		}
	}
	if total != lines {
		t.Errorf("sum of Messages = %d, want %d lines", total, lines)
	}
	if slowSessions == 0 {
		t.Error("no session has a slow reply, want at least one with 7-minute gaps")
	}
	t.Logf("%d sessions, %d messages, %d replies, %d sessions with slow replies, %d unanswered",
		len(sessions), lines, replies, slowSessions, unanswered)
}
