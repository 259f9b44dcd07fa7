package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Contact fields that are masked until someone allowed reveals them.
const (
	FieldPhone    = "phone"
	FieldRealName = "real_name"
)

// MaskPhone keeps the first three and last four digits (138****5678), as
// delivery slips do, so an agent can tell numbers apart without reading one.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) == 0 {
		return ""
	}
	if len(r) < 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// MaskName keeps the first character (王**).
func MaskName(n string) string {
	r := []rune(n)
	if len(r) == 0 {
		return ""
	}
	return string(r[:1]) + strings.Repeat("*", max(1, len(r)-1))
}

// MayReveal reports whether the user may see the customer's phone and real
// name: store managers, and the agent an open visit of this customer is
// assigned to. Everyone else only ever sees them masked.
func (s *Store) MayReveal(ctx context.Context, u User, customerID int64) (bool, error) {
	switch u.Role {
	case RoleManager:
		return true, nil
	case RoleAgent:
		var n int64
		err := s.conn(ctx).Raw(`SELECT count(*) FROM vip_visits WHERE customer_id = ? AND agent_id = ? AND status = 'open'`,
			customerID, u.ID).Scan(&n).Error
		if err != nil {
			return false, fmt.Errorf("models: unable to check visits of VIP %d: %w", customerID, err)
		}
		return n > 0, nil
	}
	return false, nil
}

// RevealContact returns one contact field in clear for a user allowed to see
// it, and records in the audit log who read which field of whom, in the same
// transaction: no audit row, no value.
func (s *Store) RevealContact(ctx context.Context, a Actor, u User, customerID int64, field string) (string, error) {
	if field != FieldPhone && field != FieldRealName {
		return "", fmt.Errorf("models: reveal field %q: %w", field, ErrNotFound)
	}
	ok, err := s.MayReveal(ctx, u, customerID)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", ErrNotYours
	}
	var value string
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		c, err := s.VIPByID(ctx, customerID)
		if err != nil {
			return err
		}
		value = c.Phone
		if field == FieldRealName {
			value = c.RealName
		}
		return audit(tx, a, "reveal", "vip_customer", customerID, nil, map[string]any{"field": field, "buyer": c.Buyer})
	})
	return value, err
}

// VIPForEdit loads a customer for the manager's edit form, which shows the
// phone and real name in clear: that is a reveal of both, audited in the
// same transaction as the read.
func (s *Store) VIPForEdit(ctx context.Context, a Actor, customerID int64) (VIPCustomer, error) {
	var c VIPCustomer
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var err error
		if c, err = s.VIPByID(ctx, customerID); err != nil {
			return err
		}
		return audit(tx, a, "reveal", "vip_customer", customerID, nil,
			map[string]any{"field": FieldPhone + "," + FieldRealName, "buyer": c.Buyer, "via": "edit"})
	})
	return c, err
}
