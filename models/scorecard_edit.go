package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/chatqa"
	"kefudesk/models/scoring"
)

// ScorecardSummary is one scorecard in the list.
type ScorecardSummary struct {
	ID        int64
	Name      string
	Active    bool
	Version   int // the row's edit version
	Latest    int // the latest card version number
	UpdatedAt time.Time
	UpdatedBy *int64
}

// ListScorecards lists the shop's scorecards, the one in use first.
func (s *Store) ListScorecards(ctx context.Context) ([]ScorecardSummary, error) {
	if _, err := s.ActiveScorecard(ctx); err != nil { // make sure the default exists
		return nil, err
	}
	var out []ScorecardSummary
	err := s.conn(ctx).Raw(`SELECT s.id, s.name, s.active, s.version, s.updated_at, s.updated_by,
		(SELECT max(number) FROM scorecard_versions v WHERE v.scorecard_id = s.id) AS latest
		FROM scorecards s ORDER BY s.active DESC, s.id`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list scorecards: %w", err)
	}
	return out, nil
}

// ScorecardRow is one category as the editor shows it.
type ScorecardRow struct {
	Section   string
	ID        string // kept across versions; empty for a new row
	Name      string
	NameEN    string
	Weight    string
	Scale     string
	NAAllowed bool
	Critical  bool
	Flag      string
	Guide     string
}

// Blank reports whether the row was left empty (the editor's spare rows).
func (r ScorecardRow) Blank() bool {
	return strings.TrimSpace(r.Name) == "" && strings.TrimSpace(r.Section) == "" && r.ID == ""
}

// ScorecardForm is the editor's form.
type ScorecardForm struct {
	ID      int64
	Version int
	Name    string
	Rows    []ScorecardRow
}

// RowsOf turns a card into editor rows.
func RowsOf(c scoring.Card) []ScorecardRow {
	var out []ScorecardRow
	for _, s := range c.Sections {
		for _, cat := range s.Categories {
			out = append(out, ScorecardRow{Section: s.Name, ID: cat.ID, Name: cat.Name, NameEN: cat.NameEN,
				Weight: strconv.FormatFloat(cat.Weight, 'f', -1, 64), Scale: string(cat.Scale), NAAllowed: cat.NAAllowed,
				Critical: cat.Critical, Flag: cat.Flag, Guide: cat.Guide})
		}
	}
	return out
}

// Card checks the form and builds the card: rows with the same section
// name in a row form one section. Problems are keyed row_<n>_<field>.
func (f ScorecardForm) Card() (scoring.Card, FieldErrors) {
	errs := FieldErrors{}
	if n := len([]rune(strings.TrimSpace(f.Name))); n < 1 || n > 80 {
		errs.Add("name", "settings.err.len", 1, 80)
	}
	var card scoring.Card
	for i, r := range f.Rows {
		if r.Blank() {
			continue
		}
		key := func(field string) string { return fmt.Sprintf("row_%d_%s", i, field) }
		name, section := strings.TrimSpace(r.Name), strings.TrimSpace(r.Section)
		if name == "" || len([]rune(name)) > 80 {
			errs.Add(key("name"), "settings.err.len", 1, 80)
		}
		if section == "" || len([]rune(section)) > 40 {
			errs.Add(key("section"), "settings.err.len", 1, 40)
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(r.Weight), 64)
		if err != nil || w <= 0 || w > 100 {
			errs.Add(key("weight"), "scorecards.err.weight")
		}
		scale := scoring.Scale(r.Scale)
		if scale != scoring.PassFail && scale != scoring.OneToFive {
			errs.Add(key("scale"), "settings.err.choice")
		}
		if r.Flag != "" && !slices.Contains(chatqa.FlagKinds, chatqa.FlagKind(r.Flag)) {
			errs.Add(key("flag"), "settings.err.choice")
		}
		id := r.ID
		if id == "" {
			b := make([]byte, 4)
			_, _ = rand.Read(b)
			id = "c" + hex.EncodeToString(b)
		}
		cat := scoring.Category{ID: id, Name: name, NameEN: strings.TrimSpace(r.NameEN), Guide: strings.TrimSpace(r.Guide),
			Weight: w, Scale: scale, NAAllowed: r.NAAllowed, Critical: r.Critical, Flag: r.Flag}
		if n := len(card.Sections); n > 0 && card.Sections[n-1].Name == section {
			card.Sections[n-1].Categories = append(card.Sections[n-1].Categories, cat)
		} else {
			card.Sections = append(card.Sections, scoring.Section{Name: section, Categories: []scoring.Category{cat}})
		}
	}
	if len(card.Categories()) == 0 {
		errs.Add("rows", "scorecards.err.empty")
	}
	return card, errs
}

