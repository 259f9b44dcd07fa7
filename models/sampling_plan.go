package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"

	"kefudesk/models/chatqa"
	"kefudesk/models/live"
	"kefudesk/models/sampling"
)

// TopicQueue is the live-update topic of inspectors' queues.
const TopicQueue = "queue"

// SamplingPlan says how chats are drawn for review.
type SamplingPlan struct {
	ID          int64
	Name        string
	Period      string // day: yesterday's chats; week: last Monday-Sunday
	PerAgent    int
	LowWeight   float64
	MinMessages int
	Team        Team
	Keywords    string
	SlowOnly    bool
	HasOrder    bool
	Flag        string
	Inspectors  pq.Int64Array `gorm:"type:bigint[]"`
	DueDays     int
	Active      bool
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	UpdatedBy   *int64
}

// PlanForm is what a manager fills in.
type PlanForm struct {
	Name        string
	Period      string
	PerAgent    int
	LowWeight   float64
	MinMessages int
	Team        Team
	Keywords    string
	SlowOnly    bool
	HasOrder    bool
	Flag        string
	Inspectors  []int64
	DueDays     int
}

// Validate checks the form on its own.
func (f PlanForm) Validate() FieldErrors {
	errs := FieldErrors{}
	if n := len([]rune(strings.TrimSpace(f.Name))); n < 1 || n > 80 {
		errs.Add("name", "settings.err.len", 1, 80)
	}
	if f.Period != "day" && f.Period != "week" {
		errs.Add("period", "settings.err.choice")
	}
	if f.PerAgent < 1 || f.PerAgent > 100 {
		errs.Add("per_agent", "settings.err.range", 1, 100)
	}
	if f.LowWeight < 1 || f.LowWeight > 10 {
		errs.Add("low_weight", "settings.err.range", 1, 10)
	}
	if f.MinMessages < 0 || f.MinMessages > 1000 {
		errs.Add("min_messages", "settings.err.range", 0, 1000)
	}
	if !f.Team.Valid() {
		errs.Add("team", "users.err.team")
	}
	if f.Flag != "" && !slices.Contains(chatqa.FlagKinds, chatqa.FlagKind(f.Flag)) {
		errs.Add("flag", "settings.err.choice")
	}
	if len(f.Inspectors) == 0 {
		errs.Add("inspectors", "plans.err.inspectors")
	}
	if f.DueDays < 0 || f.DueDays > 30 {
		errs.Add("due_days", "settings.err.range", 0, 30)
	}
	return errs
}

// CreatePlan saves a new sampling plan. Inspectors must be QC or managers.
func (s *Store) CreatePlan(ctx context.Context, a Actor, f PlanForm) (SamplingPlan, error) {
	f.Name = strings.TrimSpace(f.Name)
	f.Keywords = strings.Join(ParseNicks(f.Keywords), ", ")
	errs := f.Validate()
	var bad int64
	if len(f.Inspectors) > 0 {
		if err := s.conn(ctx).Raw(`SELECT count(*) FROM users WHERE id IN ? AND (disabled OR role NOT IN ('qc', 'manager'))`, f.Inspectors).Scan(&bad).Error; err != nil {
			return SamplingPlan{}, fmt.Errorf("models: check inspectors: %w", err)
		}
		if bad > 0 {
			errs.Add("inspectors", "plans.err.inspectors")
		}
	}
	if err := errs.Err(); err != nil {
		return SamplingPlan{}, err
	}
	p := SamplingPlan{Name: f.Name, Period: f.Period, PerAgent: f.PerAgent, LowWeight: f.LowWeight, MinMessages: f.MinMessages,
		Team: f.Team, Keywords: f.Keywords, SlowOnly: f.SlowOnly, HasOrder: f.HasOrder, Flag: f.Flag, Inspectors: f.Inspectors, DueDays: f.DueDays,
		Active: true, Version: 1, UpdatedBy: nullID(a)}
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		if err := tx.Omit("ID", "CreatedAt", "UpdatedAt").Create(&p).Error; err != nil {
			return fmt.Errorf("models: unable to create plan: %w", err)
		}
		return audit(tx, a, "create", "sampling_plan", p.ID, nil, p)
	})
	return p, err
}

// ListPlans lists the plans, active first.
func (s *Store) ListPlans(ctx context.Context) ([]SamplingPlan, error) {
	var out []SamplingPlan
	if err := s.conn(ctx).Order("active DESC, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list plans: %w", err)
	}
	return out, nil
}

