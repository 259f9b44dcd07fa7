package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"kefudesk/models/chatqa"
)

// SettingSlowReplyMinutes is the reply-time limit: the digest's "first reply
// within 5 minutes" (seeds 002, 003).
const SettingSlowReplyMinutes = "slow_reply_minutes"

// Settings of the automatic checks (auto-QA). Defaults come from the domain
// digest: 5-minute replies, 15 minutes to come back after "please wait",
// discounts over 20 yuan need a supervisor.
const (
	SettingFollowUpMinutes   = "wait_follow_up_minutes"
	SettingDiscountLimitYuan = "discount_limit_yuan"
	SettingGreetings         = "words_greetings"
	SettingClosings          = "words_closings"
	SettingApologies         = "words_apologies"
	SettingWaitPhrases       = "words_wait"
	SettingBannedWords       = "words_banned"
)

// SettingPassMark is the quality score an agent must reach, in percent.
const SettingPassMark = "pass_mark_percent"

var chatSettings = append([]SettingDef{
	{Key: SettingPassMark, Group: "settings.group.spot", Kind: SettingInt, Default: "80", Min: 0, Max: 100, Unit: "unit.percent"},
	{Key: SettingSlowReplyMinutes, Group: "settings.group.spot", Kind: SettingInt, Default: "5", Min: 1, Max: 240, Unit: "unit.minutes"},
	{Key: SettingFollowUpMinutes, Group: "settings.group.spot", Kind: SettingInt, Default: "15", Min: 1, Max: 240, Unit: "unit.minutes"},
	{Key: SettingDiscountLimitYuan, Group: "settings.group.spot", Kind: SettingInt, Default: "20", Min: 0, Max: 100000, Unit: "unit.yuan"},
	{Key: SettingGreetings, Group: "settings.group.words", Kind: SettingWords, Default: wordsDefault(chatqa.DefaultFlagRules().Greetings), Max: 2000},
	{Key: SettingClosings, Group: "settings.group.words", Kind: SettingWords, Default: wordsDefault(chatqa.DefaultFlagRules().Closings), Max: 2000},
	{Key: SettingApologies, Group: "settings.group.words", Kind: SettingWords, Default: wordsDefault(chatqa.DefaultFlagRules().Apologies), Max: 2000},
	{Key: SettingWaitPhrases, Group: "settings.group.words", Kind: SettingWords, Default: wordsDefault(chatqa.DefaultFlagRules().WaitPhrases), Max: 2000},
	{Key: SettingBannedWords, Group: "settings.group.words", Kind: SettingWords, Default: wordsDefault(chatqa.DefaultFlagRules().BannedWords), Max: 4000},
}, flagSettings()...)

func wordsDefault(w []string) string { return strings.Join(w, ", ") }

// defaultFlagPoints is how many points each flag takes off by default: the
// ones a buyer notices most cost most.
var defaultFlagPoints = map[chatqa.FlagKind]int{
	chatqa.FlagNoGreeting: 2, chatqa.FlagNoClosing: 2, chatqa.FlagSlowNoApology: 3,
	chatqa.FlagWaitNoFollowUp: 3, chatqa.FlagBannedWord: 5, chatqa.FlagDiscountOver: 5,
}

// FlagOnKey and FlagPointsKey name a flag kind's two settings.
func FlagOnKey(k chatqa.FlagKind) string     { return "flag_" + string(k) + "_on" }
func FlagPointsKey(k chatqa.FlagKind) string { return "flag_" + string(k) + "_points" }

func flagSettings() []SettingDef {
	var out []SettingDef
	for _, k := range chatqa.FlagKinds {
		out = append(out,
			SettingDef{Key: FlagOnKey(k), Group: "settings.group.flags", Kind: SettingBool, Default: "true"},
			SettingDef{Key: FlagPointsKey(k), Group: "settings.group.flags", Kind: SettingInt, Default: strconv.Itoa(defaultFlagPoints[k]), Min: 0, Max: 100, Unit: "unit.points"},
		)
	}
	return out
}

