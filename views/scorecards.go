package views

import (
	"fmt"

	"kefudesk/models"
)

// ScorecardsView lists scorecards.
type ScorecardsView struct {
	List    []models.ScorecardSummary
	Errors  models.FieldErrors
	NewName string
}

// ScorecardEditView is the editor.
type ScorecardEditView struct {
	Form     models.ScorecardForm
	Number   int
	Errors   models.FieldErrors
	Conflict *models.ConflictError
}

// RowKey names a row's field, as the form posts it.
func RowKey(i int, field string) string { return fmt.Sprintf("row_%d_%s", i, field) }
