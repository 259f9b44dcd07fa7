package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// SettingKind says how a setting is entered and checked.
type SettingKind int

// Kinds of settings.
const (
	SettingText SettingKind = iota
	SettingInt
	SettingTimeZone
	SettingChoice
	SettingBool
	SettingWords // a list, comma or new-line separated
)

// SettingDef describes one shop setting: its default (from the domain
// digest), its bounds and the message keys of its label and help text.
type SettingDef struct {
	Key     string
	Group   string // message key of the section the form shows it in
	Kind    SettingKind
	Default string
	Min     int
	Max     int
	Choices []string
	Unit    string // message key of the unit shown after the field
	// Check, when set, checks a value that passed its kind's checks and
	// returns it normalised: for values with a format of their own.
	Check func(v string) (string, *FieldError)
}

// Label is the message key of the setting's label.
func (d SettingDef) Label() string { return "settings." + d.Key }

// Help is the message key of the setting's explanation.
func (d SettingDef) Help() string { return "settings." + d.Key + ".help" }

// Setting keys of the foundation. Each work area adds its own in its file
// and lists them in SettingDefs.
const (
	SettingShopName      = "shop_name"
	SettingTimeZoneKey   = "time_zone"
	SettingDefaultLocale = "default_locale"
)

var foundationSettings = []SettingDef{
	{Key: SettingShopName, Group: "settings.group.shop", Kind: SettingText, Default: "Kefu Desk 示例店铺", Min: 1, Max: 60},
	{Key: SettingTimeZoneKey, Group: "settings.group.shop", Kind: SettingTimeZone, Default: "Asia/Shanghai"},
	{Key: SettingDefaultLocale, Group: "settings.group.shop", Kind: SettingChoice, Default: "zh-CN", Choices: []string{"zh-CN", "en"}},
}

// SettingDefs lists every setting in the order the settings page shows them.
func SettingDefs() []SettingDef {
	return concat(foundationSettings, chatSettings, appealSettings, attributionSettings, badReviewSettings, shiftSettings, vipSettings)
}

func concat(groups ...[]SettingDef) []SettingDef {
	var out []SettingDef
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// settingsByKey indexes the definitions once: every Settings.Get looks a
// key up, dozens of times per page (a linear scan over a rebuilt list was
// 10% of the server's CPU in the load run).
var settingsByKey = sync.OnceValue(func() map[string]SettingDef {
	out := map[string]SettingDef{}
	for _, d := range SettingDefs() {
		out[d.Key] = d
	}
	return out
})

func settingDef(key string) (SettingDef, bool) {
	d, ok := settingsByKey()[key]
	return d, ok
}

// Settings is the shop's settings as read at one moment.
type Settings struct {
	vals      map[string]string
	loc       *time.Location // resolved once per read: time.LoadLocation opens the zone database every call
	Version   int
	UpdatedAt time.Time
	UpdatedBy *int64
}

// Get returns a setting's value, or its default when the shop kept it.
func (s Settings) Get(key string) string {
	if v, ok := s.vals[key]; ok {
		return v
	}
	d, _ := settingDef(key)
	return d.Default
}

// Int returns a numeric setting.
func (s Settings) Int(key string) int {
	n, _ := strconv.Atoi(s.Get(key))
	return n
}

// Bool returns an on/off setting.
func (s Settings) Bool(key string) bool { return s.Get(key) == "true" }

// Words returns a list setting.
func (s Settings) Words(key string) []string { return ParseNicks(s.Get(key)) }

// Location is the shop's time zone; every time shown is in it.
func (s Settings) Location() *time.Location {
	if s.loc != nil {
		return s.loc
	}
	return s.loadLocation()
}

func (s Settings) loadLocation() *time.Location {
	loc, err := time.LoadLocation(s.Get(SettingTimeZoneKey))
	if err != nil {
		// Saved zones were validated; this only guards a hand-edited row.
		loc, _ = time.LoadLocation("Asia/Shanghai")
	}
	return loc
}

// DefaultSettings is what a new shop starts with.
func DefaultSettings() Settings {
	s := Settings{vals: map[string]string{}, Version: 1}
	s.loc = s.loadLocation()
	return s
}

type settingsRow struct {
	Vals      json.RawMessage
	Version   int
	UpdatedAt time.Time
	UpdatedBy *int64
}

// settingsTTL is how long one read of the settings serves later ones.
// Every request reads them (one query in ten on a busy page); a change
// made through this process is seen at once (SaveSettings drops the
// copy), one made by another process within this time.
const settingsTTL = time.Second

// settingsCache is the Store's copy of the settings (Settings values are
// never modified after they are read, so one may be shared).
type settingsCache struct {
	mu    sync.Mutex
	val   Settings
	at    time.Time
	drops uint64 // a copy read before the last drop is not kept
}

// get returns the copy when fresh, and the drop count to hand to put.
func (c *settingsCache) get(now time.Time) (Settings, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.val, !c.at.IsZero() && now.Sub(c.at) < settingsTTL, c.drops
}

// put keeps v unless a save dropped the copy since v was read: a read
// that began before the save committed must not outlive it.
func (c *settingsCache) put(v Settings, at time.Time, drops uint64) {
	c.mu.Lock()
	if drops == c.drops {
		c.val, c.at = v, at
	}
	c.mu.Unlock()
}

func (c *settingsCache) drop() {
	c.mu.Lock()
	c.at = time.Time{}
	c.drops++
	c.mu.Unlock()
}

// Settings reads the shop's settings: inside a transaction from the
// database, otherwise through the Store's copy of the last second.
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	if _, inTx := ctx.Value(txKey{}).(*gorm.DB); inTx {
		return s.readSettings(ctx)
	}
	now := time.Now()
	v, ok, drops := s.settings.get(now)
	if ok {
		return v, nil
	}
	v, err := s.readSettings(ctx)
	if err == nil {
		s.settings.put(v, now, drops)
	}
	return v, err
}

