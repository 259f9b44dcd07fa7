package models

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"kefudesk/models/chatqa"
)

// ScaleOptions sizes a generated big shop for benchmarks. Scale 1 is a big
// Tmall shop's year: 300 agents, 10 million conversations (about 150
// million messages) and 5 million orders; smaller scales shrink the volumes
// but keep the year and the team, so the shape of every page stays real.
type ScaleOptions struct {
	Scale  float64
	Agents int
	Days   int
	End    time.Time // the last day generated; Double 11 should fall inside
	Seed   uint64
}

// ScaleCounts is what a generation wrote.
type ScaleCounts struct {
	Agents, Conversations, Messages, Orders, Reviews int64
}

// ScaleProgress is told how far each stage got.
type ScaleProgress func(stage string, done, total int64)

// ErrNotABenchDatabase keeps the generator, which empties the tables it
// fills, away from a shop's real database.
var ErrNotABenchDatabase = errors.New("models: the scale generator only writes to a database whose name ends in _bench")

const scaleNickPrefix = "旗舰店:客服"

// GenerateScale empties the chat and order tables of a *_bench database and
// fills them with a deterministic big shop, streaming every table through
// COPY in batches so memory stays flat at any scale. Running it again gives
// the same data. The agents already there (the demo team) keep their nicks
// and are joined by generated ones up to o.Agents.
func (s *Store) GenerateScale(ctx context.Context, o ScaleOptions, loc *time.Location, progress ScaleProgress) (ScaleCounts, error) {
	var out ScaleCounts
	if o.Scale <= 0 || o.Agents < 1 || o.Days < 1 {
		return out, errors.New("models: scale, agents and days must be positive")
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return out, err
	}
	card, err := s.ActiveScorecard(ctx)
	if err != nil {
		return out, err
	}
	conn, err := s.pgxConn(ctx)
	if err != nil {
		return out, fmt.Errorf("models: scale: connection: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pg := dc.(*stdlib.Conn).Conn()
		var name string
		if err := pg.QueryRow(ctx, `SELECT current_database()`).Scan(&name); err != nil {
			return fmt.Errorf("models: scale: database name: %w", err)
		}
		if !strings.HasSuffix(name, "_bench") {
			return ErrNotABenchDatabase
		}
		g := &scaleGen{o: o, loc: loc, pg: pg, settings: settings, progress: progress, out: &out, card: card}
		return g.run(ctx)
	})
	return out, err
}

type scaleGen struct {
	o        ScaleOptions
	loc      *time.Location
	pg       *pgx.Conn
	settings Settings
	progress ScaleProgress
	out      *ScaleCounts
	nicks    []string // every agent's sub-account
	buyers   int64    // the size of the buyer pool
	silent   int64    // orders still to write without a chat
	orderNo  int64
	nickUser map[string]int64 // agent sub-account to user id
	qc       []int64          // inspectors' ids
	planID   int64
	card     ScorecardVersion
}

func (g *scaleGen) run(ctx context.Context) error {
	// Generated rows are replaced wholesale; what other areas keep about
	// chats and orders goes with them (CASCADE), as it would be stale.
	if _, err := g.pg.Exec(ctx, `TRUNCATE chat_messages, chat_conversations, chat_agent_nicks, orders, sales_daily, sales_days, sales_day_marks RESTART IDENTITY CASCADE`); err != nil {
		return fmt.Errorf("models: scale: empty tables: %w", err)
	}
	if err := g.agents(ctx); err != nil {
		return err
	}
	if err := g.chats(ctx); err != nil {
		return err
	}
	if err := g.orders(ctx); err != nil {
		return err
	}
	if _, err := g.pg.Exec(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("models: scale: analyze: %w", err)
	}
	return nil
}