// SaveScorecard stores the edit as the scorecard's next version. Reviews
// keep the version they were scored on; new reviews use the new one.
func (s *Store) SaveScorecard(ctx context.Context, a Actor, f ScorecardForm) (ScorecardVersion, error) {
	card, errs := f.Card()
	if err := errs.Err(); err != nil {
		return ScorecardVersion{}, err
	}
	if err := card.Validate(); err != nil {
		return ScorecardVersion{}, Invalid("rows", "scorecards.err.invalid")
	}
	var out ScorecardVersion
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var cur ScorecardSummary
		err := tx.Raw(`SELECT id, name, active, version, updated_at, updated_by FROM scorecards WHERE id = ? FOR UPDATE`, f.ID).Scan(&cur).Error
		if err != nil {
			return fmt.Errorf("models: lock scorecard %d: %w", f.ID, err)
		}
		if cur.ID == 0 {
			return fmt.Errorf("models: scorecard %d: %w", f.ID, ErrNotFound)
		}
		if cur.Version != f.Version {
			return s.conflict(ctx, "scorecard", cur.UpdatedBy, cur.UpdatedAt)
		}
		var next int
		if err := tx.Raw(`SELECT COALESCE(max(number), 0) + 1 FROM scorecard_versions WHERE scorecard_id = ?`, f.ID).Scan(&next).Error; err != nil {
			return fmt.Errorf("models: next scorecard version: %w", err)
		}
		b, _ := json.Marshal(card)
		var id int64
		err = tx.Raw(`INSERT INTO scorecard_versions (scorecard_id, number, card, created_by) VALUES (?, ?, ?, ?) RETURNING id`,
			f.ID, next, string(b), nullID(a)).Scan(&id).Error
		if err != nil {
			return fmt.Errorf("models: save scorecard version: %w", err)
		}
		err = tx.Exec(`UPDATE scorecards SET name = ?, version = version + 1, updated_at = now(), updated_by = ? WHERE id = ?`,
			strings.TrimSpace(f.Name), nullID(a), f.ID).Error
		if err != nil {
			return fmt.Errorf("models: update scorecard %d: %w", f.ID, err)
		}
		out = ScorecardVersion{ID: id, ScorecardID: f.ID, Number: next, Name: strings.TrimSpace(f.Name), Card: card}
		return audit(tx, a, "update", "scorecard", f.ID, map[string]any{"name": cur.Name}, map[string]any{"name": out.Name, "version": next, "card": card})
	})
	return out, err
}

// LatestScorecard loads a scorecard's newest version and its edit version.
func (s *Store) LatestScorecard(ctx context.Context, id int64) (ScorecardVersion, int, error) {
	var row scorecardVersionRow
	if err := s.conn(ctx).Raw(scorecardVersionSQL+` WHERE s.id = ? ORDER BY v.number DESC LIMIT 1`, id).Scan(&row).Error; err != nil {
		return ScorecardVersion{}, 0, fmt.Errorf("models: read scorecard %d: %w", id, err)
	}
	if row.ID == 0 {
		return ScorecardVersion{}, 0, fmt.Errorf("models: scorecard %d: %w", id, ErrNotFound)
	}
	v, err := row.decode()
	if err != nil {
		return v, 0, err
	}
	var version int
	if err := s.conn(ctx).Raw(`SELECT version FROM scorecards WHERE id = ?`, id).Scan(&version).Error; err != nil {
		return v, 0, fmt.Errorf("models: read scorecard %d: %w", id, err)
	}
	return v, version, nil
}

// CopyScorecard starts a new scorecard from an existing one's latest
// version. It is not in use until activated.
func (s *Store) CopyScorecard(ctx context.Context, a Actor, fromID int64, name string) (int64, error) {
	name = strings.TrimSpace(name)
	if n := len([]rune(name)); n < 1 || n > 80 {
		return 0, Invalid("name", "settings.err.len", 1, 80)
	}
	src, _, err := s.LatestScorecard(ctx, fromID)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		row, err := createScorecard(tx, a, name, src.Card)
		if err != nil {
			return err
		}
		id = row.ScorecardID
		return tx.Exec(`UPDATE scorecards SET active = false WHERE id = ?`, id).Error
	})
	return id, err
}

// ActivateScorecard makes a scorecard the one new reviews use.
func (s *Store) ActivateScorecard(ctx context.Context, a Actor, id int64) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		res := tx.Exec(`UPDATE scorecards SET active = (id = ?), updated_at = CASE WHEN id = ? THEN now() ELSE updated_at END`, id, id)
		if res.Error != nil {
			return fmt.Errorf("models: activate scorecard %d: %w", id, res.Error)
		}
		var n int64
		if err := tx.Raw(`SELECT count(*) FROM scorecards WHERE id = ?`, id).Scan(&n).Error; err != nil || n == 0 {
			return fmt.Errorf("models: scorecard %d: %w", id, ErrNotFound)
		}
		return audit(tx, a, "activate", "scorecard", id, nil, nil)
	})
}
