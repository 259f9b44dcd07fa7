package models

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"kefudesk/models/chatfile"
)

// WriteScaleChatFile writes a chat export of about n messages, the kind of
// file a big shop's busy day produces, for timing imports. Conversations
// are those of the scale generator, spread over the day before end.
func WriteScaleChatFile(w io.Writer, n int64, end time.Time, loc *time.Location, seed uint64) (int64, error) {
	g := &scaleGen{o: ScaleOptions{Days: 1, End: end}, loc: loc}
	for i := range 300 {
		g.nicks = append(g.nicks, fmt.Sprintf("%s%03d", scaleNickPrefix, i+1))
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"会话ID", "买家", "客服", "发送方", "时间", "内容"}); err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	day := g.day(0)
	var written int64
	for id := int64(1); written < n; id++ {
		c := g.conversation(rng, id, day, true, max(n/60, 100))
		for _, m := range c.msgs {
			err := cw.Write([]string{fmt.Sprintf("file-%d-%d", seed, id), c.buyer, m.AgentNick, string(m.Sender),
				m.SentAt.In(loc).Format("2006-01-02 15:04:05"), m.Text})
			if err != nil {
				return written, err
			}
			written++
		}
	}
	cw.Flush()
	return written, cw.Error()
}

// RawCopyChatFile is the floor an import is compared with: the file's
// rows, parsed by the same reader, COPYed straight into chat_messages
// itself (its foreign key and indexes included, the conversations created
// beforehand and not timed) and nothing else: no merge, no duplicates
// check, no figures. With intoCopy the target is instead a table built
// like chat_messages without its foreign key, a stricter floor. Either
// way it runs in a transaction that is rolled back; it returns the rows
// copied and the time the COPY took.
func (s *Store) RawCopyChatFile(ctx context.Context, path string, loc *time.Location, intoCopy bool) (int64, time.Duration, error) {
	ids := map[string]int64{}
	if !intoCopy {
		// First pass, untimed: the file's conversations, numbered.
		if err := eachChatRow(path, loc, func(row chatfile.Row) {
			if _, ok := ids[row.ConversationID]; !ok {
				ids[row.ConversationID] = int64(len(ids))
			}
		}); err != nil {
			return 0, 0, err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	rd, err := chatfile.NewReader(f, loc)
	if err != nil {
		return 0, 0, err
	}
	conn, err := s.pgxConn(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	var n int64
	var took time.Duration
	err = conn.Raw(func(dc any) error {
		pg := dc.(*stdlib.Conn).Conn()
		tx, err := pg.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx) //nolint:errcheck // rolled back on purpose: only the copy is timed
		table := "chat_messages"
		var convIDs []int64
		if intoCopy {
			table = "raw_chat_messages"
			if _, err := tx.Exec(ctx, `CREATE TABLE raw_chat_messages (LIKE chat_messages INCLUDING DEFAULTS INCLUDING INDEXES)`); err != nil {
				return err
			}
		} else {
			rows, err := tx.Query(ctx, `INSERT INTO chat_conversations (external_id, buyer, started_at, ended_at)
				SELECT 'raw-' || i, '', now(), now() FROM generate_series(1, $1::int) AS i RETURNING id`, len(ids))
			if err != nil {
				return err
			}
			if convIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return err
			}
		}
		var problems []chatfile.Problem
		var count int
		src := newCopySource(rd, func(row chatfile.Row) []any {
			var id int64
			if intoCopy {
				// conversations are numbered as they come, in memory
				var ok bool
				if id, ok = ids[row.ConversationID]; !ok {
					id = int64(len(ids) + 1)
					ids[row.ConversationID] = id
				}
			} else {
				id = convIDs[ids[row.ConversationID]]
			}
			return []any{id, row.Sender, row.Agent, row.SentAt, row.Text, md5Bytes(row.Text)}
		}, &problems, &count, nil)
		t0 := time.Now()
		n, err = tx.CopyFrom(ctx, pgx.Identifier{table},
			[]string{"conversation_id", "sender", "agent_nick", "sent_at", "body", "body_hash"}, src)
		took = time.Since(t0)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("models: raw copy: %w", err)
	}
	return n, took, nil
}

// eachChatRow reads a chat file through the import's reader.
func eachChatRow(path string, loc *time.Location, fn func(chatfile.Row)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rd, err := chatfile.NewReader(f, loc)
	if err != nil {
		return err
	}
	for {
		row, err := rd.Next()
		var pe *chatfile.ProblemError
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &pe):
			continue // a bad line: the COPY source reports it
		case err != nil:
			return err
		}
		fn(row)
	}
}
