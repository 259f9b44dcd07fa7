package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Adherence case kinds and states.
const (
	AdherenceOffShift = "off_shift" // chatted on a day off or well outside the shift
	AdherenceAbsent   = "absent"    // on the rota, no chat at all that day
	AdherenceOpen     = "open"
	AdherenceFined    = "fined"
	AdherenceExcused  = "excused"
)

// AdherenceCase is an unapproved change seen in the chat records, for the
// manager to fine (the seeds' 50 yuan) or excuse.
type AdherenceCase struct {
	ID        int64
	UserID    int64
	Day       time.Time
	Kind      string
	Shift     string
	FirstSeen *time.Time
	LastSeen  *time.Time
	Messages  int
	Status    string
	FineFen   int64
	Note      string
	DecidedBy *int64
	DecidedAt *time.Time
	Version   int
	CreatedAt time.Time
	UserName  string `gorm:"->;-:migration"`
}

// TableName pins the table.
func (AdherenceCase) TableName() string { return "adherence_cases" }

type activity struct {
	UserID   int64
	Day      time.Time
	First    time.Time
	Last     time.Time
	Messages int
}

// Activity reads, per agent and shop-local day, their first and last chat
// message and how many they sent, from chats started in the range (the
// conversations' time index, then each chat's messages by its key).
func (s *Store) activity(ctx context.Context, from, to time.Time, tz string) ([]activity, error) {
	var out []activity
	err := s.conn(ctx).Raw(`
		SELECT n.user_id, (m.sent_at AT TIME ZONE ?)::date AS day, min(m.sent_at) AS first, max(m.sent_at) AS last, count(*) AS messages
		FROM chat_conversations c
		JOIN chat_messages m ON m.conversation_id = c.id
		JOIN agent_nicks n ON n.nick = m.agent_nick
		WHERE c.started_at >= ? AND c.started_at < ? AND m.sender = 'agent' AND m.sent_at >= ? AND m.sent_at < ?
		GROUP BY 1, 2`, tz, from.Add(-24*time.Hour), to, from, to).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to read chat activity: %w", err)
	}
	return out, nil
}

// DetectAdherence compares the published rota of the days from first to
// last (both past) with who chatted: an agent chatting on a day off or more
// than the grace outside their shift worked a shift they were not on; one
// with no chat on a rostered day while others chatted was absent. Each
// finding is recorded once; it returns how many are new.
func (s *Store) DetectAdherence(ctx context.Context, a Actor, first, last time.Time) (int, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	loc := settings.Location()
	grace := time.Duration(settings.Int(SettingAdherenceGraceMins)) * time.Minute
	days := int(last.Sub(first).Hours()/24) + 1
	if days < 1 || days > 62 {
		return 0, Invalid("last", "shifts.err.range")
	}
	from := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	acts, err := s.activity(ctx, from, from.AddDate(0, 0, days), loc.String())
	if err != nil {
		return 0, err
	}
	seen := map[string]activity{}
	chatted := map[string]bool{} // days with any chat data: absence is only judged there
	for _, x := range acts {
		seen[fmt.Sprintf("%d|%s", x.UserID, dateStr(x.Day))] = x
		chatted[dateStr(x.Day)] = true
	}
	shifts, err := s.PublishedShifts(ctx, 0, first, days)
	if err != nil {
		return 0, err
	}
	staff, err := s.RotaStaff(ctx)
	if err != nil {
		return 0, err
	}
	withNicks := map[int64]bool{}
	for _, u := range staff {
		withNicks[u.ID] = len(u.Nicks) > 0
	}
	added := 0
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		for _, d := range shifts {
			if !withNicks[d.UserID] || !chatted[dateStr(d.Day)] {
				continue
			}
			x, ok := seen[fmt.Sprintf("%d|%s", d.UserID, dateStr(d.Day))]
			kind := ""
			switch {
			case d.Working() && !ok:
				kind = AdherenceAbsent
			case !d.Working() && ok:
				kind = AdherenceOffShift
			case d.Working() && ok && (x.First.Before(d.Start.Add(-grace)) || x.Last.After(d.End.Add(grace))):
				kind = AdherenceOffShift
			}
			if kind == "" {
				continue
			}
			var fs, ls *time.Time
			if ok {
				fs, ls = &x.First, &x.Last
			}
			res := tx.Exec(`INSERT INTO adherence_cases (user_id, day, kind, shift, first_seen, last_seen, messages)
				VALUES (?, ?::date, ?, ?, ?, ?, ?) ON CONFLICT (user_id, day, kind) DO NOTHING`,
				d.UserID, dateStr(d.Day), kind, d.Shift, fs, ls, x.Messages)
			if res.Error != nil {
				return fmt.Errorf("models: unable to record adherence case: %w", res.Error)
			}
			added += int(res.RowsAffected)
		}
		if added == 0 {
			return nil
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		return audit(tx, a, "detect", "adherence", dateStr(first), nil, map[string]any{"last": dateStr(last), "new": added})
	})
	return added, err
}

