package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Actor is who makes a change: every write method takes one so the audit log
// can say who did it and from where. System jobs use SystemActor.
type Actor struct {
	ID   int64
	Name string
	IP   string
}

// SystemActor stands for changes made from the command line or by jobs.
var SystemActor = Actor{Name: "system"}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID        int64
	At        time.Time
	ActorID   *int64
	ActorName string
	Action    string
	Entity    string
	EntityID  string
	Before    json.RawMessage `gorm:"type:jsonb"`
	After     json.RawMessage `gorm:"type:jsonb"`
	IP        string
}

// TableName pins the table so the struct name can read naturally.
func (AuditEntry) TableName() string { return "audit_log" }

// audit records one change inside the caller's transaction, so the change and
// its audit row commit or roll back together. before/after are any values
// that marshal to JSON (nil for creations and deletions).
func audit(tx *gorm.DB, a Actor, action, entity string, entityID any, before, after any) error {
	e := AuditEntry{
		ActorName: a.Name,
		Action:    action,
		Entity:    entity,
		EntityID:  fmt.Sprint(entityID),
		IP:        a.IP,
	}
	if a.ID != 0 {
		e.ActorID = &a.ID
	}
	var err error
	if e.Before, err = toJSON(before); err != nil {
		return err
	}
	if e.After, err = toJSON(after); err != nil {
		return err
	}
	if err := tx.Omit("ID", "At").Create(&e).Error; err != nil {
		return fmt.Errorf("models: unable to write audit entry %s %s: %w", action, entity, err)
	}
	return nil
}

func toJSON(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("models: unable to encode audit value: %w", err)
	}
	return b, nil
}

// AuditFilter narrows the audit log. Zero fields do not filter. Before is the
// keyset cursor: entries strictly older than it, for the next page.
type AuditFilter struct {
	ActorID int64
	Entity  string
	From    time.Time // inclusive
	To      time.Time // exclusive
	Before  AuditCursor
	Limit   int
}

// AuditCursor is the position of the last entry of a page.
type AuditCursor struct {
	At time.Time
	ID int64
}

// IsZero reports whether the cursor points at the start.
func (c AuditCursor) IsZero() bool { return c.ID == 0 }

// String encodes the cursor for a URL.
func (c AuditCursor) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "_" + strconv.FormatInt(c.ID, 10)
}

// ParseAuditCursor decodes String's output; garbage gives the zero cursor.
func ParseAuditCursor(s string) AuditCursor {
	var us, id int64
	if _, err := fmt.Sscanf(s, "%d_%d", &us, &id); err != nil {
		return AuditCursor{}
	}
	return AuditCursor{At: time.UnixMicro(us).UTC(), ID: id}
}

// AuditPage is one page of entries and the cursor of the next page, if any.
type AuditPage struct {
	Entries []AuditEntry
	Next    AuditCursor
}

// ListAudit reads the audit log newest first with keyset pagination, which
// stays fast however deep the user pages (no OFFSET scans).
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) (AuditPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := s.conn(ctx).Model(&AuditEntry{})
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To)
	}
	if !f.Before.IsZero() {
		q = q.Where("(at, id) < (?, ?)", f.Before.At, f.Before.ID)
	}
	var rows []AuditEntry
	if err := q.Order("at DESC, id DESC").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return AuditPage{}, fmt.Errorf("models: unable to list audit log: %w", err)
	}
	page := AuditPage{Entries: rows}
	if len(rows) > f.Limit {
		page.Entries = rows[:f.Limit]
		last := page.Entries[f.Limit-1]
		page.Next = AuditCursor{At: last.At, ID: last.ID}
	}
	return page, nil
}

// AuditEntities lists the entity names present, for the filter's choices.
func (s *Store) AuditEntities(ctx context.Context) ([]string, error) {
	var names []string
	// A recursive skip-scan over the entity index: distinct values without
	// reading the whole log, which grows by every change the shop makes.
	err := s.conn(ctx).Raw(`
		WITH RECURSIVE e AS (
			(SELECT entity FROM audit_log ORDER BY entity LIMIT 1)
			UNION ALL
			SELECT (SELECT entity FROM audit_log WHERE entity > e.entity ORDER BY entity LIMIT 1)
			FROM e WHERE e.entity IS NOT NULL
		)
		SELECT entity FROM e WHERE entity IS NOT NULL`).Scan(&names).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list audit entities: %w", err)
	}
	return names, nil
}

// RecordEvent audits something a user did that changes no record, such as
// logging in or out, so the log answers "who was in the system when".
func (s *Store) RecordEvent(ctx context.Context, a Actor, action, entity string, entityID any) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		return audit(tx, a, action, entity, entityID, nil, nil)
	})
}

// auditSQL is the audit insert as plain SQL, for writes that run on a pgx
// transaction (bulk imports) rather than through gorm.
func auditSQL(a Actor, action, entity string, entityID any, before, after any) (string, []any) {
	b, _ := toJSON(before)
	af, _ := toJSON(after)
	var actorID *int64
	if a.ID != 0 {
		actorID = &a.ID
	}
	return `INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, before, after, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		[]any{actorID, a.Name, action, entity, fmt.Sprint(entityID), nullJSON(b), nullJSON(af), a.IP}
}

func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}
