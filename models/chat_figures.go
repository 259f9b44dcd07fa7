package models

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"kefudesk/models/chatqa"
)

// SettingSlowReplyMinutes is the reply-time limit: the digest's "first reply
// within 5 minutes" (seeds 002, 003).
const SettingSlowReplyMinutes = "slow_reply_minutes"

var chatSettings = []SettingDef{
	{Key: SettingSlowReplyMinutes, Group: "settings.group.spot", Kind: SettingInt, Default: "5", Min: 1, Max: 240, Unit: "unit.minutes"},
}

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
}

// refreshChatFigures recomputes the stored figures of the conversations an
// import touched: one ordered pass over their messages, then one UPDATE.
func refreshChatFigures(ctx context.Context, tx pgx.Tx, rules chatqa.Rules) error {
	rows, err := tx.Query(ctx, `
		SELECT m.conversation_id, m.sender, m.agent_nick, m.sent_at
		  FROM chat_messages m
		 WHERE m.conversation_id IN (SELECT id FROM chat_touched)
		 ORDER BY m.conversation_id, m.sent_at, m.id`)
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
		out = append(out, figureRow(cur, chatqa.Compute(msgs, rules)))
		msgs = msgs[:0]
	}
	for rows.Next() {
		var id int64
		var m chatqa.Message
		var sender string
		if err := rows.Scan(&id, &sender, &m.AgentNick, &m.SentAt); err != nil {
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
		started_at timestamptz, ended_at timestamptz) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("models: chat figures: temp table: %w", err)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"chat_figs"},
		[]string{"id", "messages", "buyer_messages", "agent_messages", "first_response_secs", "longest_gap_secs", "slow_replies", "unanswered", "agent_nicks", "started_at", "ended_at"},
		pgx.CopyFromSlice(len(out), func(i int) ([]any, error) {
			r := out[i]
			return []any{r.id, r.messages, r.buyerMsgs, r.agentMsgs, r.firstResponse, r.longestGap, r.slowReplies, r.unanswered, r.agents, r.startedAt, r.endedAt}, nil
		}))
	if err != nil {
		return fmt.Errorf("models: chat figures: copy: %w", err)
	}
	_, err = tx.Exec(ctx, `
		UPDATE chat_conversations c SET
		       messages = f.messages, buyer_messages = f.buyer_messages, agent_messages = f.agent_messages,
		       first_response_secs = f.first_response_secs, longest_gap_secs = f.longest_gap_secs,
		       slow_replies = f.slow_replies, unanswered = f.unanswered, agent_nicks = f.agent_nicks,
		       started_at = f.started_at, ended_at = f.ended_at
		  FROM chat_figs f WHERE c.id = f.id`)
	if err != nil {
		return fmt.Errorf("models: chat figures: update: %w", err)
	}
	return nil
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
