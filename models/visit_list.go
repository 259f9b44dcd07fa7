package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"kefudesk/models/live"
	"kefudesk/models/visitplan"
)

// VisitList is a list of customers to visit for one purpose in a period.
type VisitList struct {
	ID            int64
	Name          string
	Purpose       string
	PeriodStart   time.Time
	PeriodEnd     time.Time
	Script        string
	Tiers         pq.StringArray `gorm:"type:text[]"`
	Tags          pq.StringArray `gorm:"type:text[]"`
	FromSuggested bool
	PickedIDs     pq.Int64Array `gorm:"type:bigint[]"`
	AgentIDs      pq.Int64Array `gorm:"type:bigint[]"`
	Monthly       bool
	MonthOf       *int64
	Version       int
	CreatedBy     *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	UpdatedBy     *int64
}

// TableName pins the table.
func (VisitList) TableName() string { return "visit_lists" }

// VisitListForm is the new-list form as typed.
type VisitListForm struct {
	Name, Purpose, Script  string
	PeriodStart, PeriodEnd string // YYYY-MM-DD in the shop's calendar
	Tiers, Tags            []string
	FromSuggested, Monthly bool
	PickedIDs, AgentIDs    []int64
	start, end             time.Time
}

// Validate checks the form.
func (f *VisitListForm) Validate() FieldErrors {
	errs := FieldErrors{}
	f.Name, f.Purpose, f.Script = strings.TrimSpace(f.Name), strings.TrimSpace(f.Purpose), strings.TrimSpace(f.Script)
	if n := len([]rune(f.Name)); n < 1 || n > 80 {
		errs.Add("name", "vip.err.list_name")
	}
	if len([]rune(f.Purpose)) > 200 {
		errs.Add("purpose", "vip.err.too_long", 200)
	}
	if len([]rune(f.Script)) > 4000 {
		errs.Add("script", "vip.err.too_long", 4000)
	}
	var err1, err2 error
	f.start, err1 = time.Parse(time.DateOnly, f.PeriodStart)
	f.end, err2 = time.Parse(time.DateOnly, f.PeriodEnd)
	switch {
	case err1 != nil:
		errs.Add("period_start", "vip.err.date")
	case err2 != nil:
		errs.Add("period_end", "vip.err.date")
	case f.end.Before(f.start) || f.end.Sub(f.start) > 366*24*time.Hour:
		errs.Add("period_end", "vip.err.period")
	}
	for _, t := range f.Tiers {
		if !slices.Contains(VIPTiers, t) {
			errs.Add("tiers", "vip.err.tier")
		}
	}
	if len(f.Tiers)+len(f.Tags)+len(f.PickedIDs) == 0 && !f.FromSuggested {
		errs.Add("choose", "vip.err.choose")
	}
	if len(f.AgentIDs) == 0 {
		errs.Add("agents", "vip.err.agents")
	}
	return errs
}

// CreateVisitList saves a list, chooses its customers and spreads their
// visits over the picked agents, all in one transaction.
func (s *Store) CreateVisitList(ctx context.Context, a Actor, f VisitListForm, today time.Time) (VisitList, error) {
	if err := f.Validate().Err(); err != nil {
		return VisitList{}, err
	}
	l := VisitList{Name: f.Name, Purpose: f.Purpose, Script: f.Script, PeriodStart: f.start, PeriodEnd: f.end,
		Tiers: append(pq.StringArray{}, f.Tiers...), Tags: append(pq.StringArray{}, f.Tags...), FromSuggested: f.FromSuggested,
		PickedIDs: append(pq.Int64Array{}, f.PickedIDs...), AgentIDs: append(pq.Int64Array{}, f.AgentIDs...),
		Monthly: f.Monthly, Version: 1, CreatedBy: nullID(a), UpdatedBy: nullID(a)}
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		if err := s.checkAgents(tx, f.AgentIDs); err != nil {
			return err
		}
		if err := tx.Omit("ID", "CreatedAt", "UpdatedAt").Create(&l).Error; err != nil {
			return fmt.Errorf("models: unable to create visit list: %w", err)
		}
		n, err := s.planVisits(tx, l, today)
		if err != nil {
			return err
		}
		if err := live.Publish(tx, TopicVIP); err != nil {
			return err
		}
		return audit(tx, a, "create", "visit_list", l.ID, nil, map[string]any{"name": l.Name, "purpose": l.Purpose,
			"period": f.PeriodStart + ".." + f.PeriodEnd, "visits": n, "agents": f.AgentIDs, "monthly": l.Monthly})
	})
	return l, err
}

// checkAgents refuses agents who are not active agents.
func (s *Store) checkAgents(tx *gorm.DB, ids []int64) error {
	var n int64
	err := tx.Raw(`SELECT count(*) FROM users WHERE id IN ? AND role = 'agent' AND NOT disabled`, ids).Scan(&n).Error
	if err != nil {
		return fmt.Errorf("models: unable to check agents: %w", err)
	}
	if int(n) != len(ids) {
		return Invalid("agents", "vip.err.agents")
	}
	return nil
}

