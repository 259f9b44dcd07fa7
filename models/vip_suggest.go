package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/live"
)

// VIPSuggestion is a buyer whose paid orders meet the shop's rule and who
// is neither a VIP yet nor dismissed, with their RFM scores.
type VIPSuggestion struct {
	Buyer    string
	Orders   int64
	SpendFen int64
	LastPaid time.Time
	R, F, M  int
	Segment  string
}

// RFM segments, named as marketing teams name them; the catalog has
// "vip.segment.<name>" for each.
var RFMSegments = []string{"champions", "loyal", "potential", "new", "need_attention", "at_risk", "cant_lose", "hibernating"}

// Segment names the group a buyer's recency and frequency put them in
// (monetary value follows frequency closely in a clothing shop, and a grid
// on two scores is one people can read).
func Segment(r, f int) string {
	switch {
	case r >= 4 && f >= 4:
		return "champions"
	case r >= 3 && f >= 3:
		return "loyal"
	case r <= 2 && f >= 4:
		return "cant_lose"
	case r <= 2 && f == 3:
		return "at_risk"
	case r >= 4 && f == 2:
		return "potential"
	case r >= 4:
		return "new"
	case r == 3:
		return "need_attention"
	}
	return "hibernating"
}

// VIPSuggestions scores every buyer with a paid order in the shop's
// look-back window (default 12 months before now) and returns those the
// rule picks: at least vip_min_orders paid orders or vip_min_spend_yuan
// spent (refunds taken off). Scores are quintiles over all those buyers:
// 1 + floor(5 × percent_rank), so equal values share a score (ntile would
// cut a run of one-order buyers into different quintiles at random).
func (s *Store) VIPSuggestions(ctx context.Context, now time.Time, limit int) ([]VIPSuggestion, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	since := now.AddDate(0, -set.Int(SettingVIPLookbackMonths), 0)
	var out []VIPSuggestion
	err = s.conn(ctx).Raw(`
		WITH b AS (
			SELECT buyer, count(*) AS orders, sum(paid_fen - refund_fen) AS spend_fen, max(paid_at) AS last_paid
			  FROM orders WHERE paid_at IS NOT NULL AND paid_at >= ? AND paid_at <= ? AND paid_fen > refund_fen
			 GROUP BY buyer
		), scored AS (
			SELECT b.*,
			       least(5, 1 + floor(5 * percent_rank() OVER (ORDER BY last_paid)))::int AS r,
			       least(5, 1 + floor(5 * percent_rank() OVER (ORDER BY orders)))::int AS f,
			       least(5, 1 + floor(5 * percent_rank() OVER (ORDER BY spend_fen)))::int AS m
			  FROM b
		)
		SELECT buyer, orders, spend_fen, last_paid, r, f, m FROM scored
		 WHERE (orders >= ? OR spend_fen >= ?)
		   AND NOT EXISTS (SELECT 1 FROM vip_customers c WHERE c.buyer = scored.buyer)
		   AND NOT EXISTS (SELECT 1 FROM vip_suggestion_decisions d WHERE d.buyer = scored.buyer)
		 ORDER BY r + f + m DESC, spend_fen DESC, buyer LIMIT ?`,
		since, now, set.Int(SettingVIPMinOrders), int64(set.Int(SettingVIPMinSpendYuan))*100, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to score buyers: %w", err)
	}
	for i := range out {
		out[i].Segment = Segment(out[i].R, out[i].F)
	}
	return out, nil
}

// AcceptSuggestion makes the buyer a VIP of the given tier and remembers
// the decision, in one transaction.
func (s *Store) AcceptSuggestion(ctx context.Context, a Actor, buyer, tier string) (VIPCustomer, error) {
	f := VIPForm{Buyer: buyer, Tier: tier, PreferredChannel: "wangwang"}
	if err := f.Validate().Err(); err != nil {
		return VIPCustomer{}, err
	}
	var out VIPCustomer
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		if err := decide(tx, a, f.Buyer, "accepted"); err != nil {
			return err
		}
		cols := f.columns()
		cols["source"], cols["updated_by"] = "suggestion", nullID(a)
		if err := tx.Model(&VIPCustomer{}).Create(cols).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Invalid("buyer", "vip.err.buyer_taken")
			}
			return fmt.Errorf("models: unable to create VIP %s: %w", f.Buyer, err)
		}
		if err := tx.Where("buyer = ?", f.Buyer).Take(&out).Error; err != nil {
			return fmt.Errorf("models: reread VIP %s: %w", f.Buyer, err)
		}
		if err := live.Publish(tx, TopicVIP); err != nil {
			return err
		}
		return audit(tx, a, "accept", "vip_suggestion", f.Buyer, nil, out.auditView())
	})
	return out, err
}

// DismissSuggestion remembers that the shop does not want this buyer as a
// VIP, so the rule does not suggest them again.
func (s *Store) DismissSuggestion(ctx context.Context, a Actor, buyer string) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		if err := decide(tx, a, buyer, "dismissed"); err != nil {
			return err
		}
		if err := live.Publish(tx, TopicVIP); err != nil {
			return err
		}
		return audit(tx, a, "dismiss", "vip_suggestion", buyer, nil, nil)
	})
}

func decide(tx *gorm.DB, a Actor, buyer, decision string) error {
	err := tx.Exec(`INSERT INTO vip_suggestion_decisions (buyer, decision, decided_by) VALUES (?, ?, ?)`, buyer, decision, nullID(a)).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return Invalid("buyer", "vip.err.decided")
	}
	if err != nil {
		return fmt.Errorf("models: unable to record decision on %s: %w", buyer, err)
	}
	return nil
}