// PeriodOf returns the chats' period a plan draws from when run at now:
// yesterday for a daily plan, last Monday-Sunday for a weekly one, in the
// shop's time zone.
func PeriodOf(period string, now time.Time, loc *time.Location) (from, to time.Time) {
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	if period == "week" {
		monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
		return monday.AddDate(0, 0, -7), monday
	}
	return today.AddDate(0, 0, -1), today
}

// AgentRate is one agent's reception over a period.
type AgentRate struct {
	Nick          string
	Received      int64
	Answered      int64
	AvgFirstReply float64 // seconds, over answered chats
}

// Rate is the share of received chats the agent answered.
func (r AgentRate) Rate() float64 {
	if r.Received == 0 {
		return 0
	}
	return float64(r.Answered) / float64(r.Received)
}

// AgentRates computes reception volume and response rate per receiving
// agent: chats with buyer messages received in [from, to), answered when
// the receiver wrote in them. The team average is the mean of the agents'
// rates, as the shop compares agents with each other.
func (s *Store) AgentRates(ctx context.Context, from, to time.Time) ([]AgentRate, float64, error) {
	var out []AgentRate
	err := s.conn(ctx).Raw(`
		SELECT received_by AS nick, count(*) AS received,
		       count(*) FILTER (WHERE received_by = ANY (agent_nicks)) AS answered,
		       COALESCE(avg(first_response_secs) FILTER (WHERE received_by = ANY (agent_nicks)), 0) AS avg_first_reply
		  FROM chat_conversations
		 WHERE started_at >= ? AND started_at < ? AND buyer_messages > 0 AND received_by <> ''
		 GROUP BY received_by ORDER BY received_by`, from, to).Scan(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("models: unable to compute agent rates: %w", err)
	}
	var sum float64
	for _, r := range out {
		sum += r.Rate()
	}
	if len(out) == 0 {
		return out, 0, nil
	}
	return out, sum / float64(len(out)), nil
}

// DrawResult says what a run of a plan did.
type DrawResult struct {
	From, To     time.Time
	Drawn        int
	AlreadyDrawn bool // the plan had drawn this period before: nothing new
}

