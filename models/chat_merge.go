package models

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"kefudesk/models/chatfile"
	"kefudesk/models/chatqa"
)

const (
	// chatMergeBatch is how many lines one write holds: a few megabytes,
	// whatever the file's size.
	chatMergeBatch = 20000
	// chatIdleLines is how many lines after its last one a conversation
	// counts as complete. An export grouped by conversation completes each
	// one here; one sorted by time interleaves the conversations of the
	// moment, and a busy shop's all finish well within this many lines
	// (~40 minutes of a Double 11 day at 50,000 chats).
	chatIdleLines = 20000
)

// nickUpsert adds an import's per-nick tallies to chat_agent_nicks.
const nickUpsert = `
	ON CONFLICT (nick) DO UPDATE
	   SET messages   = chat_agent_nicks.messages + EXCLUDED.messages,
	       first_seen = least(chat_agent_nicks.first_seen, EXCLUDED.first_seen),
	       last_seen  = greatest(chat_agent_nicks.last_seen, EXCLUDED.last_seen)`

// stagedMessage is one line of a conversation.
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

// pendingChat is a conversation being read: its lines so far, then, once
// complete, its de-duplicated messages and figures.
type pendingChat struct {
	conv, buyer string
	msgs        []stagedMessage
	lastLine    int64 // the reader's count of good lines at its latest
	figures     chatFigureRow
}

// chatBatch is a write's worth of complete conversations, each once.
type chatBatch struct {
	chats []*pendingChat
	index map[string]int
	lines int
}

// chatGrouper reads the file and groups its lines into conversations
// without staging or sorting the file: a conversation is complete once
// chatIdleLines lines have passed without it (or at the end), and complete
// ones leave in batches with their figures computed. It runs in its own
// goroutine, so parsing and figures overlap the database's writes.
//
// A conversation that turns up again after it left is written through
// the path for conversations the shop already has, so whatever the file's
// order, every line is stored once and figures cover all of them.
type chatGrouper struct {
	src       *copySource[chatfile.Row]
	settings  Settings
	rules     chatqa.Rules
	flagRules chatqa.FlagRules

	lines       int64
	first, last time.Time
	open        map[string]*pendingChat
	cur         *pendingChat // the previous line's, to skip the map for runs
	// seen lists (conversation, line count) per line in file order: the
	// conversations that went idle are found from its front.
	seen  []seenLine
	head  int
	batch *chatBatch
}

type seenLine struct {
	c    *pendingChat
	line int64
}

// run reads every line, sending batches to out until the file ends or
// stop closes. Bad lines are only counted (src keeps them) and stop the
// batches: the file will be refused whole.
func (g *chatGrouper) run(out chan<- *chatBatch, stop <-chan struct{}) {
	defer close(out)
	send := func() bool {
		b := g.batch
		g.batch = nil
		if b == nil || *g.src.count > 0 {
			return true
		}
		for _, c := range b.chats {
			g.complete(c)
		}
		select {
		case out <- b:
			return true
		case <-stop:
			return false
		}
	}
	for g.src.Next() {
		if *g.src.count > 0 {
			continue // only the problems matter now
		}
		r := g.src.row
		g.lines++
		if g.lines == 1 || r.SentAt.Before(g.first) {
			g.first = r.SentAt
		}
		if g.lines == 1 || r.SentAt.After(g.last) {
			g.last = r.SentAt
		}
		c := g.cur
		if c == nil || c.conv != r.ConversationID {
			if c = g.open[r.ConversationID]; c == nil {
				c = &pendingChat{conv: r.ConversationID, buyer: r.Buyer}
				g.open[c.conv] = c
			}
			g.cur = c
		}
		// The file's buyer of a conversation is its smallest.
		c.buyer = min(c.buyer, r.Buyer)
		c.msgs = append(c.msgs, stagedMessage{line: int32(r.Line), hash: md5Bytes(r.Text),
			msg: chatqa.Message{Sender: chatqa.Sender(r.Sender), AgentNick: r.Agent, SentAt: r.SentAt, Text: r.Text}})
		c.lastLine = g.lines
		g.seen = append(g.seen, seenLine{c, g.lines})
		for g.head < len(g.seen) && g.seen[g.head].line <= g.lines-chatIdleLines {
			if e := g.seen[g.head]; e.c.lastLine == e.line {
				g.leave(e.c)
			}
			g.head++
		}
		if g.head > 4096 && g.head*2 > len(g.seen) {
			g.seen, g.head = g.seen[:copy(g.seen, g.seen[g.head:])], 0
		}
		if g.batch != nil && g.batch.lines >= chatMergeBatch && !send() {
			return
		}
	}
	// What is still open is complete, in the order it was first seen
	// within the last lines.
	for _, e := range g.seen[g.head:] {
		if g.open[e.c.conv] == e.c {
			g.leave(e.c)
		}
	}
	send()
}

// leave moves a complete conversation into the batch being filled. If it
// turned up again since an earlier part joined this batch, the parts
// become one.
func (g *chatGrouper) leave(c *pendingChat) {
	delete(g.open, c.conv)
	if g.cur == c {
		g.cur = nil
	}
	if g.batch == nil {
		g.batch = &chatBatch{index: map[string]int{}}
	}
	b := g.batch
	b.lines += len(c.msgs)
	if i, ok := b.index[c.conv]; ok {
		had := b.chats[i]
		had.msgs = append(had.msgs, c.msgs...)
		had.buyer = min(had.buyer, c.buyer)
		return
	}
	b.index[c.conv] = len(b.chats)
	b.chats = append(b.chats, c)
}

