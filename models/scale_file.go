package models

import (
	"context"
	"encoding/csv"
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
// rows, parsed by the same reader, COPYed straight into a table built like
// chat_messages (same columns, same indexes), conversation ids numbered in
// memory, and nothing else: no merge, no duplicates check, no figures. It
// runs in a transaction that is rolled back and returns the rows copied.
func (s *Store) RawCopyChatFile(ctx context.Context, path string, loc *time.Location) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rd, err := chatfile.NewReader(f, loc)
	if err != nil {
		return 0, err
	}
	conn, err := SQLDB(s.db).Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int64
	err = conn.Raw(func(dc any) error {
		pg := dc.(*stdlib.Conn).Conn()
		tx, err := pg.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx) //nolint:errcheck // rolled back on purpose: only the copy is timed
		if _, err := tx.Exec(ctx, `CREATE TABLE raw_chat_messages (LIKE chat_messages INCLUDING DEFAULTS INCLUDING INDEXES)`); err != nil {
			return err
		}
		ids := map[string]int64{}
		var problems []chatfile.Problem
		var count int
		src := newCopySource(rd, func(row chatfile.Row) []any {
			// conversations are numbered as they come, in memory
			id, ok := ids[row.ConversationID]
			if !ok {
				id = int64(len(ids) + 1)
				ids[row.ConversationID] = id
			}
			return []any{id, row.Sender, row.Agent, row.SentAt, row.Text, md5Bytes(row.Text)}
		}, &problems, &count, nil)
		n, err = tx.CopyFrom(ctx, pgx.Identifier{"raw_chat_messages"},
			[]string{"conversation_id", "sender", "agent_nick", "sent_at", "body", "body_hash"}, src)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("models: raw copy: %w", err)
	}
	return n, nil
}
