package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AttributionChange is one order whose credit a re-apply would change.
type AttributionChange struct {
	OrderID            int64
	OrderNo, Buyer     string
	CreatedAt          time.Time
	OldRule, NewRule   string
	OldCredit, NewCred []string // "name ¥amount" style parts: kind, name, fen
}

// AttributionPreview is what re-applying the current settings to a date
// range would do.
type AttributionPreview struct {
	Orders  int64 // orders in the range
	Changed int64 // whose automatic credit would change (ruled orders keep their ruling and are not counted)
	Sample  []AttributionChange
}

// previewSample bounds the changed orders listed.
const previewSample = 20

// PreviewAttribution decides the orders created in [from, to) under the
// current settings without writing, batch by batch, and compares with what
// is stored.
func (s *Store) PreviewAttribution(ctx context.Context, from, to time.Time) (AttributionPreview, error) {
	var out AttributionPreview
	env, err := s.attrEnv(ctx)
	if err != nil {
		return out, err
	}
	var cur AuditCursor
	for {
		rows, err := s.readAttrBatch(ctx, from, to, cur, attributionLookback(env.rules), attrBatch)
		if err != nil || len(rows) == 0 {
			return out, err
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		awards, err := rulingAwards(s.conn(ctx), ids)
		if err != nil {
			return out, err
		}
		for _, r := range rows {
			out.Orders++
			a, _ := env.compute(r, nil)
			if a.Sig == r.OldSig || awards[r.ID] != nil {
				continue
			}
			out.Changed++
			if len(out.Sample) < previewSample {
				oldRule, oldCredit := splitSig(r.OldSig)
				newRule, newCredit := splitSig(a.Sig)
				out.Sample = append(out.Sample, AttributionChange{OrderID: r.ID, Buyer: r.Buyer, CreatedAt: r.CreatedAt,
					OldRule: oldRule, NewRule: newRule, OldCredit: oldCredit, NewCred: newCredit})
			}
		}
		last := rows[len(rows)-1]
		cur = AuditCursor{At: last.CreatedAt, ID: last.ID}
	}
}

// splitSig takes a stored signature apart: the rule and its credit parts
// ("kind:agent:fen").
func splitSig(sig string) (string, []string) {
	rule, rest, _ := strings.Cut(sig, "|")
	if rest == "" {
		return rule, nil
	}
	return rule, strings.Split(rest, ",")
}

// ReapplyAttribution decides the orders created in [from, to) again under
// the current settings and promotions. It runs in batches (a big range is
// millions of orders); the audit entry records the range and the count.
func (s *Store) ReapplyAttribution(ctx context.Context, a Actor, from, to time.Time) (int64, error) {
	n, err := s.AttributeOrders(ctx, from, to)
	if err != nil {
		return n, err
	}
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		return audit(tx, a, "reapply", "attribution", from.Format(time.DateOnly), nil,
			map[string]any{"from": from, "to": to, "orders": n})
	})
	return n, err
}