// complete de-duplicates a conversation's lines (a repeated message counts
// once, its first line wins), puts them in time order and, within one
// second, file order, and computes its figures.
func (g *chatGrouper) complete(c *pendingChat) {
	slices.SortFunc(c.msgs, func(a, b stagedMessage) int {
		if n := a.msg.SentAt.Compare(b.msg.SentAt); n != 0 {
			return n
		}
		return int(a.line - b.line)
	})
	kept := c.msgs[:0]
	for _, sm := range c.msgs {
		if !repeatsEarlier(kept, sm) {
			kept = append(kept, sm)
		}
	}
	c.msgs = kept
	msgs := make([]chatqa.Message, len(kept))
	for i, sm := range kept {
		msgs[i] = sm.msg
	}
	c.figures = computeFigureRow(0, msgs, g.rules, g.flagRules, g.settings)
}

// repeatsEarlier reports whether sm repeats one of the lines kept before
// it in the same second (before is sorted by time; only its tail can
// match).
func repeatsEarlier(before []stagedMessage, sm stagedMessage) bool {
	for i := len(before) - 1; i >= 0 && before[i].msg.SentAt.Equal(sm.msg.SentAt); i-- {
		p := before[i]
		if p.msg.Sender == sm.msg.Sender && p.msg.AgentNick == sm.msg.AgentNick && bytes.Equal(p.hash, sm.hash) {
			return true
		}
	}
	return false
}

// chatMerger writes the grouper's batches. Conversations the shop has not
// seen go straight into their tables: ids from their sequence, then a
// COPY of the conversations (figures included) and one of their
// messages. The lines of conversations it already has, including one of
// this file's that turned up again, go to chat_stage_known and through
// SQL: only there can a line already be stored, and their figures need
// the stored messages too.
type chatMerger struct {
	tx pgx.Tx

	known map[int64]bool // conversation id -> created by this import
	// firstNewID is the first id this import gave a conversation; ids come
	// from a sequence and imports run one at a time, so a known id from it
	// on is one of this file's.
	firstNewID int64
	nicks      map[string]*nickTally
	added      int64
	newConvs   int64
}

// mergeWrites is what one batch writes.
type mergeWrites struct {
	convRows, msgRows, knownRows [][]any
}

// stream runs the grouper and writes its batches as they come: the
// grouper reads and computes the next while the connection writes this
// one.
func (m *chatMerger) stream(ctx context.Context, g *chatGrouper) error {
	batches := make(chan *chatBatch, 1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		g.run(batches, stop)
	}()
	var err error
	for b := range batches {
		if err = m.write(ctx, b); err != nil {
			break
		}
	}
	close(stop)
	wg.Wait()
	if err != nil {
		return err
	}
	if err := g.src.Err(); err != nil {
		return fmt.Errorf("models: import chats: read: %w", err)
	}
	return nil
}

// write writes one batch: which of its conversations exist, then the new
// ones with their messages and the known ones' lines for the SQL merge.
func (m *chatMerger) write(ctx context.Context, b *chatBatch) error {
	convs := make([]string, len(b.chats))
	for i, c := range b.chats {
		convs[i] = c.conv
	}
	rows, err := m.tx.Query(ctx, `SELECT external_id, id FROM chat_conversations WHERE external_id = ANY($1)`, convs)
	if err != nil {
		return fmt.Errorf("models: import chats: known conversations: %w", err)
	}
	existing := map[string]int64{}
	var ext string
	var id int64
	if _, err := pgx.ForEachRow(rows, []any{&ext, &id}, func() error { existing[ext] = id; return nil }); err != nil {
		return fmt.Errorf("models: import chats: known conversations: %w", err)
	}
	var w mergeWrites
	for _, c := range b.chats {
		if id, ok := existing[c.conv]; ok {
			m.known[id] = m.firstNewID > 0 && id >= m.firstNewID
			for _, sm := range c.msgs {
				w.knownRows = append(w.knownRows, []any{id, string(sm.msg.Sender), sm.msg.AgentNick, sm.msg.SentAt, sm.msg.Text, sm.hash, sm.line})
			}
			continue
		}
		m.tally(c.msgs)
		r := c.figures
		// The id is filled in below; messages point at their
		// conversation's row by its index until then.
		idx := len(w.convRows)
		w.convRows = append(w.convRows, []any{nil, c.conv, c.buyer, r.startedAt, r.endedAt, r.messages, r.buyerMsgs, r.agentMsgs,
			r.firstResponse, r.longestGap, r.slowReplies, r.unanswered, r.agents, r.flags, r.flagPoints, r.receivedBy})
		for _, sm := range c.msgs {
			w.msgRows = append(w.msgRows, []any{idx, string(sm.msg.Sender), sm.msg.AgentNick, sm.msg.SentAt, sm.msg.Text, sm.hash})
		}
		m.added += int64(len(c.msgs))
		m.newConvs++
	}
	return m.copyWrites(ctx, &w)
}

// tally adds a new conversation's messages to the per-nick counts.
func (m *chatMerger) tally(msgs []stagedMessage) {
	for _, sm := range msgs {
		if sm.msg.AgentNick == "" {
			continue
		}
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

// copyWrites writes a batch's rows: ids from the conversations' sequence,
// the conversations, then their messages (the foreign key needs the
// conversations first), and the known conversations' lines.
func (m *chatMerger) copyWrites(ctx context.Context, w *mergeWrites) error {
	if len(w.convRows) > 0 {
		rows, err := m.tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('chat_conversations', 'id')) FROM generate_series(1, $1)`, len(w.convRows))
		if err != nil {
			return fmt.Errorf("models: import chats: conversation ids: %w", err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("models: import chats: conversation ids: %w", err)
		}
		if m.firstNewID == 0 {
			m.firstNewID = ids[0]
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