// RunPlan draws this period's chats for a plan and assigns them. A plan
// draws once per period: running it again changes nothing. Reviewed or
// assigned chats are never drawn again by any plan, and the seed is fixed
// per plan and period, so the draw can be reproduced.
func (s *Store) RunPlan(ctx context.Context, a Actor, planID int64, now time.Time, loc *time.Location) (DrawResult, error) {
	var res DrawResult
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var p SamplingPlan
		if err := tx.Clauses(lockingClause).Take(&p, planID).Error; err != nil {
			return notFound(err, fmt.Sprintf("sampling plan %d", planID))
		}
		res.From, res.To = PeriodOf(p.Period, now, loc)
		var done bool
		err := tx.Raw(`SELECT EXISTS (SELECT 1 FROM review_assignments WHERE plan_id = ? AND period_start = ?)`,
			p.ID, res.From.Format(time.DateOnly)).Scan(&done).Error
		if err != nil {
			return fmt.Errorf("models: check earlier draw: %w", err)
		}
		if done {
			res.AlreadyDrawn = true
			return nil
		}
		cands, err := planCandidates(tx, p, res.From, res.To, loc)
		if err != nil {
			return err
		}
		rates, avg, err := s.AgentRates(ctx, res.From, res.To)
		if err != nil {
			return err
		}
		rateOf := map[string]float64{}
		for _, r := range rates {
			rateOf[r.Nick] = r.Rate()
		}
		load := map[int64]int{}
		var loads []struct {
			InspectorID int64
			N           int
		}
		err = tx.Raw(`SELECT x.inspector_id, count(*) AS n FROM review_assignments x
			LEFT JOIN reviews r ON r.conversation_id = x.conversation_id AND r.agent_nick = x.agent_nick
			WHERE r.status IS DISTINCT FROM 'submitted' GROUP BY x.inspector_id`).Scan(&loads).Error
		if err != nil {
			return fmt.Errorf("models: inspector load: %w", err)
		}
		for _, l := range loads {
			load[l.InspectorID] = l.N
		}
		seed := uint64(p.ID)<<32 | uint64(res.From.Unix()/86400)
		picks := sampling.Draw(cands, rateOf, avg, sampling.Plan{PerAgent: p.PerAgent, LowWeight: p.LowWeight, Seed: seed}, p.Inspectors, load)
		due := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc).AddDate(0, 0, p.DueDays)
		for _, pk := range picks {
			err := tx.Exec(`INSERT INTO review_assignments (plan_id, period_start, conversation_id, agent_nick, inspector_id, due_on)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				p.ID, res.From.Format(time.DateOnly), pk.ChatID, pk.Agent, pk.Inspector, due.Format(time.DateOnly)).Error
			if err != nil {
				return fmt.Errorf("models: unable to assign chat %d: %w", pk.ChatID, err)
			}
		}
		res.Drawn = len(picks)
		if err := live.Publish(tx, TopicQueue); err != nil {
			return err
		}
		return audit(tx, a, "draw", "sampling_plan", p.ID, nil, map[string]any{
			"from": res.From, "to": res.To, "drawn": res.Drawn, "team_response_rate": avg})
	})
	return res, err
}

func planCandidates(tx *gorm.DB, p SamplingPlan, from, to time.Time, loc *time.Location) ([]sampling.Candidate, error) {
	q := tx.Table("chat_conversations c").Select("c.id AS chat_id, c.received_by AS agent").
		Where("c.started_at >= ? AND c.started_at < ? AND c.received_by <> '' AND c.buyer_messages > 0", from, to).
		Where("c.messages >= ?", p.MinMessages).
		Where("NOT EXISTS (SELECT 1 FROM reviews r WHERE r.conversation_id = c.id AND r.agent_nick = c.received_by)").
		Where("NOT EXISTS (SELECT 1 FROM review_assignments x WHERE x.conversation_id = c.id AND x.agent_nick = c.received_by)")
	if p.SlowOnly {
		q = q.Where("c.slow_replies > 0")
	}
	if p.Flag != "" {
		q = q.Where("c.flags @> ARRAY[?]::text[]", p.Flag)
	}
	if p.HasOrder {
		// The buyer ordered from the chat's start to the end of the next day.
		q = q.Where(`EXISTS (SELECT 1 FROM orders o WHERE o.buyer = c.buyer AND o.created_at >= c.started_at
			AND o.created_at < (date_trunc('day', c.started_at AT TIME ZONE ?) + interval '2 days') AT TIME ZONE ?)`, loc.String(), loc.String())
	}
	if p.Team != TeamNone {
		q = q.Where("EXISTS (SELECT 1 FROM agent_nicks n JOIN users u ON u.id = n.user_id WHERE n.nick = c.received_by AND u.team = ?)", p.Team)
	}
	if words := ParseNicks(p.Keywords); len(words) > 0 {
		patterns := make(pq.StringArray, len(words))
		for i, w := range words {
			patterns[i] = "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(w) + "%"
		}
		q = q.Where("EXISTS (SELECT 1 FROM chat_messages m WHERE m.conversation_id = c.id AND m.body ILIKE ANY (?::text[]))", patterns)
	}
	var out []sampling.Candidate
	if err := q.Order("c.id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to find candidates: %w", err)
	}
	return out, nil
}

// QueueItem is one chat waiting in an inspector's queue.
type QueueItem struct {
	AssignmentID   int64
	ConversationID int64
	AgentNick      string
	DueOn          time.Time
	Buyer          string
	StartedAt      time.Time
	Messages       int
	Flags          pq.StringArray `gorm:"type:text[]"`
	ReviewID       *int64
	ReviewStatus   *string
}

// Overdue reports whether the item is past its due day at now.
func (q QueueItem) Overdue(now time.Time, loc *time.Location) bool {
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	return q.DueOn.Before(today)
}

// InspectorQueue lists an inspector's assignments not yet submitted,
// soonest due first.
func (s *Store) InspectorQueue(ctx context.Context, inspectorID int64, limit int) ([]QueueItem, error) {
	var out []QueueItem
	err := s.conn(ctx).Raw(`
		SELECT x.id AS assignment_id, x.conversation_id, x.agent_nick, x.due_on, c.buyer, c.started_at, c.messages, c.flags,
		       r.id AS review_id, r.status AS review_status
		  FROM review_assignments x
		  JOIN chat_conversations c ON c.id = x.conversation_id
		  LEFT JOIN reviews r ON r.conversation_id = x.conversation_id AND r.agent_nick = x.agent_nick
		 WHERE x.inspector_id = ? AND r.status IS DISTINCT FROM 'submitted'
		 ORDER BY x.due_on, x.id LIMIT ?`, inspectorID, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to read queue of %d: %w", inspectorID, err)
	}
	return out, nil
}
