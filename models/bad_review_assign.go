package models

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/live"
)

// CaseVersion names a case and the version the user saw it at.
type CaseVersion struct {
	ID      int64
	Version int
}

// actorRole reads the role of the user making a change: the rules of who
// may assign, reopen or work a case live here, not only on the routes.
func actorRole(tx *gorm.DB, a Actor) (Role, error) {
	if a.ID == 0 {
		return "", nil
	}
	var role Role
	if err := tx.Raw(`SELECT role FROM users WHERE id = ?`, a.ID).Scan(&role).Error; err != nil {
		return "", fmt.Errorf("models: role of %d: %w", a.ID, err)
	}
	return role, nil
}

// lockBadReview locks a case for a change and checks the version the user
// saw; a newer save is a conflict that names who made it.
func (s *Store) lockBadReview(ctx context.Context, tx *gorm.DB, c CaseVersion) (BadReview, error) {
	var b BadReview
	if err := tx.Clauses(lockingClause).Take(&b, c.ID).Error; err != nil {
		return b, notFound(err, fmt.Sprintf("bad review %d", c.ID))
	}
	if b.Version != c.Version {
		return b, s.conflict(ctx, "bad_review", b.UpdatedBy, b.UpdatedAt)
	}
	return b, nil
}

// saveBadReview writes changed columns with the next version and the author.
func saveBadReview(tx *gorm.DB, a Actor, id int64, cols map[string]any) error {
	cols["version"] = gorm.Expr("version + 1")
	cols["updated_at"] = gorm.Expr("now()")
	cols["updated_by"] = nullID(a)
	if err := tx.Table("bad_reviews").Where("id = ?", id).Updates(cols).Error; err != nil {
		return fmt.Errorf("models: unable to update bad review %d: %w", id, err)
	}
	return nil
}

// AssignBadReviews hands cases to an agent, one or many in one go. Only a
// store manager assigns. Every case is locked and its version checked, so
// when two managers assign the same review at once exactly one wins and the
// other gets a ConflictError naming the winner; nothing is half-assigned.
// The deadline runs from this assignment.
func (s *Store) AssignBadReviews(ctx context.Context, a Actor, cases []CaseVersion, agentID int64, now time.Time) error {
	if len(cases) == 0 {
		return Invalid("cases", "badreviews.err.none_chosen")
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		role, err := actorRole(tx, a)
		if err != nil {
			return err
		}
		if role != RoleManager {
			return ErrNotYours
		}
		if err := checkAgent(tx, agentID); err != nil {
			return err
		}
		// Lock in id order so two bulk assignments cannot deadlock.
		slices.SortFunc(cases, func(x, y CaseVersion) int { return int(x.ID - y.ID) })
		due := BadReviewDue(now, settings.Int(SettingBadReviewDueDays), settings.Location())
		for _, c := range cases {
			b, err := s.lockBadReview(ctx, tx, c)
			if err != nil {
				return err
			}
			if b.Status == BadReviewPraise || b.IsClosed() {
				return Invalid("cases", "badreviews.err.not_open", b.ReviewNo)
			}
			status := b.Status
			if status == BadReviewNew {
				status = BadReviewAssigned
			}
			if err := saveBadReview(tx, a, b.ID, map[string]any{"agent_id": agentID, "status": status, "assigned_at": now, "due_at": due}); err != nil {
				return err
			}
			if err := audit(tx, a, "assign", "bad_review", b.ID, map[string]any{"agent_id": b.AgentID, "status": b.Status},
				map[string]any{"agent_id": agentID, "status": status, "due_at": due}); err != nil {
				return err
			}
		}
		return live.Publish(tx, TopicBadReviews)
	})
}

func checkAgent(tx *gorm.DB, agentID int64) error {
	var n int64
	if err := tx.Raw(`SELECT count(*) FROM users WHERE id = ? AND role = 'agent' AND NOT disabled`, agentID).Scan(&n).Error; err != nil {
		return fmt.Errorf("models: check agent %d: %w", agentID, err)
	}
	if n == 0 {
		return Invalid("agent_id", "badreviews.err.agent")
	}
	return nil
}

// TakeBadReview lets an agent take an unassigned case, when the shop allows.
func (s *Store) TakeBadReview(ctx context.Context, a Actor, c CaseVersion, now time.Time) error {
	settings, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		role, err := actorRole(tx, a)
		if err != nil {
			return err
		}
		b, err := s.lockBadReview(ctx, tx, c)
		if err != nil {
			return err
		}
		if role != RoleAgent || !settings.Bool(SettingBadReviewAgentsTake) {
			return ErrNotYours
		}
		if b.Status != BadReviewNew {
			return Invalid("cases", "badreviews.err.taken")
		}
		due := BadReviewDue(now, settings.Int(SettingBadReviewDueDays), settings.Location())
		if err := saveBadReview(tx, a, b.ID, map[string]any{"agent_id": a.ID, "status": BadReviewAssigned, "assigned_at": now, "due_at": due}); err != nil {
			return err
		}
		if err := audit(tx, a, "take", "bad_review", b.ID, map[string]any{"status": b.Status},
			map[string]any{"agent_id": a.ID, "status": BadReviewAssigned, "due_at": due}); err != nil {
			return err
		}
		return live.Publish(tx, TopicBadReviews)
	})
}

// mayWork reports whether the actor works this case: its agent, or a manager.
func mayWork(role Role, a Actor, b BadReview) bool {
	return role == RoleManager || role == RoleAgent && b.AgentID != nil && *b.AgentID == a.ID
}

// ReopenBadReview opens a closed case again; only a store manager may. The
// handed-in result stays in the audit log; the case goes back to its agent
// with a fresh deadline.
func (s *Store) ReopenBadReview(ctx context.Context, a Actor, c CaseVersion, reason string, now time.Time) error {
	reason = trimmed(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return Invalid("reopen_reason", "badreviews.err.reason")
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		role, err := actorRole(tx, a)
		if err != nil {
			return err
		}
		if role != RoleManager {
			return ErrNotYours
		}
		b, err := s.lockBadReview(ctx, tx, c)
		if err != nil {
			return err
		}
		if !b.IsClosed() {
			return Invalid("reopen_reason", "badreviews.err.not_closed")
		}
		cols := map[string]any{"status": BadReviewNew, "outcome": "", "final_rating": "", "compensation_fen": 0,
			"account": "", "resolved_at": nil, "assigned_at": nil, "due_at": nil}
		if b.AgentID != nil {
			cols["status"], cols["assigned_at"] = BadReviewAssigned, now
			cols["due_at"] = BadReviewDue(now, settings.Int(SettingBadReviewDueDays), settings.Location())
		}
		if err := saveBadReview(tx, a, b.ID, cols); err != nil {
			return err
		}
		if err := audit(tx, a, "reopen", "bad_review", b.ID,
			map[string]any{"status": b.Status, "outcome": b.Outcome, "final_rating": b.FinalRating, "compensation_fen": b.CompensationFen, "account": b.Account},
			map[string]any{"status": cols["status"], "reason": reason}); err != nil {
			return err
		}
		return live.Publish(tx, TopicBadReviews)
	})
}
