package models

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"kefudesk/models/scoring"
)

// reviewEvery makes one chat in this many a spot-check review: about three
// a day per agent at scale 1, what a QC team of 15 gets through.
const reviewEvery = 30

// queueDays are the last days whose sampled chats still wait in the
// inspectors' queues instead of being reviewed.
const queueDays = 2

type scaleReview struct {
	conv, agentID, inspector int64
	nick                     string
	ratings                  []byte
	score                    float64
	critical                 bool
	created, submitted       time.Time
	draft                    bool
}

type scaleAssignment struct {
	conv, inspector int64
	nick            string
	period, due     time.Time
}

// inspectors makes sure the QC team exists (one inspector per 20 agents,
// at least 3, the demo's qc among them) and the sampling plan the queue
// hangs from.
func (g *scaleGen) inspectors(ctx context.Context, hash string) error {
	n := max(3, g.o.Agents/20)
	_, err := g.pg.Exec(ctx, `
		INSERT INTO users (username, display_name, role, team, password_hash)
		SELECT format('qc%s', lpad(i::text, 2, '0')), format('质检%s', lpad(i::text, 2, '0')), 'qc', 'qc', $1
		  FROM generate_series(1, $2::int) AS i
		ON CONFLICT DO NOTHING`, hash, n)
	if err != nil {
		return fmt.Errorf("models: scale: inspectors: %w", err)
	}
	rows, err := g.pg.Query(ctx, `SELECT id FROM users WHERE role = 'qc' AND NOT disabled ORDER BY id`)
	if err != nil {
		return fmt.Errorf("models: scale: read inspectors: %w", err)
	}
	if g.qc, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return fmt.Errorf("models: scale: read inspectors: %w", err)
	}
	err = g.pg.QueryRow(ctx, `
		WITH found AS (SELECT id FROM sampling_plans WHERE name = '规模测试每日抽查'),
		made AS (INSERT INTO sampling_plans (name, period, per_agent)
		         SELECT '规模测试每日抽查', 'day', 3 WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id)
		SELECT id FROM found UNION ALL SELECT id FROM made`).Scan(&g.planID)
	if err != nil {
		return fmt.Errorf("models: scale: sampling plan: %w", err)
	}
	return nil
}

// review rates a sampled chat the way inspectors do: mostly well, now and
// then a category failed, rarely a critical one. Chats of the last days
// wait in the queue instead.
func (g *scaleGen) review(rng *rand.Rand, b *scaleBatch, id int64, c scaleConversation) {
	inspector := g.qc[int(id/reviewEvery)%len(g.qc)]
	day := g.day(g.o.Days - 1)
	if !c.start.Before(day.AddDate(0, 0, 1-queueDays)) {
		period := time.Date(c.start.In(g.loc).Year(), c.start.In(g.loc).Month(), c.start.In(g.loc).Day(), 0, 0, 0, 0, time.UTC)
		b.queue = append(b.queue, scaleAssignment{conv: id, inspector: inspector, nick: c.nick, period: period, due: period.AddDate(0, 0, 2)})
		if id%(3*reviewEvery) == 0 { // an inspector has opened it: a draft
			b.reviews = append(b.reviews, scaleReview{conv: id, agentID: g.nickUser[c.nick], inspector: inspector, nick: c.nick,
				ratings: []byte("{}"), draft: true, created: c.start.Add(time.Hour)})
		}
		return
	}
	ratings := map[string]scoring.Rating{}
	for _, cat := range g.card.Card.Categories() {
		lo, hi := cat.Scale.Bounds()
		v := hi
		switch r := rng.IntN(100); {
		case r < 2 || (r < 10 && !cat.Critical):
			v = lo
		case r < 30 && hi > 1:
			v = hi - 1 - rng.IntN(2)
		}
		ratings[cat.ID] = scoring.Rating{Value: v}
	}
	res, _ := scoring.Score(g.card.Card, ratings) // ratings are within each scale by construction
	js, _ := json.Marshal(ratings)
	created := c.start.Add(time.Duration(20+rng.IntN(30)) * time.Hour)
	b.reviews = append(b.reviews, scaleReview{
		conv: id, agentID: g.nickUser[c.nick], inspector: inspector, nick: c.nick, ratings: js,
		score: res.Percent, critical: len(res.CriticalFailed) > 0, created: created,
		submitted: created.Add(time.Duration(3+rng.IntN(15)) * time.Minute),
	})
}

func (g *scaleGen) copyReviews(ctx context.Context, b *scaleBatch) error {
	if len(b.reviews) > 0 {
		_, err := g.pg.CopyFrom(ctx, pgx.Identifier{"reviews"},
			[]string{"conversation_id", "scorecard_version_id", "agent_nick", "agent_id", "inspector_id", "status", "ratings",
				"score", "critical_failed", "created_at", "updated_at", "submitted_at", "acknowledged_at"},
			pgx.CopyFromSlice(len(b.reviews), func(i int) ([]any, error) {
				r := b.reviews[i]
				var agent *int64
				if r.agentID != 0 {
					agent = &r.agentID
				}
				if r.draft {
					return []any{r.conv, g.card.ID, r.nick, agent, r.inspector, "draft", string(r.ratings),
						nil, false, r.created, r.created, nil, nil}, nil
				}
				return []any{r.conv, g.card.ID, r.nick, agent, r.inspector, "submitted", string(r.ratings),
					r.score, r.critical, r.created, r.submitted, r.submitted, r.submitted.Add(6 * time.Hour)}, nil
			}))
		if err != nil {
			return fmt.Errorf("models: scale: copy reviews: %w", err)
		}
		g.out.Reviews += int64(len(b.reviews))
	}
	if len(b.queue) > 0 {
		_, err := g.pg.CopyFrom(ctx, pgx.Identifier{"review_assignments"},
			[]string{"plan_id", "period_start", "conversation_id", "agent_nick", "inspector_id", "due_on"},
			pgx.CopyFromSlice(len(b.queue), func(i int) ([]any, error) {
				q := b.queue[i]
				return []any{g.planID, q.period, q.conv, q.nick, q.inspector, q.due}, nil
			}))
		if err != nil {
			return fmt.Errorf("models: scale: copy queue: %w", err)
		}
	}
	b.reviews, b.queue = b.reviews[:0], b.queue[:0]
	return nil
}