// ChatFlagRules are the automatic checks as the shop has set them.
func ChatFlagRules(s Settings) chatqa.FlagRules {
	r := chatqa.FlagRules{
		Enabled:       map[chatqa.FlagKind]bool{},
		Greetings:     s.Words(SettingGreetings),
		Closings:      s.Words(SettingClosings),
		Apologies:     s.Words(SettingApologies),
		WaitPhrases:   s.Words(SettingWaitPhrases),
		BannedWords:   s.Words(SettingBannedWords),
		FollowUp:      time.Duration(s.Int(SettingFollowUpMinutes)) * time.Minute,
		DiscountLimit: s.Int(SettingDiscountLimitYuan),
	}
	for _, k := range chatqa.FlagKinds {
		r.Enabled[k] = s.Bool(FlagOnKey(k))
	}
	return r
}

// FlagPoints is what one flag of kind k takes off.
func FlagPoints(s Settings, k chatqa.FlagKind) int { return s.Int(FlagPointsKey(k)) }

func chatRules(s Settings) chatqa.Rules {
	return chatqa.Rules{SlowReply: time.Duration(s.Int(SettingSlowReplyMinutes)) * time.Minute}
}

// ChatRules are the figures' rules as the shop has set them.
func ChatRules(s Settings) chatqa.Rules { return chatRules(s) }

// chatFigureRow is what is stored per conversation for lists and sampling.
type chatFigureRow struct {
	id                             int64
	messages, buyerMsgs, agentMsgs int
	firstResponse                  *int
	longestGap, slowReplies        int
	unanswered                     bool
	agents                         []string
	startedAt, endedAt             time.Time
	flags                          []string
	receivedBy                     string
	flagPoints                     int
}

// refreshChatFigures recomputes the stored figures and flags of the
// conversations an import touched: one ordered pass over their messages,
// then one UPDATE.
//
// The read goes conversation by conversation through the messages index
// (OFFSET 0 keeps the planner from flattening it into a join of its own
// choosing). A shop's first big import found chat_messages empty in the
// statistics, and the planner's semi-join then scanned the touched list
// once per message: 13 minutes and counting for a million messages.
func refreshChatFigures(ctx context.Context, tx pgx.Tx, settings Settings) error {
	rules, flagRules := chatRules(settings), ChatFlagRules(settings)
	rows, err := tx.Query(ctx, `
		SELECT t.id, m.sender, m.agent_nick, m.sent_at, m.body
		  FROM (SELECT id FROM chat_touched ORDER BY id) t
		  CROSS JOIN LATERAL (
		        SELECT m.sender, m.agent_nick, m.sent_at, m.body, m.id
		          FROM chat_messages m
		         WHERE m.conversation_id = t.id
		         ORDER BY m.sent_at, m.id
		        OFFSET 0) m`)
	if err != nil {
		return fmt.Errorf("models: chat figures: read: %w", err)
	}
	var (
		out  []chatFigureRow
		cur  int64 = -1
		msgs []chatqa.Message
	)
	flush := func() {
		if cur < 0 {
			return
		}
		out = append(out, computeFigureRow(cur, msgs, rules, flagRules, settings))
		msgs = msgs[:0]
	}
	for rows.Next() {
		var id int64
		var m chatqa.Message
		var sender string
		if err := rows.Scan(&id, &sender, &m.AgentNick, &m.SentAt, &m.Text); err != nil {
			rows.Close()
			return fmt.Errorf("models: chat figures: scan: %w", err)
		}
		m.Sender = chatqa.Sender(sender)
		if id != cur {
			flush()
			cur = id
		}
		msgs = append(msgs, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("models: chat figures: read: %w", err)
	}
	flush()
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE chat_figs (
		id bigint, messages int, buyer_messages int, agent_messages int, first_response_secs int,
		longest_gap_secs int, slow_replies int, unanswered bool, agent_nicks text[],
		started_at timestamptz, ended_at timestamptz, flags text[], flag_points int, received_by text) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("models: chat figures: temp table: %w", err)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"chat_figs"},
		[]string{"id", "messages", "buyer_messages", "agent_messages", "first_response_secs", "longest_gap_secs", "slow_replies", "unanswered", "agent_nicks", "started_at", "ended_at", "flags", "flag_points", "received_by"},
		pgx.CopyFromSlice(len(out), func(i int) ([]any, error) {
			r := out[i]
			return []any{r.id, r.messages, r.buyerMsgs, r.agentMsgs, r.firstResponse, r.longestGap, r.slowReplies, r.unanswered, r.agents, r.startedAt, r.endedAt, r.flags, r.flagPoints, r.receivedBy}, nil
		}))
	if err != nil {
		return fmt.Errorf("models: chat figures: copy: %w", err)
	}
	_, err = tx.Exec(ctx, `
		UPDATE chat_conversations c SET
		       messages = f.messages, buyer_messages = f.buyer_messages, agent_messages = f.agent_messages,
		       first_response_secs = f.first_response_secs, longest_gap_secs = f.longest_gap_secs,
		       slow_replies = f.slow_replies, unanswered = f.unanswered, agent_nicks = f.agent_nicks,
		       started_at = f.started_at, ended_at = f.ended_at, flags = f.flags, flag_points = f.flag_points,
		       received_by = f.received_by
		  FROM chat_figs f WHERE c.id = f.id`)
	if err != nil {
		return fmt.Errorf("models: chat figures: update: %w", err)
	}
	return nil
}

