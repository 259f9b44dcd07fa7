package views

import (
	"time"

	"kefudesk/models"
	"kefudesk/models/rota"
)

// LeaveView is the leave page: the agent's form and requests, or every
// request for the manager to decide.
type LeaveView struct {
	Manager  bool
	Form     models.LeaveForm
	Errors   models.FieldErrors
	Requests []models.LeaveRequest
}

// SwapsView is the swap page.
type SwapsView struct {
	Manager  bool
	UserID   int64
	Staff    []models.User
	Types    []rota.ShiftType
	Days     []time.Time       // days offered in the form
	Mine     map[string]string // my published shift by day, for the form's labels
	Form     models.SwapForm
	Errors   models.FieldErrors
	Broken   []rota.Violation // rules a refused request would break
	BrokenAt time.Time
	Requests []models.SwapRequest
	Checks   map[int64][]rota.Violation // manager: what approving all days now would break
	CheckAt  map[int64]time.Time
	Stale    map[int64]string // why a request's days no longer fit the rota
	Names    map[int64]string
}

// Chosen reports whether day d was ticked in the form.
func (v SwapsView) Chosen(d time.Time) bool {
	for _, s := range v.Form.Days {
		if s == DayParam(d) {
			return true
		}
	}
	return false
}
