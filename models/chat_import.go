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
}

// ErrImportRejected means the file had problems and nothing was imported.
var ErrImportRejected = errors.New("models: import rejected")

// ImportProgress is told how far an import got, now and then.
type ImportProgress func(bytesRead, rows int64)

// ImportChats loads a chat export in one transaction: rows stream through
// COPY into a staging table, then set-based SQL adds what is new. A file
// with any bad line is rejected whole and every problem is reported.
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
	conn, err := SQLDB(s.db).Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("models: import chats: connection: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pg := dc.(*stdlib.Conn).Conn()
		tx, err := pg.Begin(ctx)
		if err != nil {
			return fmt.Errorf("models: import chats: begin: %w", err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
		if err := stageChats(ctx, tx, rd, &res, progress); err != nil {
			return err
		}
		if res.ProblemCount > 0 {
			return ErrImportRejected
		}
		if err := mergeChats(ctx, tx, &res); err != nil {
			return err
		}
		if err := refreshChatFigures(ctx, tx, settings); err != nil {
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
		return tx.Commit(ctx)
	})
	return res, err
}

// stageChats streams the file into a temporary table with COPY, collecting
// the problems of bad lines instead of stopping at the first.
func stageChats(ctx context.Context, tx pgx.Tx, rd *chatfile.Reader, res *ChatImport, progress ImportProgress) error {
	_, err := tx.Exec(ctx, `CREATE TEMP TABLE chat_stage (
		line int, conv text, buyer text, agent text, sender text, sent_at timestamptz, body text) ON COMMIT DROP`)
	if err != nil {
		return fmt.Errorf("models: import chats: staging table: %w", err)
	}
	src := &chatSource{rd: rd, res: res, progress: progress}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"chat_stage"},
		[]string{"line", "conv", "buyer", "agent", "sender", "sent_at", "body"}, src)
	if err != nil {
		return fmt.Errorf("models: import chats: copy: %w", err)
	}
	res.Rows = n
	if progress != nil {
		progress(rd.BytesRead(), n)
	}
	return nil
}

// chatSource feeds COPY from the file reader, skipping bad rows.
type chatSource struct {
	rd       *chatfile.Reader
	res      *ChatImport
	progress ImportProgress
	row      chatfile.Row
	rows     int64
	err      error
}

func (c *chatSource) Next() bool {
	for {
		row, err := c.rd.Next()
		if errors.Is(err, io.EOF) {
			return false
		}
		var pe *chatfile.ProblemError
		if errors.As(err, &pe) {
			c.res.ProblemCount++
			if len(c.res.Problems) < MaxReportedProblems {
				c.res.Problems = append(c.res.Problems, pe.Problem)
			}
			continue
		}
		if err != nil {
			c.err = err
			return false
		}
		c.row = row
		c.rows++
		if c.progress != nil && c.rows%20000 == 0 {
			c.progress(c.rd.BytesRead(), c.rows)
		}
		return true
	}
}

func (c *chatSource) Values() ([]any, error) {
	r := c.row
	return []any{r.Line, r.ConversationID, r.Buyer, r.Agent, r.Sender, r.SentAt, r.Text}, nil
}

func (c *chatSource) Err() error { return c.err }

// mergeChats adds the staged rows: conversations first (widening the time
// span of known ones), then messages; identical messages are skipped.
func mergeChats(ctx context.Context, tx pgx.Tx, res *ChatImport) error {
	steps := []struct{ name, sql string }{
		{"conversations", `
			INSERT INTO chat_conversations (external_id, buyer, started_at, ended_at)
			SELECT conv, min(buyer), min(sent_at), max(sent_at) FROM chat_stage GROUP BY conv
			ON CONFLICT (external_id) DO UPDATE
			   SET started_at = least(chat_conversations.started_at, EXCLUDED.started_at),
			       ended_at   = greatest(chat_conversations.ended_at, EXCLUDED.ended_at)`},
		{"touched", `
			CREATE TEMP TABLE chat_touched ON COMMIT DROP AS
			SELECT c.id, c.external_id FROM chat_conversations c
			 WHERE c.external_id IN (SELECT DISTINCT conv FROM chat_stage)`},
		{"touched index", `CREATE UNIQUE INDEX ON chat_touched (external_id)`},
	}
	for _, st := range steps {
		if _, err := tx.Exec(ctx, st.sql); err != nil {
			return fmt.Errorf("models: import chats: %s: %w", st.name, err)
		}
	}
	var err error
	res.Conversations, err = execCount(ctx, tx, `ANALYZE chat_touched`, `SELECT count(*) FROM chat_touched`)
	if err != nil {
		return err
	}
	// Nick counts come from the messages actually added, so re-importing a
	// file leaves them as they were.
	err = tx.QueryRow(ctx, `
		WITH added AS (
			INSERT INTO chat_messages (conversation_id, sender, agent_nick, sent_at, body, body_hash)
			SELECT t.id, s.sender, s.agent, s.sent_at, s.body, decode(md5(s.body), 'hex')
			  FROM chat_stage s JOIN chat_touched t ON t.external_id = s.conv
			 ORDER BY t.id, s.sent_at, s.line
			ON CONFLICT DO NOTHING
			RETURNING agent_nick, sent_at, sender
		), nicks AS (
			INSERT INTO chat_agent_nicks (nick, messages, first_seen, last_seen)
			SELECT agent_nick, count(*) FILTER (WHERE sender = 'agent'), min(sent_at), max(sent_at)
			  FROM added WHERE agent_nick <> '' GROUP BY agent_nick
			ON CONFLICT (nick) DO UPDATE
			   SET messages   = chat_agent_nicks.messages + EXCLUDED.messages,
			       first_seen = least(chat_agent_nicks.first_seen, EXCLUDED.first_seen),
			       last_seen  = greatest(chat_agent_nicks.last_seen, EXCLUDED.last_seen)
		)
		SELECT count(*) FROM added`).Scan(&res.Added)
	if err != nil {
		return fmt.Errorf("models: import chats: messages: %w", err)
	}
	res.Duplicates = res.Rows - res.Added
	return nil
}

func execCount(ctx context.Context, tx pgx.Tx, prep, count string) (int64, error) {
	if _, err := tx.Exec(ctx, prep); err != nil {
		return 0, fmt.Errorf("models: import chats: %s: %w", prep, err)
	}
	var n int64
	if err := tx.QueryRow(ctx, count).Scan(&n); err != nil {
		return 0, fmt.Errorf("models: import chats: %s: %w", count, err)
	}
	return n, nil
}
