// Package orders serves /orders and /disputes: the imported order report,
// who converted each order and why, disputes and their rulings, and sales
// performance.
package orders

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Store is what the order pages need.
type Store interface {
	ListOrders(ctx context.Context, f models.OrderFilter) (models.OrderPage, error)
	OrderDetail(ctx context.Context, orderID int64) (models.OrderDetail, error)
	FileDispute(ctx context.Context, a models.Actor, orderID int64, reason string, now time.Time) (models.AttributionDispute, error)
	Settings(ctx context.Context) (models.Settings, error)
	SaveSettings(ctx context.Context, a models.Actor, version int, input map[string]string) (models.Settings, error)
	UserByID(ctx context.Context, id int64) (models.User, error)
	PromotionPeriods(ctx context.Context) ([]models.PromotionPeriod, error)
	PromotionByID(ctx context.Context, id int64) (models.PromotionPeriod, error)
	SavePromotion(ctx context.Context, a models.Actor, f models.PromotionForm) (models.PromotionPeriod, error)
	DeletePromotion(ctx context.Context, a models.Actor, id int64, version int) error
	PreviewAttribution(ctx context.Context, from, to time.Time) (models.AttributionPreview, error)
	StartReapply(ctx context.Context, a models.Actor, from, to time.Time, label string) (models.ImportRun, error)
	RunReapply(ctx context.Context, a models.Actor, runID int64, from, to time.Time) error
	RecentImportRuns(ctx context.Context, kind string, limit int) ([]models.ImportRun, error)
	AgentPeople(ctx context.Context) (models.AgentPeople, error)
	SalesPerformance(ctx context.Context, from, to time.Time, loc *time.Location, userID int64) (models.SalesReport, error)
	ListDisputes(ctx context.Context, f models.DisputeFilter) ([]models.DisputeItem, models.AuditCursor, error)
	DisputeCase(ctx context.Context, id int64) (models.DisputeCase, error)
	AnswerDispute(ctx context.Context, a models.Actor, id int64, body string, now time.Time) error
	RuleDispute(ctx context.Context, a models.Actor, id int64, version int, percent map[int64]int, reason string) (models.AttributionDispute, error)
	ReopenDispute(ctx context.Context, a models.Actor, id int64, version int, reason string, now time.Time) (models.AttributionDispute, error)
	WithdrawDispute(ctx context.Context, a models.Actor, id int64, version int) (models.AttributionDispute, error)
}

// Handler serves the order pages.
type Handler struct {
	store Store
	log   *slog.Logger
	bg    context.Context // the server's lifetime: a re-apply outlives its request
	now   func() time.Time
}

// New builds the handler; now is the clock (tests fix it).
func New(store Store, log *slog.Logger, bg context.Context, now func() time.Time) *Handler {
	return &Handler{store: store, log: log, bg: bg, now: now}
}

var (
	readers = []models.Role{models.RoleManager, models.RoleQC, models.RoleAgent}
	manager = models.RoleManager
	agent   = models.RoleAgent
)

// Register adds the routes. Agents see only orders that involve them and
// their own performance; QC reads; the store manager sees all, rules and
// sets the attribution settings.
func (h *Handler) Register(r *web.Router) {
	r.Handle(http.MethodGet, "/orders", h.List, readers...)
	r.Handle(http.MethodGet, "/orders/:id", h.Detail, readers...)
	r.Handle(http.MethodPost, "/orders/:id/dispute", h.Claim, agent)
	r.Handle(http.MethodGet, "/orders/attribution", h.Attribution, manager)
	r.Handle(http.MethodPost, "/orders/attribution/settings", h.SaveSettings, manager)
	r.Handle(http.MethodPost, "/orders/attribution/apply", h.Apply, manager)
	r.Handle(http.MethodPost, "/orders/promotions", h.SavePromotion, manager)
	r.Handle(http.MethodPost, "/orders/promotions/:id/delete", h.DeletePromotion, manager)
	r.Handle(http.MethodGet, "/orders/performance", h.Performance, readers...)
	r.Handle(http.MethodGet, "/orders/performance.xlsx", h.Export, readers...)
	r.Handle(http.MethodGet, "/disputes", h.Disputes, readers...)
	r.Handle(http.MethodGet, "/disputes/:id", h.Dispute, readers...)
	r.Handle(http.MethodPost, "/disputes/:id/answer", h.Answer, agent)
	r.Handle(http.MethodPost, "/disputes/:id/withdraw", h.Withdraw, agent)
	r.Handle(http.MethodPost, "/disputes/:id/rule", h.Rule, manager)
	r.Handle(http.MethodPost, "/disputes/:id/reopen", h.Reopen, manager)
}

// List shows orders newest first, filtered by days, buyer, flag, unpaid;
// an agent sees the orders that involve them.
func (h *Handler) List(c echo.Context) error {
	loc := web.Loc(c)
	v := views.OrdersView{From: c.QueryParam("from"), To: c.QueryParam("to"), Buyer: c.QueryParam("buyer"),
		Flag: c.QueryParam("flag"), Unpaid: c.QueryParam("unpaid") != "", Errors: models.FieldErrors{},
		CanImport: web.User(c).Role == models.RoleManager}
	f := models.OrderFilter{Buyer: v.Buyer, Unpaid: v.Unpaid, Before: models.ParseAuditCursor(c.QueryParam("before"))}
	if u := web.User(c); u.Role == models.RoleAgent {
		f.Involving = u.ID
	}
	f.Flag, _ = strconv.Atoi(v.Flag)
	if v.From != "" {
		d, err := time.ParseInLocation(time.DateOnly, v.From, loc)
		if err != nil {
			v.Errors.Add("from", "audit.err.date")
		}
		f.From = d
	}
	if v.To != "" {
		d, err := time.ParseInLocation(time.DateOnly, v.To, loc)
		if err != nil {
			v.Errors.Add("to", "audit.err.date")
		}
		f.To = d.AddDate(0, 0, 1)
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		page, err := h.store.ListOrders(c.Request().Context(), f)
		if err != nil {
			return err
		}
		v.Page = page
	}
	return web.Page(c, status, views.OrdersPage(v), views.OrdersSection(v))
}

func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}
