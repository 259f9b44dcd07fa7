package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/live"
)

// Visit outcomes an agent logs.
var VisitOutcomes = []string{"reached", "no_answer", "call_back", "declined", "wrong_number"}

// Visit is one planned visit.
type Visit struct {
	ID             int64
	ListID         int64
	CustomerID     int64
	AgentID        int64
	DueOn          time.Time
	Status         string // open, done (reached), unreachable, closed (declined, wrong number)
	LastOutcome    string
	NoAnswers      int
	CallBackAt     *time.Time
	FollowUpOf     *int64
	FirstReachedAt *time.Time
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	UpdatedBy      *int64
	ClosedAt       *time.Time
}

// TableName pins the table.
func (Visit) TableName() string { return "vip_visits" }

// Open reports whether the visit still waits for the agent.
func (v Visit) Open() bool { return v.Status == "open" }

// VisitRow is a visit with what a list of visits shows about it.
type VisitRow struct {
	Visit
	Buyer            string
	Tier             string
	PreferredChannel string
	ContactWindow    string
	DoNotContact     bool
	ListName         string
	Purpose          string
	AgentName        string
}

// Overdue reports whether the visit is open past its due day.
func (v VisitRow) Overdue(today time.Time) bool { return v.Open() && v.DueOn.Before(dateOnly(today)) }

const visitRowSQL = `SELECT v.*, c.buyer, c.tier, c.preferred_channel, c.contact_window, c.do_not_contact,
	l.name AS list_name, l.purpose, COALESCE(NULLIF(u.display_name, ''), u.username) AS agent_name
	FROM vip_visits v JOIN vip_customers c ON c.id = v.customer_id JOIN visit_lists l ON l.id = v.list_id
	JOIN users u ON u.id = v.agent_id `

// DueVisits lists open visits due by today (the shop's calendar day),
// oldest due first; agentID 0 means every agent's.
func (s *Store) DueVisits(ctx context.Context, agentID int64, today time.Time, limit int) ([]VisitRow, error) {
	var out []VisitRow
	q := visitRowSQL + `WHERE v.status = 'open' AND v.due_on <= ?`
	args := []any{dateOnly(today).Format(time.DateOnly)}
	if agentID != 0 {
		q += ` AND v.agent_id = ?`
		args = append(args, agentID)
	}
	if err := s.conn(ctx).Raw(q+` ORDER BY v.due_on, v.id LIMIT ?`, append(args, limit)...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list due visits: %w", err)
	}
	return out, nil
}

// OverdueVisits lists open visits past their due day, for managers.
func (s *Store) OverdueVisits(ctx context.Context, today time.Time, limit int) ([]VisitRow, error) {
	var out []VisitRow
	err := s.conn(ctx).Raw(visitRowSQL+`WHERE v.status = 'open' AND v.due_on < ? ORDER BY v.due_on, v.id LIMIT ?`,
		dateOnly(today).Format(time.DateOnly), limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list overdue visits: %w", err)
	}
	return out, nil
}