// AdherenceFilter picks a status and a page: cases strictly before the
// cursor (day, id), newest first.
type AdherenceFilter struct {
	Status string
	Before AdherenceCursor
	Limit  int
}

// AdherenceCursor is the last case of a page.
type AdherenceCursor struct {
	Day time.Time
	ID  int64
}

// String encodes the cursor for a URL; "" at the start.
func (c AdherenceCursor) String() string {
	if c.ID == 0 {
		return ""
	}
	return fmt.Sprintf("%s_%d", dateStr(c.Day), c.ID)
}

// ParseAdherenceCursor decodes String's output; garbage is the start.
func ParseAdherenceCursor(s string) AdherenceCursor {
	d, id, ok := strings.Cut(s, "_")
	day, okDay := ParseDay(d)
	var n int64
	if _, err := fmt.Sscan(id, &n); !ok || !okDay || err != nil {
		return AdherenceCursor{}
	}
	return AdherenceCursor{Day: day, ID: n}
}

// AdherencePage is one page of cases and the cursor of the next, if any.
type AdherencePage struct {
	Cases []AdherenceCase
	Next  AdherenceCursor
}

// ListAdherence lists one status's cases, newest day first, with keyset
// paging on the (status, day, id) index.
func (s *Store) ListAdherence(ctx context.Context, f AdherenceFilter) (AdherencePage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Status == "" {
		f.Status = AdherenceOpen
	}
	q := s.conn(ctx).Table("adherence_cases c").
		Select("c.*, COALESCE(NULLIF(u.display_name, ''), u.username) AS user_name").
		Joins("JOIN users u ON u.id = c.user_id").Where("c.status = ?", f.Status)
	if f.Before.ID != 0 {
		q = q.Where("(c.day, c.id) < (?::date, ?)", dateStr(f.Before.Day), f.Before.ID)
	}
	var out []AdherenceCase
	if err := q.Order("c.day DESC, c.id DESC").Limit(f.Limit + 1).Find(&out).Error; err != nil {
		return AdherencePage{}, fmt.Errorf("models: unable to list adherence: %w", err)
	}
	page := AdherencePage{Cases: out}
	if len(out) > f.Limit {
		page.Cases = out[:f.Limit]
		last := page.Cases[f.Limit-1]
		page.Next = AdherenceCursor{Day: last.Day, ID: last.ID}
	}
	return page, nil
}

// DecideAdherence records the fine (the shop's setting, in fen) or excuses.
func (s *Store) DecideAdherence(ctx context.Context, a Actor, id int64, version int, fine bool, note string) (AdherenceCase, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return AdherenceCase{}, err
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 300 {
		return AdherenceCase{}, Invalid("note", "shifts.err.note")
	}
	var c AdherenceCase
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		if err := tx.Clauses(lockingClause).Take(&c, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("adherence case %d", id))
		}
		if c.Version != version {
			return s.conflict(ctx, "adherence case", c.DecidedBy, c.CreatedAt)
		}
		if c.Status != AdherenceOpen {
			return Invalid("case", "shifts.err.decided")
		}
		status, fen := AdherenceExcused, int64(0)
		if fine {
			status, fen = AdherenceFined, int64(settings.Int(SettingSwapFineYuan))*100
		}
		err := tx.Exec(`UPDATE adherence_cases SET status = ?, fine_fen = ?, note = ?, decided_by = ?, decided_at = now(), version = version + 1 WHERE id = ?`,
			status, fen, note, nullID(a), id).Error
		if err != nil {
			return fmt.Errorf("models: unable to decide adherence case: %w", err)
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		before := map[string]any{"status": c.Status}
		c.Status, c.FineFen, c.Note, c.Version = status, fen, note, c.Version+1
		return audit(tx, a, status, "adherence", id, before, map[string]any{"status": status, "fine_fen": fen, "note": note})
	})
	return c, err
}
