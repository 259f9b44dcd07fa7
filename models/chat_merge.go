package models

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"kefudesk/models/chatqa"
)

// chatMergeBatch is how many staged rows one FETCH brings into Go: a few
// megabytes, whatever the file's size.
const chatMergeBatch = 20000

// nickUpsert adds an import's per-nick tallies to chat_agent_nicks.
const nickUpsert = `
	ON CONFLICT (nick) DO UPDATE
	   SET messages   = chat_agent_nicks.messages + EXCLUDED.messages,
	       first_seen = least(chat_agent_nicks.first_seen, EXCLUDED.first_seen),
	       last_seen  = greatest(chat_agent_nicks.last_seen, EXCLUDED.last_seen)`

// stagedMessage is one de-duplicated staged line.
type stagedMessage struct {
	line int32
	msg  chatqa.Message
	hash []byte
}

// nickTally is what one import adds to a nick's row in chat_agent_nicks.
type nickTally struct {
	messages    int64
	first, last time.Time
}

// chatMerger writes the staged rows of conversations the shop has not seen
// yet straight into their tables: the de-duplicated rows come back sorted
// by conversation through a cursor, each conversation's figures are
// computed in Go as it completes, and every batch is two COPYs, its
// conversations (figures included) and then their messages. The earlier
// merge inserted conversations, inserted messages with INSERT … SELECT
// (two sorts of the file), read every message back for the figures and
// rewrote every conversation with them: about a quarter of its time.
//
// Rows of conversations that already exist go to chat_stage_known and
// through SQL instead: only there can a line already be stored, and their
// figures need the stored messages too.
type chatMerger struct {
	tx        pgx.Tx
	settings  Settings
	rules     chatqa.Rules
	flagRules chatqa.FlagRules
	known     map[string]int64

	// The conversation being read and its messages.
	conv, buyer string
	msgs        []stagedMessage

	nicks        map[string]*nickTally
	added        int64
	newConvs     int64
	first, last  time.Time
	sawAnyRecord bool
}

// fetchedRow is one row of the merge cursor.
type fetchedRow struct {
	conv, buyer string
	sm          stagedMessage
}

// mergeWrites is what one batch writes.
type mergeWrites struct {
	convRows, msgRows, knownRows [][]any
}

// run walks the cursor. Go's share of a batch (figures, rows for COPY)
// runs while the connection writes the batch before it and fetches the
// next, so on two cores neither side waits for the other.
func (m *chatMerger) run(ctx context.Context) error {
	if _, err := m.tx.Exec(ctx, `
		DECLARE chat_merge NO SCROLL CURSOR FOR
		SELECT DISTINCT ON (conv, sent_at, sender, agent, hash) conv, buyer, sender, agent, sent_at, body, hash, line
		  FROM chat_stage
		 ORDER BY conv, sent_at, sender, agent, hash, line`); err != nil {
		return fmt.Errorf("models: import chats: cursor: %w", err)
	}
	batch, err := m.fetch(ctx, nil)
	if err != nil {
		return err
	}
	var pending *mergeWrites
	var spare []fetchedRow
	for {
		last := len(batch) < chatMergeBatch
		out := &mergeWrites{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			m.take(batch, last, out)
		}()
		var next []fetchedRow
		werr := m.write(ctx, pending)
		if werr == nil && !last {
			next, werr = m.fetch(ctx, spare)
		}
		<-done
		if werr != nil {
			return werr
		}
		pending, spare, batch = out, batch[:0], next
		if last {
			break
		}
	}
	if err := m.write(ctx, pending); err != nil {
		return err
	}
	if _, err := m.tx.Exec(ctx, `CLOSE chat_merge`); err != nil {
		return fmt.Errorf("models: import chats: cursor: %w", err)
	}
	return m.writeNicks(ctx)
}

