package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"

	"kefudesk/models/live"
	"kefudesk/models/vipwindow"
)

// TopicVIP is the live-update topic of VIP customers, lists and visits.
const TopicVIP = "vip"

// VIP tiers, highest first.
var VIPTiers = []string{"diamond", "gold", "silver"}

// VisitChannels are the ways the team reaches a customer (seeds 001, 002).
var VisitChannels = []string{"phone", "wangwang", "sms", "wechat"}

// VIPCustomer is a buyer the team visits.
type VIPCustomer struct {
	ID               int64
	Buyer            string
	RealName         string `json:"-"` // personal data: never in the audit log
	Phone            string `json:"-"`
	Wechat           string
	Tier             string
	Tags             pq.StringArray `gorm:"type:text[]"`
	Notes            string
	PreferredChannel string
	ContactWindow    string // "" = the shop's default
	DoNotContact     bool
	Source           string
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
	UpdatedBy        *int64
}

// TableName pins the table.
func (VIPCustomer) TableName() string { return "vip_customers" }

// Window is the customer's contact window, or the shop's when they have none.
func (c VIPCustomer) Window(s Settings) vipwindow.Window {
	if c.ContactWindow != "" {
		if w, err := vipwindow.Parse(c.ContactWindow); err == nil {
			return w
		}
	}
	return s.CallWindow()
}

// VIPForm is the customer form as typed.
type VIPForm struct {
	ID               int64
	Version          int
	Buyer            string
	RealName         string
	Phone            string
	Wechat           string
	Tier             string
	TagsText         string
	Notes            string
	PreferredChannel string
	ContactWindow    string
	DoNotContact     bool
}

