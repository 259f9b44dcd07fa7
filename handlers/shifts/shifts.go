// Package shifts serves /shifts: the rota, the agents' own and team
// schedules, leave, swaps, handovers, staffing and adherence.
package shifts

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
)

// Store is what the shift pages need.
type Store interface {
	Settings(ctx context.Context) (models.Settings, error)
	RotaStaff(ctx context.Context) ([]models.User, error)
	LoadRota(ctx context.Context, start time.Time, weeks int) (models.RotaGrid, error)
	GenerateRota(ctx context.Context, a models.Actor, start time.Time, weeks int) (models.RotaGrid, error)
	PublishWeek(ctx context.Context, a models.Actor, weekStart time.Time, version int) error
	SetShift(ctx context.Context, a models.Actor, userID int64, day time.Time, shift string, version int, override bool) (models.Changed, error)
	OpenNotices(ctx context.Context, userID int64) ([]models.ShiftNotice, error)
	AcknowledgeNotices(ctx context.Context, a models.Actor) (int64, error)
	PublishedShifts(ctx context.Context, userID int64, from time.Time, days int) ([]models.ShiftDay, error)
	FairnessHistory(ctx context.Context, from, to time.Time) ([]models.FairRow, error)
	ResetCalendarToken(ctx context.Context, a models.Actor) (string, error)
	CalendarFeed(ctx context.Context, token string, now time.Time, label func(string) string) (string, error)
	RequestLeave(ctx context.Context, a models.Actor, f models.LeaveForm, today time.Time) (models.LeaveRequest, error)
	ListLeave(ctx context.Context, userID int64, limit int) ([]models.LeaveRequest, error)
	DecideLeave(ctx context.Context, a models.Actor, id int64, version int, approve bool) (models.Changed, error)
	CancelLeave(ctx context.Context, a models.Actor, id int64, version int) error
	ProposeSwap(ctx context.Context, a models.Actor, byManager bool, f models.SwapForm, today time.Time) (models.SwapRequest, error)
	ListSwaps(ctx context.Context, f models.SwapFilter) ([]models.SwapRequest, error)
	SwapCheck(ctx context.Context, r models.SwapRequest, days []time.Time) (models.Changed, error)
	RespondSwap(ctx context.Context, a models.Actor, id int64, version int, accept bool) error
	CancelSwap(ctx context.Context, a models.Actor, id int64, version int) error
	DecideSwap(ctx context.Context, a models.Actor, id int64, version int, approve bool, days []string) (models.Changed, error)
	AddHandoverItem(ctx context.Context, a models.Actor, day time.Time, f models.HandoverForm) (models.HandoverItem, error)
	OpenHandover(ctx context.Context, ownerID int64) ([]models.HandoverItem, error)
	MyShifts(ctx context.Context, userID int64, day time.Time) (models.MyShifts, error)
	HandoverBadReviewsFirst(ctx context.Context, viewer int64, day time.Time, limit int) ([]models.HandoverBadReview, int, error)
	HandoverWritten(ctx context.Context, authorID int64, day time.Time) ([]models.HandoverItem, error)
	TickHandover(ctx context.Context, a models.Actor, asManager bool, id int64, version int) (models.HandoverItem, error)
	ReadStaffingInputs(ctx context.Context, day time.Time, loc *time.Location) (models.StaffingInputs, error)
	StaffingPlanFor(ctx context.Context, day time.Time) (models.StaffingPlan, bool, error)
	SaveStaffingPlan(ctx context.Context, a models.Actor, p models.StaffingPlan, version int) error
	ScheduledByMinute(ctx context.Context, day time.Time) ([]int, error)
	CoverCandidates(ctx context.Context, day time.Time) ([]models.CoverCandidate, error)
	HandoverTakers(ctx context.Context, settings models.Settings, userID int64, now time.Time) (map[int64]bool, error)
	AddTempStaff(ctx context.Context, a models.Actor, day time.Time, f models.TempStaffForm) (models.User, error)
	DetectAdherence(ctx context.Context, a models.Actor, first, last time.Time) (int, error)
	ListAdherence(ctx context.Context, f models.AdherenceFilter) (models.AdherencePage, error)
	DecideAdherence(ctx context.Context, a models.Actor, id int64, version int, fine bool, note string) (models.AdherenceCase, error)
}

