package views

import (
	"slices"
	"time"

	"kefudesk/models"
)

// PlanFormView is the new-plan form as typed.
type PlanFormView struct {
	Form       models.PlanForm
	Errors     models.FieldErrors
	Inspectors []models.User // who may be chosen
}

// Chosen reports whether inspector id is ticked.
func (v PlanFormView) Chosen(id int64) bool { return slices.Contains(v.Form.Inspectors, id) }

// PlansView is the plans page.
type PlansView struct {
	Plans []models.SamplingPlan
	New   PlanFormView
	Names map[int64]string
}

// QueueView is an inspector's queue.
type QueueView struct {
	Items []models.QueueItem
	Now   time.Time
}
