package models

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"kefudesk/models/scoring"
)

// ScorecardVersion is one frozen version of a scorecard.
type ScorecardVersion struct {
	ID          int64
	ScorecardID int64
	Number      int
	Name        string
	Card        scoring.Card
}

type scorecardVersionRow struct {
	ID          int64
	ScorecardID int64
	Number      int
	Name        string
	Card        json.RawMessage
}

func (r scorecardVersionRow) decode() (ScorecardVersion, error) {
	v := ScorecardVersion{ID: r.ID, ScorecardID: r.ScorecardID, Number: r.Number, Name: r.Name}
	if err := json.Unmarshal(r.Card, &v.Card); err != nil {
		return v, fmt.Errorf("models: scorecard version %d: %w", r.ID, err)
	}
	return v, nil
}

const scorecardVersionSQL = `SELECT v.id, v.scorecard_id, v.number, s.name, v.card
	FROM scorecard_versions v JOIN scorecards s ON s.id = v.scorecard_id`

// ActiveScorecard returns the latest version of the active scorecard,
// creating the shop's default one on first use.
func (s *Store) ActiveScorecard(ctx context.Context) (ScorecardVersion, error) {
	var out ScorecardVersion
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		// One shop, one default: serialise the first creation.
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(7715001)`).Error; err != nil {
			return fmt.Errorf("models: lock scorecards: %w", err)
		}
		var row scorecardVersionRow
		err := tx.Raw(scorecardVersionSQL + ` WHERE s.active ORDER BY s.id, v.number DESC LIMIT 1`).Scan(&row).Error
		if err != nil {
			return fmt.Errorf("models: unable to read scorecard: %w", err)
		}
		if row.ID == 0 {
			if row, err = createScorecard(tx, SystemActor, "标准客服质检表", scoring.Default()); err != nil {
				return err
			}
		}
		out, err = row.decode()
		return err
	})
	return out, err
}

// ScorecardVersionByID loads the version a review was scored on.
func (s *Store) ScorecardVersionByID(ctx context.Context, id int64) (ScorecardVersion, error) {
	var row scorecardVersionRow
	if err := s.conn(ctx).Raw(scorecardVersionSQL+` WHERE v.id = ?`, id).Scan(&row).Error; err != nil {
		return ScorecardVersion{}, fmt.Errorf("models: unable to read scorecard version %d: %w", id, err)
	}
	if row.ID == 0 {
		return ScorecardVersion{}, fmt.Errorf("models: scorecard version %d: %w", id, ErrNotFound)
	}
	return row.decode()
}

func createScorecard(tx *gorm.DB, a Actor, name string, card scoring.Card) (scorecardVersionRow, error) {
	if err := card.Validate(); err != nil {
		return scorecardVersionRow{}, err
	}
	b, _ := json.Marshal(card)
	var id int64
	if err := tx.Raw(`INSERT INTO scorecards (name, updated_by) VALUES (?, ?) RETURNING id`, name, nullID(a)).Scan(&id).Error; err != nil {
		return scorecardVersionRow{}, fmt.Errorf("models: unable to create scorecard: %w", err)
	}
	row := scorecardVersionRow{ScorecardID: id, Number: 1, Name: name, Card: b}
	err := tx.Raw(`INSERT INTO scorecard_versions (scorecard_id, number, card, created_by) VALUES (?, 1, ?, ?) RETURNING id`,
		id, string(b), nullID(a)).Scan(&row.ID).Error
	if err != nil {
		return row, fmt.Errorf("models: unable to create scorecard version: %w", err)
	}
	return row, audit(tx, a, "create", "scorecard", id, nil, map[string]any{"name": name, "card": card})
}