// Handler serves the shift pages.
type Handler struct {
	store Store
	now   func() time.Time
}

// New builds the handler; now is the clock (tests fix it).
func New(store Store, now func() time.Time) *Handler { return &Handler{store: store, now: now} }

var (
	manager = []models.Role{models.RoleManager}
	onRota  = []models.Role{models.RoleAgent, models.RoleQC}
	team    = []models.Role{models.RoleManager, models.RoleAgent, models.RoleQC}
)

// Register adds the routes: the manager builds, publishes and approves;
// agents and inspectors see their own and the team's schedule and ask for
// leave and swaps; admins have no part in it.
func (h *Handler) Register(r *web.Router) {
	r.Handle(http.MethodGet, "/shifts", h.Rota, manager...)
	r.Handle(http.MethodPost, "/shifts/generate", h.Generate, manager...)
	r.Handle(http.MethodPost, "/shifts/cell", h.EditCell, manager...)
	r.Handle(http.MethodPost, "/shifts/publish", h.Publish, manager...)
	r.Handle(http.MethodGet, "/shifts/me", h.Me, onRota...)
	r.Handle(http.MethodPost, "/shifts/notices/ack", h.Acknowledge, onRota...)
	r.Handle(http.MethodPost, "/shifts/calendar/reset", h.ResetCalendar, onRota...)
	r.Public(http.MethodGet, "/shifts/calendar/:token", h.Calendar)
	r.Handle(http.MethodGet, "/shifts/team", h.Team, team...)
	r.Handle(http.MethodGet, "/shifts/fairness", h.Fairness, team...)
	r.Handle(http.MethodGet, "/shifts/leave", h.Leave, team...)
	r.Handle(http.MethodPost, "/shifts/leave", h.RequestLeave, onRota...)
	r.Handle(http.MethodPost, "/shifts/leave/:id/decide", h.DecideLeave, manager...)
	r.Handle(http.MethodPost, "/shifts/leave/:id/cancel", h.CancelLeave, onRota...)
	r.Handle(http.MethodGet, "/shifts/swaps", h.Swaps, team...)
	r.Handle(http.MethodPost, "/shifts/swaps", h.ProposeSwap, team...)
	r.Handle(http.MethodPost, "/shifts/swaps/:id/respond", h.RespondSwap, onRota...)
	r.Handle(http.MethodPost, "/shifts/swaps/:id/cancel", h.CancelSwap, onRota...)
	r.Handle(http.MethodPost, "/shifts/swaps/:id/decide", h.DecideSwap, manager...)
	r.Handle(http.MethodGet, "/shifts/handover", h.Handover, team...)
	r.Handle(http.MethodPost, "/shifts/handover", h.AddHandover, team...)
	r.Handle(http.MethodPost, "/shifts/handover/:id/done", h.TickHandover, team...)
	r.Handle(http.MethodGet, "/shifts/staffing", h.Staffing, manager...)
	r.Handle(http.MethodPost, "/shifts/staffing", h.SaveStaffing, manager...)
	r.Handle(http.MethodPost, "/shifts/staffing/cover", h.CoverGap, manager...)
	r.Handle(http.MethodPost, "/shifts/staffing/temp", h.AddTempStaff, manager...)
	r.Handle(http.MethodGet, "/shifts/adherence", h.Adherence, manager...)
	r.Handle(http.MethodPost, "/shifts/adherence/detect", h.DetectAdherence, manager...)
	r.Handle(http.MethodPost, "/shifts/adherence/:id/decide", h.DecideAdherence, manager...)
}

// today is the shop-local date now.
func (h *Handler) today(c echo.Context) time.Time { return models.DayOf(h.now(), web.Loc(c)) }

func formInt(c echo.Context, name string) int {
	n, _ := strconv.Atoi(c.FormValue(name))
	return n
}

func formID(c echo.Context, name string) int64 {
	n, _ := strconv.ParseInt(c.FormValue(name), 10, 64)
	return n
}

func paramID(c echo.Context) int64 {
	n, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	return n
}