// fetch reads the cursor's next batch into buf.
func (m *chatMerger) fetch(ctx context.Context, buf []fetchedRow) ([]fetchedRow, error) {
	rows, err := m.tx.Query(ctx, `FETCH `+fmt.Sprint(chatMergeBatch)+` FROM chat_merge`)
	if err != nil {
		return nil, fmt.Errorf("models: import chats: fetch: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r fetchedRow
		var sender string
		if err := rows.Scan(&r.conv, &r.buyer, &sender, &r.sm.msg.AgentNick, &r.sm.msg.SentAt, &r.sm.msg.Text, &r.sm.hash, &r.sm.line); err != nil {
			return nil, fmt.Errorf("models: import chats: fetch: %w", err)
		}
		r.sm.msg.Sender = chatqa.Sender(sender)
		buf = append(buf, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("models: import chats: fetch: %w", err)
	}
	return buf, nil
}

// take groups a batch's rows into conversations; the last conversation is
// complete only once the cursor is done.
func (m *chatMerger) take(batch []fetchedRow, last bool, out *mergeWrites) {
	for _, r := range batch {
		m.see(r.sm.msg.SentAt)
		if r.conv != m.conv {
			m.complete(out)
			m.conv, m.buyer = r.conv, r.buyer
		}
		// The file's buyer of a conversation is its smallest, as before.
		m.buyer = min(m.buyer, r.buyer)
		m.msgs = append(m.msgs, r.sm)
	}
	if last {
		m.complete(out)
	}
}

func (m *chatMerger) see(t time.Time) {
	if !m.sawAnyRecord || t.Before(m.first) {
		m.first = t
	}
	if !m.sawAnyRecord || t.After(m.last) {
		m.last = t
	}
	m.sawAnyRecord = true
}

// complete finishes the conversation being read: a known one's rows wait
// for the SQL merge; a new one's get its figures and are ready to write.
func (m *chatMerger) complete(out *mergeWrites) {
	if len(m.msgs) == 0 {
		return
	}
	defer func() { m.msgs = m.msgs[:0] }()
	if id, ok := m.known[m.conv]; ok {
		for _, sm := range m.msgs {
			out.knownRows = append(out.knownRows, []any{id, string(sm.msg.Sender), sm.msg.AgentNick, sm.msg.SentAt, sm.msg.Text, sm.hash, sm.line})
		}
		return
	}
	// Messages are stored, and their figures computed, in time order and,
	// within one second, in file order (the cursor's order breaks ties by
	// sender first).
	sort.SliceStable(m.msgs, func(i, j int) bool {
		a, b := m.msgs[i], m.msgs[j]
		if !a.msg.SentAt.Equal(b.msg.SentAt) {
			return a.msg.SentAt.Before(b.msg.SentAt)
		}
		return a.line < b.line
	})
	msgs := make([]chatqa.Message, len(m.msgs))
	for i, sm := range m.msgs {
		msgs[i] = sm.msg
		if sm.msg.AgentNick != "" {
			t := m.nicks[sm.msg.AgentNick]
			if t == nil {
				t = &nickTally{first: sm.msg.SentAt, last: sm.msg.SentAt}
				m.nicks[sm.msg.AgentNick] = t
			}
			if sm.msg.Sender == chatqa.Agent {
				t.messages++
			}
			if sm.msg.SentAt.Before(t.first) {
				t.first = sm.msg.SentAt
			}
			if sm.msg.SentAt.After(t.last) {
				t.last = sm.msg.SentAt
			}
		}
	}
	r := computeFigureRow(0, msgs, m.rules, m.flagRules, m.settings)
	// The id is filled in when the batch is written; messages point at
	// their conversation's row by its index until then.
	idx := len(out.convRows)
	out.convRows = append(out.convRows, []any{nil, m.conv, m.buyer, r.startedAt, r.endedAt, r.messages, r.buyerMsgs, r.agentMsgs,
		r.firstResponse, r.longestGap, r.slowReplies, r.unanswered, r.agents, r.flags, r.flagPoints, r.receivedBy})
	for _, sm := range m.msgs {
		out.msgRows = append(out.msgRows, []any{idx, string(sm.msg.Sender), sm.msg.AgentNick, sm.msg.SentAt, sm.msg.Text, sm.hash})
	}
	m.added += int64(len(m.msgs))
	m.newConvs++
}

// write writes a batch's completed conversations: ids from the
// conversations' sequence, the conversations, then their messages (the
// foreign key needs the conversations first).
func (m *chatMerger) write(ctx context.Context, w *mergeWrites) error {
	if w == nil {
		return nil
	}
	if len(w.convRows) > 0 {
		rows, err := m.tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('chat_conversations', 'id')) FROM generate_series(1, $1)`, len(w.convRows))
		if err != nil {
			return fmt.Errorf("models: import chats: conversation ids: %w", err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("models: import chats: conversation ids: %w", err)
		}
		for i := range w.convRows {
			w.convRows[i][0] = ids[i]
		}
		for _, r := range w.msgRows {
			r[0] = ids[r[0].(int)]
		}
		if _, err := m.tx.CopyFrom(ctx, pgx.Identifier{"chat_conversations"},
			[]string{"id", "external_id", "buyer", "started_at", "ended_at", "messages", "buyer_messages", "agent_messages",
				"first_response_secs", "longest_gap_secs", "slow_replies", "unanswered", "agent_nicks", "flags", "flag_points", "received_by"},
			pgx.CopyFromRows(w.convRows)); err != nil {
			return fmt.Errorf("models: import chats: conversations: %w", err)
		}
		if _, err := m.tx.CopyFrom(ctx, pgx.Identifier{"chat_messages"},
			[]string{"conversation_id", "sender", "agent_nick", "sent_at", "body", "body_hash"},
			pgx.CopyFromRows(w.msgRows)); err != nil {
			return fmt.Errorf("models: import chats: messages: %w", err)
		}
	}
	if len(w.knownRows) > 0 {
		if _, err := m.tx.CopyFrom(ctx, pgx.Identifier{"chat_stage_known"},
			[]string{"conversation_id", "sender", "agent", "sent_at", "body", "hash", "line"},
			pgx.CopyFromRows(w.knownRows)); err != nil {
			return fmt.Errorf("models: import chats: known conversations: %w", err)
		}
	}
	return nil
}

// writeNicks adds the new conversations' tallies per nick.
func (m *chatMerger) writeNicks(ctx context.Context) error {
	if len(m.nicks) == 0 {
		return nil
	}
	var nicks []string
	var counts []int64
	var firsts, lasts []time.Time
	for n, t := range m.nicks {
		nicks, counts, firsts, lasts = append(nicks, n), append(counts, t.messages), append(firsts, t.first), append(lasts, t.last)
	}
	_, err := m.tx.Exec(ctx, `
		INSERT INTO chat_agent_nicks (nick, messages, first_seen, last_seen)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::timestamptz[])`+nickUpsert,
		nicks, counts, firsts, lasts)
	if err != nil {
		return fmt.Errorf("models: import chats: nicks: %w", err)
	}
	return nil
}
