package models

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"kefudesk/models/chatqa"
)

// Generated volumes at scale 1.
const (
	scaleConversations = 10_000_000
	scaleOrders        = 5_000_000
	scaleBatchSize     = 5_000 // conversations per COPY round
	orderShare         = 0.35  // conversations followed by an order
)

var scaleBuyerLines = []string{
	"在吗？这款有货吗", "我165，55公斤穿什么码", "能便宜一点吗", "双十一还有优惠吗", "什么时候发货",
	"发什么快递", "快递三天没动了", "衣服有线头", "能换个尺码吗", "退款什么时候到账", "会不会掉色",
	"有没有赠品", "好的谢谢", "那我拍了", "颜色和图片一样吗", "可以开发票吗", "面料是纯棉的吗",
}

var scaleAgentLines = []string{
	"亲，在的呢~ 有什么可以帮您", "亲，建议您拿M码哦，这款版型偏大", "亲，现在已经是活动最低价了哦，可以领满300减20的券",
	"亲，今天16点前下单当天发出哦", "默认中通哦亲，需要顺丰可以补差价", "非常抱歉让您久等了，我马上帮您查一下物流",
	"亲，麻烦拍一下照片给我看看", "亲，第一次清洗建议冷水单独洗哦", "好的亲，拍下后我给您备注", "稍等",
	"亲，退款已经处理了，1-3个工作日到账", "感谢您的支持，祝您生活愉快~", "亲，可以开电子发票的哦",
}

type nickStat struct {
	messages    int64
	first, last time.Time
}

// chats writes the conversations day by day, each batch's conversations,
// messages and the orders that follow them in three COPY rounds.
func (g *scaleGen) chats(ctx context.Context) error {
	total := int64(float64(scaleConversations) * g.o.Scale)
	totalOrders := int64(float64(scaleOrders) * g.o.Scale)
	buyers := max(total/4, 1000)
	perDay := g.days(total)
	rules, flagRules := chatRules(g.settings), ChatFlagRules(g.settings)
	stats := map[string]*nickStat{}
	b := &scaleBatch{}
	var id int64
	for i, n := range perDay {
		day := g.day(i)
		d11 := day.Month() == 11 && day.Day() == 11
		rng := rand.New(rand.NewPCG(g.o.Seed, uint64(i)))
		for range n {
			id++
			c := g.conversation(rng, id, day, d11, buyers)
			b.convs = append(b.convs, g.figures(id, c.msgs, rules, flagRules))
			b.buyers = append(b.buyers, c.buyer)
			for _, m := range c.msgs {
				b.msgs = append(b.msgs, scaleMessage{id, m})
				if m.Sender == chatqa.Agent {
					st := stats[m.AgentNick]
					if st == nil {
						st = &nickStat{first: m.SentAt}
						stats[m.AgentNick] = st
					}
					st.messages++
					st.first, st.last = minTime(st.first, m.SentAt), maxTime(st.last, m.SentAt)
				}
			}
			if id%reviewEvery == 0 && len(c.msgs) > 2 {
				g.review(rng, b, id, c)
			}
			if rng.Float64() < orderShare {
				b.orders = append(b.orders, g.order(rng, c))
			}
			if len(b.convs) >= scaleBatchSize {
				if err := g.flush(ctx, b); err != nil {
					return err
				}
				g.report("chats", id, total)
			}
		}
	}
	if err := g.flush(ctx, b); err != nil {
		return err
	}
	g.report("chats", id, total)
	if _, err := g.pg.Exec(ctx, `SELECT setval('chat_conversations_id_seq', greatest($1::bigint, 1))`, id); err != nil {
		return fmt.Errorf("models: scale: sequence: %w", err)
	}
	g.silent = max(totalOrders-g.out.Orders, 0)
	g.buyers = buyers
	return g.nickStats(ctx, stats)
}

type scaleMessage struct {
	conv int64
	m    chatqa.Message
}

type scaleBatch struct {
	convs   []chatFigureRow
	buyers  []string
	msgs    []scaleMessage
	orders  []scaleOrder
	reviews []scaleReview
	queue   []scaleAssignment
}

type scaleConversation struct {
	buyer string
	start time.Time
	nick  string
	msgs  []chatqa.Message
}

