package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/live"
)

// RuleDispute awards an open dispute's order: percent per user (whole
// percentages that add up to 100, only to agents involved in the order,
// the claimant or the holders), with a reason. The ruling is final and
// replaces the order's credit at once.
func (s *Store) RuleDispute(ctx context.Context, a Actor, id int64, version int, percent map[int64]int, reason string) (AttributionDispute, error) {
	errs := FieldErrors{}
	reason = strings.TrimSpace(reason)
	if n := len([]rune(reason)); n < 2 || n > 1000 {
		errs.Add("ruling_reason", "disputes.err.reason", 1000)
	}
	var award []AwardShare
	sum := 0
	for uid, p := range percent {
		if p < 0 || p > 100 {
			errs.Add(fmt.Sprintf("share_%d", uid), "disputes.err.percent")
			continue
		}
		sum += p
		if p > 0 {
			award = append(award, AwardShare{UserID: uid, ShareBP: p * 100})
		}
	}
	if len(errs) == 0 && sum != 100 {
		errs.Add("shares", "disputes.err.sum", sum)
	}
	if err := errs.Err(); err != nil {
		return AttributionDispute{}, err
	}
	slices.SortFunc(award, func(x, y AwardShare) int {
		if x.ShareBP != y.ShareBP {
			return y.ShareBP - x.ShareBP
		}
		return int(x.UserID - y.UserID)
	})
	var out AttributionDispute
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		d, err := lockDispute(tx, id)
		if err != nil {
			return err
		}
		if d.Version != version {
			return s.conflict(ctx, "dispute", d.UpdatedBy, d.UpdatedAt)
		}
		if d.Status != DisputeOpen {
			return Invalid("ruling_reason", "disputes.err.closed")
		}
		cands, err := disputeCandidates(tx, d)
		if err != nil {
			return err
		}
		for _, w := range award {
			if !slices.Contains(cands, w.UserID) {
				return Invalid("shares", "disputes.err.who")
			}
		}
		b, _ := json.Marshal(award)
		err = tx.Exec(`UPDATE attribution_disputes SET status = 'ruled', award = ?, ruling_reason = ?, ruled_by = ?, ruled_at = now(),
			version = version + 1, updated_at = now(), updated_by = ? WHERE id = ?`, string(b), reason, nullID(a), nullID(a), id).Error
		if err != nil {
			return fmt.Errorf("models: unable to rule dispute %d: %w", id, err)
		}
		return s.afterDisputeChange(ctx, tx, a, "rule", d, map[string]any{"award": award, "reason": reason}, &out)
	})
	return out, err
}

// ReopenDispute takes a ruling back to open: the automatic credit applies
// again until the next ruling.
func (s *Store) ReopenDispute(ctx context.Context, a Actor, id int64, version int, reason string, now time.Time) (AttributionDispute, error) {
	reason, err := checkText("reopen_reason", "disputes.err.reason", reason, 1000)
	if err != nil {
		return AttributionDispute{}, err
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return AttributionDispute{}, err
	}
	var out AttributionDispute
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		d, err := lockDispute(tx, id)
		if err != nil {
			return err
		}
		if d.Version != version {
			return s.conflict(ctx, "dispute", d.UpdatedBy, d.UpdatedAt)
		}
		if d.Status != DisputeRuled {
			return Invalid("reopen_reason", "disputes.err.not_ruled")
		}
		due := now.Add(time.Duration(settings.Int(SettingDisputeAnswer)) * 24 * time.Hour)
		err = tx.Exec(`UPDATE attribution_disputes SET status = 'open', award = NULL, reopen_reason = ?, answer_due_at = ?,
			version = version + 1, updated_at = now(), updated_by = ? WHERE id = ?`, reason, due, nullID(a), id).Error
		if err != nil {
			return fmt.Errorf("models: unable to reopen dispute %d: %w", id, err)
		}
		return s.afterDisputeChange(ctx, tx, a, "reopen", d, map[string]any{"reason": reason}, &out)
	})
	return out, err
}

// WithdrawDispute lets the claimant take an open claim back before the
// manager rules; the order keeps its automatic credit.
func (s *Store) WithdrawDispute(ctx context.Context, a Actor, id int64, version int) (AttributionDispute, error) {
	var out AttributionDispute
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		d, err := lockDispute(tx, id)
		if err != nil {
			return err
		}
		if d.ClaimantID != a.ID {
			return ErrNotYours
		}
		if d.Version != version {
			return s.conflict(ctx, "dispute", d.UpdatedBy, d.UpdatedAt)
		}
		if d.Status != DisputeOpen {
			return Invalid("withdraw", "disputes.err.not_open")
		}
		err = tx.Exec(`UPDATE attribution_disputes SET status = 'withdrawn', version = version + 1, updated_at = now(), updated_by = ?
			WHERE id = ?`, nullID(a), id).Error
		if err != nil {
			return fmt.Errorf("models: unable to withdraw dispute %d: %w", id, err)
		}
		return s.afterDisputeChange(ctx, tx, a, "withdraw", d, map[string]any{}, &out)
	})
	return out, err
}

// afterDisputeChange recomputes the order's credit, publishes and audits.
func (s *Store) afterDisputeChange(ctx context.Context, tx *gorm.DB, a Actor, action string, before AttributionDispute, after map[string]any, out *AttributionDispute) error {
	if err := s.attributeOrder(ctx, tx, before.OrderID); err != nil {
		return err
	}
	if err := tx.Take(out, before.ID).Error; err != nil {
		return fmt.Errorf("models: reread dispute %d: %w", before.ID, err)
	}
	if err := live.Publish(tx, TopicAttribution); err != nil {
		return err
	}
	after["status"] = out.Status
	return audit(tx, a, action, "dispute", before.ID,
		map[string]any{"status": before.Status, "award": before.AwardList(), "reason": before.RulingReason}, after)
}

// disputeCandidates are the users a ruling may award: the claimant, the
// holders and everyone involved in the order.
func disputeCandidates(tx *gorm.DB, d AttributionDispute) ([]int64, error) {
	var attr OrderAttribution
	if err := tx.Take(&attr, d.OrderID).Error; err != nil {
		return nil, notFound(err, fmt.Sprintf("attribution of order %d", d.OrderID))
	}
	out := []int64{d.ClaimantID}
	for _, id := range append(append([]int64{}, d.Holders...), attr.Involved...) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// awardCredits writes a ruling as credit rows: amounts and refunds split by
// the awarded points, adding up to the order's.
func awardCredits(base OrderCredit, paidFen, refundFen int64, award []AwardShare) []OrderCredit {
	bps := make([]int, len(award))
	for i, w := range award {
		bps[i] = w.ShareBP
	}
	amounts, refunds := splitFen(paidFen, bps), splitFen(refundFen, bps)
	out := make([]OrderCredit, len(award))
	for i, w := range award {
		id := w.UserID
		c := base
		c.Kind, c.Agent, c.UserID, c.ShareBP, c.AmountFen, c.RefundFen, c.Source = KindCredit, userKey(id), &id, w.ShareBP, amounts[i], refunds[i], SourceRuling
		out[i] = c
	}
	return out
}
