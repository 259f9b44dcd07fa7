package views

import (
	"context"
	"slices"

	"kefudesk/models"
	"kefudesk/models/scoring"
	"kefudesk/views/i18n"
)

// RoundFormView is the new-round form as typed.
type RoundFormView struct {
	Name, Day, Chats string
	Inspectors       []int64
	Choices          []models.User
	Errors           models.FieldErrors
}

// Chosen reports whether inspector id is ticked.
func (f RoundFormView) Chosen(id int64) bool { return slices.Contains(f.Inspectors, id) }

// CalibrationView is the calibration page.
type CalibrationView struct {
	Rounds []models.CalibrationRound
	Paces  []models.InspectorPace
	Form   RoundFormView
	Names  map[int64]string
}

// RoundView is one round.
type RoundView struct {
	Round       models.CalibrationRound
	Items       []models.CalibrationItem
	Names       map[int64]string
	Me          int64
	ShowResults bool
	Results     models.RoundResult
}

// RoundItemView is the blind scoring screen of one chat.
type RoundItemView struct {
	Round      models.CalibrationRound
	Item       models.CalibrationItem
	Card       models.ScorecardVersion
	Transcript TranscriptView
	Scores     []models.CalibrationScore
	Visible    bool
	CanScore   bool
	OpenedAt   int64
	Ratings    map[string]scoring.Rating
	Errors     models.FieldErrors
	Names      map[int64]string
}

// ScoreRatings decodes one inspector's ratings.
func ScoreRatings(s models.CalibrationScore) map[string]scoring.Rating {
	return models.Review{Ratings: s.Ratings}.RatingMap()
}

// AgreementName names a category of the agreement table.
func AgreementName(ctx context.Context, c models.CategoryAgreement) string {
	if i18n.Locale(ctx) == i18n.EN && c.NameEN != "" {
		return c.NameEN
	}
	return c.Name
}