// conversation makes one chat: a buyer and one agent (sometimes a second
// after a transfer) in turn, mostly prompt, now and then slow; a few are
// never answered.
func (g *scaleGen) conversation(rng *rand.Rand, id int64, day time.Time, d11 bool, buyers int64) scaleConversation {
	start := day.Add(time.Duration(pickHour(rng, d11))*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
	c := scaleConversation{buyer: scaleBuyer(rng.Int64N(buyers)), start: start, nick: g.nicks[rng.IntN(len(g.nicks))]}
	n := 2 + rng.IntN(12) + rng.IntN(14) // mean about 15 messages
	unanswered := rng.IntN(50) == 0
	nick := c.nick
	t := start
	for k := range n {
		agent := k%2 == 1 && !unanswered
		if agent && k == n/2 && rng.IntN(7) == 0 {
			nick = g.nicks[rng.IntN(len(g.nicks))] // transferred to a colleague
		}
		m := chatqa.Message{SentAt: t, AgentNick: nick}
		if agent {
			m.Sender, m.Text = chatqa.Agent, scaleAgentLines[rng.IntN(len(scaleAgentLines))]
		} else {
			m.Sender, m.Text = chatqa.Buyer, scaleBuyerLines[rng.IntN(len(scaleBuyerLines))]
		}
		c.msgs = append(c.msgs, m)
		gap := 5 + rng.IntN(90)
		if !agent && rng.IntN(12) == 0 {
			gap = 300 + rng.IntN(600) // a slow reply
		}
		t = t.Add(time.Duration(gap) * time.Second)
	}
	return c
}

func (g *scaleGen) flush(ctx context.Context, b *scaleBatch) error {
	if len(b.convs) == 0 {
		return nil
	}
	_, err := g.pg.CopyFrom(ctx, pgx.Identifier{"chat_conversations"},
		[]string{"id", "external_id", "buyer", "started_at", "ended_at", "messages", "buyer_messages", "agent_messages",
			"first_response_secs", "longest_gap_secs", "slow_replies", "unanswered", "agent_nicks", "flags", "flag_points", "received_by"},
		pgx.CopyFromSlice(len(b.convs), func(i int) ([]any, error) {
			r := b.convs[i]
			return []any{r.id, fmt.Sprintf("scale-%d", r.id), b.buyers[i], r.startedAt, r.endedAt, r.messages, r.buyerMsgs, r.agentMsgs,
				r.firstResponse, r.longestGap, r.slowReplies, r.unanswered, r.agents, r.flags, r.flagPoints, r.receivedBy}, nil
		}))
	if err != nil {
		return fmt.Errorf("models: scale: copy conversations: %w", err)
	}
	_, err = g.pg.CopyFrom(ctx, pgx.Identifier{"chat_messages"},
		[]string{"conversation_id", "sender", "agent_nick", "sent_at", "body", "body_hash"},
		pgx.CopyFromSlice(len(b.msgs), func(i int) ([]any, error) {
			m := b.msgs[i]
			return []any{m.conv, string(m.m.Sender), m.m.AgentNick, m.m.SentAt, m.m.Text, md5Bytes(m.m.Text)}, nil
		}))
	if err != nil {
		return fmt.Errorf("models: scale: copy messages: %w", err)
	}
	if err := g.copyOrders(ctx, b.orders); err != nil {
		return err
	}
	if err := g.copyReviews(ctx, b); err != nil {
		return err
	}
	g.out.Conversations += int64(len(b.convs))
	g.out.Messages += int64(len(b.msgs))
	b.convs, b.buyers, b.msgs, b.orders = b.convs[:0], b.buyers[:0], b.msgs[:0], b.orders[:0]
	return nil
}

func (g *scaleGen) nickStats(ctx context.Context, stats map[string]*nickStat) error {
	rows := make([][]any, 0, len(stats))
	for nick, st := range stats {
		rows = append(rows, []any{nick, st.messages, st.first, st.last})
	}
	_, err := g.pg.CopyFrom(ctx, pgx.Identifier{"chat_agent_nicks"}, []string{"nick", "messages", "first_seen", "last_seen"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("models: scale: agent nicks: %w", err)
	}
	return nil
}

func (g *scaleGen) report(stage string, done, total int64) {
	if g.progress != nil {
		g.progress(stage, done, total)
	}
}

// remarkName is the name an agent writes in a red-flag remark: the
// sub-account's name after the shop prefix.
func remarkName(nick string) string {
	if i := strings.LastIndex(nick, ":"); i >= 0 {
		return nick[i+1:]
	}
	return nick
}