// VisitByID reads one visit with its customer and list.
func (s *Store) VisitByID(ctx context.Context, id int64) (VisitRow, error) {
	var out []VisitRow
	if err := s.conn(ctx).Raw(visitRowSQL+`WHERE v.id = ?`, id).Scan(&out).Error; err != nil {
		return VisitRow{}, fmt.Errorf("models: unable to read visit %d: %w", id, err)
	}
	if len(out) == 0 {
		return VisitRow{}, fmt.Errorf("models: visit %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// ListVisitsOf lists a list's visits, agent by agent, by due day.
func (s *Store) ListVisitsOf(ctx context.Context, listID int64) ([]VisitRow, error) {
	var out []VisitRow
	if err := s.conn(ctx).Raw(visitRowSQL+`WHERE v.list_id = ? ORDER BY agent_name, v.due_on, v.id`, listID).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to list visits of list %d: %w", listID, err)
	}
	return out, nil
}

// VisitLog is one contact attempt.
type VisitLog struct {
	ID            int64
	VisitID       int64
	AgentID       int64
	Channel       string
	ContactedAt   time.Time
	Outcome       string
	CallBackAt    *time.Time
	Notes         string
	FollowUpOn    *time.Time
	OutsideWindow bool
	CreatedAt     time.Time
}

// TableName pins the table.
func (VisitLog) TableName() string { return "vip_visit_logs" }

// VisitLogForm is what the agent logs, as typed.
type VisitLogForm struct {
	VisitID        int64
	Version        int
	Channel        string
	ContactedAt    string // datetime-local in the shop's time zone
	Outcome        string
	CallBackAt     string
	Notes          string
	FollowUpOn     string
	ConfirmOutside bool // the agent saw the contact-window warning and logs anyway
}

// LogsOfVisit lists a visit's contact attempts, oldest first.
func (s *Store) LogsOfVisit(ctx context.Context, visitID int64) ([]VisitLog, error) {
	var out []VisitLog
	if err := s.conn(ctx).Where("visit_id = ?", visitID).Order("contacted_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: unable to read logs of visit %d: %w", visitID, err)
	}
	return out, nil
}

const localMinute = "2006-01-02T15:04"

// LogVisit records a contact attempt on the agent's own open visit and moves
// the visit on: reached closes it as done; no answer counts, and the shop's
// limit (3) of them closes it as unreachable; call back moves its due day;
// declined and wrong number close it. A follow-up date becomes a new visit.
// A phone call outside the customer's contact window is refused with a
// warning until the agent confirms it.
func (s *Store) LogVisit(ctx context.Context, a Actor, f VisitLogForm, now time.Time) (Visit, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return Visit{}, err
	}
	loc := set.Location()
	errs := FieldErrors{}
	f.Notes = strings.TrimSpace(f.Notes)
	if !slices.Contains(VisitChannels, f.Channel) {
		errs.Add("channel", "vip.err.channel")
	}
	if !slices.Contains(VisitOutcomes, f.Outcome) {
		errs.Add("outcome", "vip.err.outcome")
	}
	at, err := time.ParseInLocation(localMinute, f.ContactedAt, loc)
	switch {
	case err != nil:
		errs.Add("contacted_at", "vip.err.datetime")
	case at.After(now.Add(5 * time.Minute)):
		errs.Add("contacted_at", "vip.err.future")
	}
	var callBack *time.Time
	if f.Outcome == "call_back" {
		t, err := time.ParseInLocation(localMinute, f.CallBackAt, loc)
		if err != nil || !t.After(at) {
			errs.Add("call_back_at", "vip.err.call_back")
		} else {
			callBack = &t
		}
	}
	var followUp *time.Time
	if f.FollowUpOn != "" {
		d, err := time.Parse(time.DateOnly, f.FollowUpOn)
		today := dateOnly(now.In(loc))
		if err != nil || !d.After(today) || d.After(today.AddDate(1, 0, 0)) {
			errs.Add("follow_up_on", "vip.err.follow_up")
		} else {
			followUp = &d
		}
	}
	if len([]rune(f.Notes)) > 2000 {
		errs.Add("notes", "vip.err.too_long", 2000)
	}
	if err := errs.Err(); err != nil {
		return Visit{}, err
	}
	var out Visit
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var v Visit
		if err := tx.Clauses(lockingClause).Take(&v, f.VisitID).Error; err != nil {
			return notFound(err, fmt.Sprintf("visit %d", f.VisitID))
		}
		if v.AgentID != a.ID {
			return ErrNotYours
		}
		if v.Version != f.Version {
			return s.conflict(ctx, "visit", v.UpdatedBy, v.UpdatedAt)
		}
		if !v.Open() {
			return Invalid("outcome", "vip.err.closed")
		}
		c, err := s.VIPByID(ctx, v.CustomerID)
		if err != nil {
			return err
		}
		if c.DoNotContact {
			return Invalid("channel", "vip.err.dnc")
		}
		w := c.Window(set)
		outside := f.Channel == "phone" && !w.Contains(at, loc)
		if outside && !f.ConfirmOutside {
			return Invalid("contacted_at", "vip.warn.outside_window", w.String())
		}
		log := VisitLog{VisitID: v.ID, AgentID: a.ID, Channel: f.Channel, ContactedAt: at, Outcome: f.Outcome,
			CallBackAt: callBack, Notes: f.Notes, FollowUpOn: followUp, OutsideWindow: outside}
		if err := tx.Omit("ID", "CreatedAt").Create(&log).Error; err != nil {
			return fmt.Errorf("models: unable to log visit %d: %w", v.ID, err)
		}
		cols := map[string]any{"last_outcome": f.Outcome, "version": gorm.Expr("version + 1"),
			"updated_at": gorm.Expr("now()"), "updated_by": nullID(a)}
		status := "open"
		switch f.Outcome {
		case "reached":
			status = "done"
			if v.FirstReachedAt == nil {
				cols["first_reached_at"] = at
			}
		case "no_answer":
			cols["no_answers"] = v.NoAnswers + 1
			if v.NoAnswers+1 >= set.Int(SettingVIPNoAnswerLimit) {
				status = "unreachable"
			}
		case "call_back":
			cols["call_back_at"] = callBack
			cols["due_on"] = callBack.In(loc).Format(time.DateOnly)
		case "declined", "wrong_number":
			status = "closed"
		}
		cols["status"] = status
		if status != "open" {
			cols["closed_at"] = gorm.Expr("now()")
		}
		if err := tx.Model(&Visit{}).Where("id = ?", v.ID).Updates(cols).Error; err != nil {
			return fmt.Errorf("models: unable to update visit %d: %w", v.ID, err)
		}
		if followUp != nil {
			err := tx.Exec(`INSERT INTO vip_visits (list_id, customer_id, agent_id, due_on, follow_up_of, updated_by) VALUES (?, ?, ?, ?, ?, ?)`,
				v.ListID, v.CustomerID, v.AgentID, followUp.Format(time.DateOnly), v.ID, nullID(a)).Error
			if err != nil {
				return fmt.Errorf("models: unable to plan follow-up of visit %d: %w", v.ID, err)
			}
		}
		if err := tx.Take(&out, v.ID).Error; err != nil {
			return fmt.Errorf("models: reread visit %d: %w", v.ID, err)
		}
		if err := live.Publish(tx, TopicVIP); err != nil {
			return err
		}
		return audit(tx, a, "log", "vip_visit", v.ID, map[string]any{"status": v.Status, "no_answers": v.NoAnswers},
			map[string]any{"status": out.Status, "channel": f.Channel, "outcome": f.Outcome, "at": at,
				"outside_window": outside, "follow_up_on": f.FollowUpOn, "notes": f.Notes})
	})
	return out, err
}