func (s *Store) readSettings(ctx context.Context) (Settings, error) {
	var row settingsRow
	err := s.conn(ctx).Raw(`SELECT vals, version, updated_at, updated_by FROM shop_settings WHERE id = 1`).Scan(&row).Error
	if err != nil {
		return Settings{}, fmt.Errorf("models: unable to read settings: %w", err)
	}
	out := Settings{vals: map[string]string{}, Version: row.Version, UpdatedAt: row.UpdatedAt, UpdatedBy: row.UpdatedBy}
	if len(row.Vals) > 0 {
		if err := json.Unmarshal(row.Vals, &out.vals); err != nil {
			return Settings{}, fmt.Errorf("models: unable to decode settings: %w", err)
		}
	}
	out.loc = out.loadLocation()
	return out, nil
}

// ValidateSetting checks one submitted value and returns it normalised.
func ValidateSetting(d SettingDef, raw string) (string, *FieldError) {
	v, ferr := validateKind(d, raw)
	if ferr == nil && d.Check != nil {
		return d.Check(v)
	}
	return v, ferr
}

func validateKind(d SettingDef, raw string) (string, *FieldError) {
	v := strings.TrimSpace(raw)
	switch d.Kind {
	case SettingInt:
		n, err := strconv.Atoi(v)
		if err != nil {
			return v, &FieldError{Key: "settings.err.int"}
		}
		if n < d.Min || n > d.Max {
			return v, &FieldError{Key: "settings.err.range", Args: []any{d.Min, d.Max}}
		}
		return strconv.Itoa(n), nil
	case SettingTimeZone:
		if _, err := time.LoadLocation(v); err != nil || v == "" || v == "Local" {
			return v, &FieldError{Key: "settings.err.tz"}
		}
	case SettingBool:
		switch strings.ToLower(v) {
		case "true", "on", "1", "yes":
			return "true", nil
		case "false", "off", "0", "no", "":
			return "false", nil
		}
		return v, &FieldError{Key: "settings.err.choice"}
	case SettingWords:
		words := ParseNicks(v) // same separators: commas (either width), semicolons, new lines
		out := strings.Join(words, ", ")
		if n := len([]rune(out)); n > d.Max {
			return v, &FieldError{Key: "settings.err.len", Args: []any{d.Min, d.Max}}
		}
		return out, nil
	case SettingChoice:
		for _, c := range d.Choices {
			if c == v {
				return v, nil
			}
		}
		return v, &FieldError{Key: "settings.err.choice"}
	default:
		if n := len([]rune(v)); n < d.Min || n > d.Max {
			return v, &FieldError{Key: "settings.err.len", Args: []any{d.Min, d.Max}}
		}
	}
	return v, nil
}

// SaveSettings stores the submitted values. A setting missing from input
// keeps its current value. version is what the form was loaded with: a newer
// save in between is a conflict, nothing overwritten. Only values that differ
// from the default are kept, so a later change of a default reaches shops
// that never touched the setting.
func (s *Store) SaveSettings(ctx context.Context, a Actor, version int, input map[string]string) (Settings, error) {
	errs := FieldErrors{}
	given := map[string]string{}
	for _, d := range SettingDefs() {
		raw, ok := input[d.Key]
		if !ok {
			continue
		}
		v, ferr := ValidateSetting(d, raw)
		if ferr != nil {
			errs[d.Key] = *ferr
			continue
		}
		given[d.Key] = v
	}
	if err := errs.Err(); err != nil {
		return Settings{}, err
	}
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var cur settingsRow
		err := tx.Raw(`SELECT vals, version, updated_at, updated_by FROM shop_settings WHERE id = 1 FOR UPDATE`).Scan(&cur).Error
		if err != nil {
			return fmt.Errorf("models: unable to lock settings: %w", err)
		}
		if cur.Version != version {
			return s.conflict(ctx, "settings", cur.UpdatedBy, cur.UpdatedAt)
		}
		before, err := s.Settings(ctx)
		if err != nil {
			return err
		}
		next := map[string]string{}
		old, changed := map[string]string{}, map[string]string{}
		for _, d := range SettingDefs() {
			v, ok := given[d.Key]
			if !ok {
				v = before.Get(d.Key)
			}
			if v != d.Default {
				next[d.Key] = v
			}
			if before.Get(d.Key) != v {
				old[d.Key], changed[d.Key] = before.Get(d.Key), v
			}
		}
		b, _ := json.Marshal(next)
		err = tx.Exec(`UPDATE shop_settings SET vals = ?, version = version + 1, updated_at = now(), updated_by = ? WHERE id = 1`,
			string(b), nullID(a)).Error
		if err != nil {
			return fmt.Errorf("models: unable to save settings: %w", err)
		}
		if len(changed) == 0 {
			return nil
		}
		return audit(tx, a, "update", "settings", 1, old, changed)
	})
	s.settings.drop()
	if err != nil {
		return Settings{}, err
	}
	return s.Settings(ctx)
}

func nullID(a Actor) *int64 {
	if a.ID == 0 {
		return nil
	}
	return &a.ID
}
