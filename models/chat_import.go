package models

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"kefudesk/models/chatfile"
)

// TopicChats is the live-update topic of the chat lists.
const TopicChats = "chats"

// MaxReportedProblems bounds the problems kept for the page; the count is exact.
const MaxReportedProblems = 100

// ChatImport is what an import did, or why it refused the file.
type ChatImport struct {
	Rows          int64
	Added         int64
	Duplicates    int64
	Conversations int64
	Problems      []chatfile.Problem
	ProblemCount  int
	// Steps is where the time went, in order (the benchmark prints it).
	Steps []ImportStep
}

// ImportStep is one timed step of an import.
type ImportStep struct {
	Name string
	Took time.Duration
}

// step times fn as a named step of the import.
func (r *ChatImport) step(name string, fn func() error) error {
	t0 := time.Now()
	err := fn()
	r.Steps = append(r.Steps, ImportStep{Name: name, Took: time.Since(t0)})
	return err
}

// ErrImportRejected means the file had problems and nothing was imported.
var ErrImportRejected = errors.New("models: import rejected")

// ImportProgress is told how far an import got, now and then.
type ImportProgress func(bytesRead, rows int64)

// ImportChats loads a chat export in one transaction: lines are grouped
// into conversations as they are read and new conversations go in through
// COPY with their figures; lines of known ones through set-based SQL. A
// file with any bad line is rejected whole and every problem is reported.
func (s *Store) ImportChats(ctx context.Context, a Actor, in io.Reader, fileName string, loc *time.Location, progress ImportProgress) (ChatImport, error) {
	var res ChatImport
	rd, err := chatfile.NewReader(in, loc)
	var pe *chatfile.ProblemError
	if errors.As(err, &pe) {
		res.Problems, res.ProblemCount = []chatfile.Problem{pe.Problem}, 1
		return res, ErrImportRejected
	}
	if err != nil {
		return res, err
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return res, err
	}
	conn, err := s.pgxConn(ctx)
	if err != nil {
		return res, fmt.Errorf("models: import chats: connection: %w", err)
	}
	defer conn.Close()
	var first, last time.Time
	err = conn.Raw(func(dc any) error {
		pg := dc.(*stdlib.Conn).Conn()
		tx, err := pg.Begin(ctx)
		if err != nil {
			return fmt.Errorf("models: import chats: begin: %w", err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
		if first, last, err = mergeChats(ctx, tx, rd, &res, settings, progress); err != nil {
			return err
		}
		if res.ProblemCount > 0 {
			return ErrImportRejected
		}
		// Only known conversations are read back: new ones were written
		// with their figures.
		if err := res.step("figures", func() error { return refreshChatFigures(ctx, tx, settings) }); err != nil {
			return err
		}
		q, args := auditSQL(a, "import", "chats", fileName, nil, map[string]any{
			"file": fileName, "rows": res.Rows, "added": res.Added, "duplicates": res.Duplicates, "conversations": res.Conversations,
		})
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("models: import chats: audit: %w", err)
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify('kefudesk_live', $1)`, TopicChats); err != nil {
			return fmt.Errorf("models: import chats: notify: %w", err)
		}
		return res.step("commit", func() error { return tx.Commit(ctx) })
	})
	if err != nil || res.Added == 0 {
		return res, err
	}
	// New messages can change the credit of orders placed from a few days
	// before them (assists before payment) to the end of their window.
	err = res.step("attribution", func() error {
		_, err := s.AttributeOrders(ctx, first.AddDate(0, 0, -3), last.AddDate(0, 0, 32))
		return err
	})
	return res, err
}

// chatImportLock serialises chat imports: messages are added without ON
// CONFLICT (speculative insertion halved its speed) and conversations with
// ids taken before they are written, which is only safe while no other
// import adds the same ones at once.
const chatImportLock = 0x6b656675_63686174 // "kefuchat"

// mergeChats reads the file and adds what is new. Conversations the shop
// has not seen go straight in through COPY with their figures (chatGrouper,
// chatMerger); the lines of known ones skip what is already stored and
// leave their conversations in chat_touched for refreshChatFigures. A
// message repeated in the file counts once (the first line wins). Bad
// lines are counted in res and nothing is kept: the caller rolls back.
func mergeChats(ctx context.Context, tx pgx.Tx, rd *chatfile.Reader, res *ChatImport, settings Settings, progress ImportProgress) (first, last time.Time, err error) {
	steps := []struct{ name, sql string }{
		{"lock", `SELECT pg_advisory_xact_lock(` + fmt.Sprint(chatImportLock) + `)`},
		// Sorting a known conversation's lines for duplicates can spill to
		// disk at the default 4 MB; imports run one at a time (the lock),
		// so a larger budget for this transaction alone is safe.
		{"memory", `SET LOCAL work_mem = '128MB'`},
		{"tables", `
			CREATE TEMP TABLE chat_touched (id bigint PRIMARY KEY) ON COMMIT DROP;
			CREATE TEMP TABLE chat_stage_known (
				conversation_id bigint, sender text, agent text, sent_at timestamptz, body text, hash bytea, line int) ON COMMIT DROP`},
	}
	for _, st := range steps {
		err := res.step(st.name, func() error {
			_, err := tx.Exec(ctx, st.sql)
			return err
		})
		if err != nil {
			return first, last, fmt.Errorf("models: import chats: %s: %w", st.name, err)
		}
	}
	g := &chatGrouper{
		src:      newCopySource(rd, nil, &res.Problems, &res.ProblemCount, progress),
		settings: settings, rules: chatRules(settings), flagRules: ChatFlagRules(settings),
		open: map[string]*pendingChat{},
	}
	m := &chatMerger{tx: tx, known: map[int64]bool{}, nicks: map[string]*nickTally{}}
	err = res.step("read and write", func() error { return m.stream(ctx, g) })
	res.Rows = g.src.rows
	if progress != nil {
		progress(rd.BytesRead(), res.Rows)
	}
	if err != nil || res.ProblemCount > 0 {
		return first, last, err
	}
	if err := res.step("nicks", func() error { return m.writeNicks(ctx) }); err != nil {
		return first, last, err
	}
	// A known conversation can already hold some of the file's lines; what
	// is left is inserted once, in file order per conversation. Nick counts
	// come from the messages actually added, so re-importing a file leaves
	// them as they were.
	var knownAdded int64
	err = res.step("known conversations' messages", func() error {
		if len(m.known) == 0 {
			return nil
		}
		ids := make([]int64, 0, len(m.known))
		for id := range m.known {
			ids = append(ids, id)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO chat_touched SELECT unnest($1::bigint[])`, ids); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `
		WITH added AS (
			INSERT INTO chat_messages (conversation_id, sender, agent_nick, sent_at, body, body_hash)
			SELECT k.conversation_id, k.sender, k.agent, k.sent_at, k.body, k.hash
			  FROM (SELECT DISTINCT ON (conversation_id, sent_at, sender, agent, hash) *
			          FROM chat_stage_known
			         ORDER BY conversation_id, sent_at, sender, agent, hash, line) k
			 WHERE NOT EXISTS (
			         SELECT 1 FROM chat_messages m
			          WHERE m.conversation_id = k.conversation_id AND m.sent_at = k.sent_at AND m.sender = k.sender
			            AND m.agent_nick = k.agent AND m.body_hash = k.hash)
			 ORDER BY k.conversation_id, k.sent_at, k.line
			RETURNING agent_nick, sent_at, sender
		), nicks AS (
			INSERT INTO chat_agent_nicks (nick, messages, first_seen, last_seen)
			SELECT agent_nick, count(*) FILTER (WHERE sender = 'agent'), min(sent_at), max(sent_at)
			  FROM added WHERE agent_nick <> '' GROUP BY agent_nick`+nickUpsert+`
		)
		SELECT count(*) FROM added`).Scan(&knownAdded)
	})
	if err != nil {
		return first, last, fmt.Errorf("models: import chats: known conversations' messages: %w", err)
	}
	res.Added = m.added + knownAdded
	res.Conversations = m.newConvs
	for _, ours := range m.known {
		if !ours {
			res.Conversations++
		}
	}
	res.Duplicates = res.Rows - res.Added
	// Statistics that believe the table smaller than what was just added
	// (a new shop, a bench database) make the planner scan it whole per
	// conversation when the figures are read back; ANALYZE in the
	// transaction samples its own new rows too. On an established table
	// the import is a sliver of it and the statistics stand.
	err = res.step("analyze", func() error {
		var known float64
		if err := tx.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'chat_messages'::regclass`).Scan(&known); err != nil {
			return fmt.Errorf("models: import chats: statistics: %w", err)
		}
		if known >= float64(res.Added) {
			return nil
		}
		if _, err := tx.Exec(ctx, `ANALYZE chat_messages`); err != nil {
			return fmt.Errorf("models: import chats: analyze: %w", err)
		}
		return nil
	})
	return g.first, g.last, err
}