// computeFigureRow is a conversation's stored figures and flags, from its
// messages in time order.
func computeFigureRow(id int64, msgs []chatqa.Message, rules chatqa.Rules, flagRules chatqa.FlagRules, settings Settings) chatFigureRow {
	f := chatqa.Compute(msgs, rules)
	r := figureRow(id, f)
	r.receivedBy = receiver(msgs)
	r.flags, r.flagPoints = flagSummary(chatqa.DetectFlags(msgs, f, flagRules), settings)
	return r
}

func figureRow(id int64, f chatqa.Figures) chatFigureRow {
	r := chatFigureRow{
		id: id, messages: f.Messages, buyerMsgs: f.BuyerMessages, agentMsgs: f.AgentMessages,
		longestGap: int(f.LongestGap / time.Second), slowReplies: f.SlowReplies, unanswered: f.Unanswered,
		startedAt: f.Start, endedAt: f.End, agents: []string{},
	}
	if f.HasFirstResponse {
		secs := int(f.FirstResponse / time.Second)
		r.firstResponse = &secs
	}
	for _, a := range f.Agents {
		if a.Nick != "" {
			r.agents = append(r.agents, a.Nick)
		}
	}
	return r
}

// flagSummary is the distinct kinds raised, in FlagKinds order, and the
// points all flags take off together.
func flagSummary(flags []chatqa.Flag, s Settings) ([]string, int) {
	kinds, points := []string{}, 0
	seen := map[chatqa.FlagKind]bool{}
	for _, f := range flags {
		points += FlagPoints(s, f.Kind)
		seen[f.Kind] = true
	}
	for _, k := range chatqa.FlagKinds {
		if seen[k] {
			kinds = append(kinds, string(k))
		}
	}
	return kinds, points
}

// receiver is the sub-account whose window received the chat: the agent
// column of the first buyer line that names one (Qianniu exports name the
// window on every line), else the first agent who wrote.
func receiver(msgs []chatqa.Message) string {
	for _, m := range msgs {
		if m.Sender == chatqa.Buyer && m.AgentNick != "" {
			return m.AgentNick
		}
	}
	for _, m := range msgs {
		if m.Sender == chatqa.Agent {
			return m.AgentNick
		}
	}
	return ""
}