// planVisits chooses the list's customers (any of its tiers or tags, from
// suggestions, or picked by hand; never those who asked not to be
// contacted) and creates their visits, returning how many.
func (s *Store) planVisits(tx *gorm.DB, l VisitList, today time.Time) (int, error) {
	var cs []visitplan.Customer
	// The agent who last served the buyer: the last sub-account in their
	// latest chat whose nick belongs to a user.
	err := tx.Raw(`
		SELECT c.id, COALESCE((
			SELECT n.user_id FROM chat_conversations cc
			  JOIN agent_nicks n ON n.nick = cc.agent_nicks[cardinality(cc.agent_nicks)]
			 WHERE cc.buyer = c.buyer ORDER BY cc.started_at DESC LIMIT 1), 0) AS last_agent
		  FROM vip_customers c
		 WHERE NOT c.do_not_contact
		   AND (c.tier = ANY(?) OR c.tags && ? OR (? AND c.source = 'suggestion') OR c.id = ANY(?))
		 ORDER BY c.buyer`, l.Tiers, l.Tags, l.FromSuggested, l.PickedIDs).Scan(&cs).Error
	if err != nil {
		return 0, fmt.Errorf("models: unable to choose customers of list %d: %w", l.ID, err)
	}
	plan := visitplan.Assign(cs, l.AgentIDs)
	first := l.PeriodStart
	if t := dateOnly(today); t.After(first) && !t.After(l.PeriodEnd) {
		first = t // a list made mid-period spreads over the days left
	}
	for _, agent := range l.AgentIDs {
		var mine []int64
		for _, c := range cs {
			if plan[c.ID] == agent {
				mine = append(mine, c.ID)
			}
		}
		for i, due := range visitplan.DueDates(len(mine), first, l.PeriodEnd) {
			err := tx.Exec(`INSERT INTO vip_visits (list_id, customer_id, agent_id, due_on, updated_by) VALUES (?, ?, ?, ?, ?)`,
				l.ID, mine[i], agent, due.Format(time.DateOnly), l.UpdatedBy).Error
			if err != nil {
				return 0, fmt.Errorf("models: unable to plan visit of list %d: %w", l.ID, err)
			}
		}
	}
	return len(cs), nil
}

var onConflictNothing = clause.OnConflict{DoNothing: true}

// dateOnly is the calendar day of t on its own clock, as midnight UTC, the
// way date columns come back.
func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// EnsureMonthlyLists creates this month's list of every monthly rule that
// has none yet (a monthly list is the rule; each month gets a copy with
// the same choice of customers and agents). Safe to run any number of
// times: a unique index allows one list per rule and month.
func (s *Store) EnsureMonthlyLists(ctx context.Context, today time.Time) (int, error) {
	month := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	var rules []VisitList
	err := s.conn(ctx).Where("monthly AND month_of IS NULL AND period_start < ?", month).
		Where("NOT EXISTS (SELECT 1 FROM visit_lists g WHERE g.month_of = visit_lists.id AND g.period_start = ?)", month).
		Find(&rules).Error
	if err != nil {
		return 0, fmt.Errorf("models: unable to read monthly rules: %w", err)
	}
	made := 0
	for _, r := range rules {
		err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
			l := r
			l.ID, l.MonthOf, l.Monthly, l.Version = 0, &r.ID, false, 1
			l.PeriodStart, l.PeriodEnd = month, month.AddDate(0, 1, -1)
			l.Name = fmt.Sprintf("%s %s", r.Name, month.Format("2006-01"))
			res := tx.Omit("ID", "CreatedAt", "UpdatedAt").Clauses(onConflictNothing).Create(&l)
			if res.Error != nil {
				return fmt.Errorf("models: unable to generate monthly list of %d: %w", r.ID, res.Error)
			}
			if res.RowsAffected == 0 {
				return nil // another server process made it first
			}
			// Agents who left since the rule was made are passed over.
			var active pq.Int64Array
			if err := tx.Raw(`SELECT COALESCE(array_agg(id ORDER BY array_position(?::bigint[], id)), '{}') AS ids FROM users
				WHERE id = ANY(?) AND role = 'agent' AND NOT disabled`, r.AgentIDs, r.AgentIDs).Row().Scan(&active); err != nil {
				return fmt.Errorf("models: agents of monthly list %d: %w", r.ID, err)
			}
			l.AgentIDs = active
			n, err := s.planVisits(tx, l, today)
			if err != nil {
				return err
			}
			made++
			if err := live.Publish(tx, TopicVIP); err != nil {
				return err
			}
			return audit(tx, SystemActor, "generate", "visit_list", l.ID, nil, map[string]any{"from": r.ID, "name": l.Name, "visits": n})
		})
		if err != nil {
			return made, err
		}
	}
	return made, nil
}