var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 -]{4,19}$`)

// Validate checks the form; each problem is a catalog key by field.
func (f *VIPForm) Validate() FieldErrors {
	errs := FieldErrors{}
	f.Buyer, f.RealName, f.Phone = strings.TrimSpace(f.Buyer), strings.TrimSpace(f.RealName), strings.TrimSpace(f.Phone)
	f.Wechat, f.Notes, f.ContactWindow = strings.TrimSpace(f.Wechat), strings.TrimSpace(f.Notes), strings.TrimSpace(f.ContactWindow)
	if n := len([]rune(f.Buyer)); n < 1 || n > 64 {
		errs.Add("buyer", "vip.err.buyer")
	}
	if len([]rune(f.RealName)) > 40 {
		errs.Add("real_name", "vip.err.too_long", 40)
	}
	if f.Phone != "" && !phonePattern.MatchString(f.Phone) {
		errs.Add("phone", "vip.err.phone")
	}
	if len([]rune(f.Wechat)) > 64 {
		errs.Add("wechat", "vip.err.too_long", 64)
	}
	if !slices.Contains(VIPTiers, f.Tier) {
		errs.Add("tier", "vip.err.tier")
	}
	if !slices.Contains(VisitChannels, f.PreferredChannel) {
		errs.Add("preferred_channel", "vip.err.channel")
	}
	if f.PreferredChannel == "phone" && f.Phone == "" {
		errs.Add("phone", "vip.err.phone_needed")
	}
	if f.ContactWindow != "" {
		if _, err := vipwindow.Parse(f.ContactWindow); err != nil {
			errs.Add("contact_window", "vip.err.window")
		}
	}
	if len([]rune(f.Notes)) > 2000 {
		errs.Add("notes", "vip.err.too_long", 2000)
	}
	if tags := ParseNicks(f.TagsText); len(tags) > 20 {
		errs.Add("tags", "vip.err.tags")
	}
	return errs
}

func (f VIPForm) columns() map[string]any {
	return map[string]any{"buyer": f.Buyer, "real_name": f.RealName, "phone": f.Phone, "wechat": f.Wechat,
		"tier": f.Tier, "tags": append(pq.StringArray{}, ParseNicks(f.TagsText)...), "notes": f.Notes,
		"preferred_channel": f.PreferredChannel, "contact_window": f.ContactWindow, "do_not_contact": f.DoNotContact}
}

// auditView is what the audit log keeps of a customer: no name or phone,
// only whether they changed.
func (c VIPCustomer) auditView() map[string]any {
	return map[string]any{"buyer": c.Buyer, "tier": c.Tier, "tags": []string(c.Tags), "wechat": c.Wechat,
		"preferred_channel": c.PreferredChannel, "contact_window": c.ContactWindow, "do_not_contact": c.DoNotContact,
		"notes": c.Notes, "has_phone": c.Phone != "", "has_real_name": c.RealName != ""}
}

// SaveVIP creates (ID 0) or updates a customer, refusing a stale version.
func (s *Store) SaveVIP(ctx context.Context, a Actor, f VIPForm) (VIPCustomer, error) {
	if err := f.Validate().Err(); err != nil {
		return VIPCustomer{}, err
	}
	var out VIPCustomer
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		cols := f.columns()
		cols["updated_by"] = nullID(a)
		var before *VIPCustomer
		if f.ID == 0 {
			cols["source"] = "form"
			if err := tx.Model(&VIPCustomer{}).Create(cols).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return Invalid("buyer", "vip.err.buyer_taken")
				}
				return fmt.Errorf("models: unable to create VIP %s: %w", f.Buyer, err)
			}
		} else {
			var cur VIPCustomer
			if err := tx.Clauses(lockingClause).Take(&cur, f.ID).Error; err != nil {
				return notFound(err, fmt.Sprintf("VIP customer %d", f.ID))
			}
			if cur.Version != f.Version {
				return s.conflict(ctx, "vip_customer", cur.UpdatedBy, cur.UpdatedAt)
			}
			before = &cur
			cols["version"], cols["updated_at"] = gorm.Expr("version + 1"), gorm.Expr("now()")
			if err := tx.Model(&VIPCustomer{}).Where("id = ?", f.ID).Updates(cols).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return Invalid("buyer", "vip.err.buyer_taken")
				}
				return fmt.Errorf("models: unable to update VIP %d: %w", f.ID, err)
			}
		}
		if err := tx.Where("buyer = ?", f.Buyer).Take(&out).Error; err != nil {
			return fmt.Errorf("models: reread VIP %s: %w", f.Buyer, err)
		}
		if err := live.Publish(tx, TopicVIP); err != nil {
			return err
		}
		if before == nil {
			return audit(tx, a, "create", "vip_customer", out.ID, nil, out.auditView())
		}
		return audit(tx, a, "update", "vip_customer", out.ID, before.auditView(), out.auditView())
	})
	return out, err
}

// VIPByID reads one customer.
func (s *Store) VIPByID(ctx context.Context, id int64) (VIPCustomer, error) {
	var c VIPCustomer
	if err := s.conn(ctx).Take(&c, id).Error; err != nil {
		return c, notFound(err, fmt.Sprintf("VIP customer %d", id))
	}
	return c, nil
}

// VIPFilter narrows the customer list; After is the keyset cursor (buyer).
type VIPFilter struct {
	Query string // part of the buyer nick
	Tier  string
	Tag   string
	After string
	Limit int
}

// VIPPage is a page of customers and the cursor of the next.
type VIPPage struct {
	Customers []VIPCustomer
	Next      string
}

// ListVIPs lists customers by buyer nick, keyset-paged on the unique buyer.
func (s *Store) ListVIPs(ctx context.Context, f VIPFilter) (VIPPage, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := s.conn(ctx).Model(&VIPCustomer{})
	if f.Query != "" {
		q = q.Where("buyer ILIKE ?", "%"+strings.NewReplacer("%", `\%`, "_", `\_`).Replace(f.Query)+"%")
	}
	if f.Tier != "" {
		q = q.Where("tier = ?", f.Tier)
	}
	if f.Tag != "" {
		q = q.Where("tags @> ?", pq.StringArray{f.Tag})
	}
	if f.After != "" {
		q = q.Where("buyer > ?", f.After)
	}
	var rows []VIPCustomer
	if err := q.Order("buyer").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return VIPPage{}, fmt.Errorf("models: unable to list VIPs: %w", err)
	}
	p := VIPPage{Customers: rows}
	if len(rows) > f.Limit {
		p.Customers = rows[:f.Limit]
		p.Next = p.Customers[f.Limit-1].Buyer
	}
	return p, nil
}

// VIPTags lists the tags in use, for the list form's choices. They are a
// scan of every customer, so the server keeps a copy while the vip_tags
// counter stands (migration 00055); callers get their own slice.
func (s *Store) VIPTags(ctx context.Context) ([]string, error) {
	tags, err := s.tags.get(ctx, s, struct{}{}, func(ctx context.Context) ([]string, error) {
		var tags []string
		err := s.conn(ctx).Raw(`SELECT DISTINCT unnest(tags) AS t FROM vip_customers ORDER BY t`).Scan(&tags).Error
		return tags, err
	})
	if err != nil {
		return nil, fmt.Errorf("models: unable to list VIP tags: %w", err)
	}
	return slices.Clone(tags), nil
}