// agents adds generated agents until the team has o.Agents, each with one
// sub-account, and collects every agent's nicks for the chats.
func (g *scaleGen) agents(ctx context.Context) error {
	hash, err := hashPassword("kefudesk")
	if err != nil {
		return err
	}
	teams := []string{string(TeamPresales), string(TeamPresales), string(TeamAftersales), string(TeamAssistance)}
	_, err = g.pg.Exec(ctx, `
		WITH have AS (SELECT count(*) AS n FROM users WHERE role = 'agent'),
		added AS (
			INSERT INTO users (username, display_name, role, team, password_hash)
			SELECT format('agent%s', lpad(i::text, 3, '0')), format('客服%s', lpad(i::text, 3, '0')), 'agent',
			       ($2::text[])[1 + i % 4], $1
			  FROM have, generate_series(1, $3::int) AS i
			 WHERE i <= $3::int - have.n
			ON CONFLICT DO NOTHING
			RETURNING id, username)
		INSERT INTO agent_nicks (nick, user_id)
		SELECT $4 || substr(username, 6), id FROM added ON CONFLICT DO NOTHING`,
		hash, teams, g.o.Agents, scaleNickPrefix)
	if err != nil {
		return fmt.Errorf("models: scale: agents: %w", err)
	}
	rows, err := g.pg.Query(ctx, `
		SELECT DISTINCT ON (u.id) n.nick, u.id FROM users u JOIN agent_nicks n ON n.user_id = u.id
		 WHERE u.role = 'agent' AND NOT u.disabled ORDER BY u.id, n.nick LIMIT $1`, g.o.Agents)
	if err != nil {
		return fmt.Errorf("models: scale: read agents: %w", err)
	}
	g.nickUser = map[string]int64{}
	var nick string
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&nick, &id}, func() error {
		g.nicks = append(g.nicks, nick)
		g.nickUser[nick] = id
		return nil
	})
	if err != nil {
		return fmt.Errorf("models: scale: read agents: %w", err)
	}
	if len(g.nicks) == 0 {
		return errors.New("models: scale: no agents with a sub-account")
	}
	g.out.Agents = int64(len(g.nicks))
	return g.inspectors(ctx, hash)
}

// days spreads n items over the days of the year by each day's weight:
// weekends a little busier, the run-up to Double 11 busier, Double 11 itself
// (and 12.12 and 6.18) several times an ordinary day. The result is exact.
func (g *scaleGen) days(n int64) []int64 {
	weights := make([]float64, g.o.Days)
	var sum float64
	for i := range weights {
		d := g.day(i)
		w := 1.0
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w = 1.15
		}
		switch {
		case d.Month() == 11 && d.Day() == 11:
			w = 2.5
		case d.Month() == 11 && d.Day() < 11, d.Month() == 12 && d.Day() == 12, d.Month() == 6 && d.Day() == 18:
			w *= 1.6
		}
		weights[i] = w
		sum += w
	}
	out := make([]int64, g.o.Days)
	var given int64
	for i, w := range weights {
		out[i] = int64(math.Floor(float64(n) * w / sum))
		given += out[i]
	}
	for i := 0; given < n; i = (i + 1) % len(out) {
		out[i]++
		given++
	}
	return out
}

// day is the start of the i-th generated day in the shop's time zone.
func (g *scaleGen) day(i int) time.Time {
	end := g.o.End.In(g.loc)
	last := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, g.loc)
	return last.AddDate(0, 0, i-(g.o.Days-1))
}

// hourWeights is when buyers write: a morning and an evening peak; on
// Double 11 the first hours after midnight are the busiest of all.
var hourWeights = [24]float64{1, .5, .2, .1, .1, .1, .2, .5, 1.2, 2, 2.4, 2.4, 1.8, 2, 2.3, 2.3, 2.1, 1.8, 1.6, 2, 2.6, 2.8, 2.4, 1.6}
var d11HourWeights = [24]float64{9, 6, 3, 1, .5, .3, .3, .6, 1.2, 2, 2.4, 2.4, 2, 2.2, 2.4, 2.4, 2.2, 2, 2, 2.6, 3.2, 3.4, 3, 2.4}

func pickHour(rng *rand.Rand, d11 bool) int {
	w := &hourWeights
	if d11 {
		w = &d11HourWeights
	}
	var sum float64
	for _, x := range w {
		sum += x
	}
	r := rng.Float64() * sum
	for h, x := range w {
		if r -= x; r < 0 {
			return h
		}
	}
	return 23
}

func md5Bytes(s string) []byte {
	h := md5.Sum([]byte(s))
	return h[:]
}

// scaleBuyer names the i-th buyer of the generated shop.
func scaleBuyer(i int64) string { return fmt.Sprintf("tb_买家%07d", i) }

// figures computes what an import would store for a generated chat.
func (g *scaleGen) figures(id int64, msgs []chatqa.Message, rules chatqa.Rules, flagRules chatqa.FlagRules) chatFigureRow {
	return computeFigureRow(id, msgs, rules, flagRules, g.settings)
}

// EmptyChatsForBench empties the chat tables of a *_bench database, so an
// import benchmark starts from nothing.
func (s *Store) EmptyChatsForBench(ctx context.Context) error {
	var name string
	if err := s.conn(ctx).Raw(`SELECT current_database()`).Scan(&name).Error; err != nil {
		return fmt.Errorf("models: database name: %w", err)
	}
	if !strings.HasSuffix(name, "_bench") {
		return ErrNotABenchDatabase
	}
	if err := s.conn(ctx).Exec(`TRUNCATE chat_messages, chat_conversations, chat_agent_nicks, sales_daily, sales_days, sales_day_marks RESTART IDENTITY CASCADE`).Error; err != nil {
		return fmt.Errorf("models: empty chats: %w", err)
	}
	return nil
}
