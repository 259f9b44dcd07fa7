// Package spotchecks serves /spot-checks: imported chats, their figures and
// the chat import. Only managers and QC inspectors read chat text.
package spotchecks

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/models/scoring"
)

// Store is what these pages need from the model layer.
type Store interface {
	ListChats(ctx context.Context, f models.ChatFilter) (models.ChatPage, error)
	ChatTranscript(ctx context.Context, id int64) (models.Transcript, error)
	ListUsers(ctx context.Context) ([]models.User, error)
	CheckChat(ctx context.Context, id int64, settings models.Settings) (models.ChatChecks, error)
	ChatScreenByID(ctx context.Context, id int64) (models.ChatScreen, error)
	StartReview(ctx context.Context, a models.Actor, chatID int64, agentNick string, settings models.Settings) (models.Review, error)
	ReviewByID(ctx context.Context, id int64) (models.Review, error)
	ReviewScreenByID(ctx context.Context, id int64) (models.ReviewScreen, error)
	ScorecardVersionByID(ctx context.Context, id int64) (models.ScorecardVersion, error)
	SaveReview(ctx context.Context, a models.Actor, id int64, f models.ReviewForm, final bool) (models.Review, error)
	AddReviewComment(ctx context.Context, a models.Actor, reviewID, messageID int64, problem, suggested string) (models.ReviewComment, error)
	ReviewComments(ctx context.Context, reviewID int64) ([]models.ReviewComment, error)
	AgentReviews(ctx context.Context, agentID int64, limit int) ([]models.Review, error)
	AcknowledgeReview(ctx context.Context, a models.Actor, id int64) error
	ListPlans(ctx context.Context) ([]models.SamplingPlan, error)
	CreatePlan(ctx context.Context, a models.Actor, f models.PlanForm) (models.SamplingPlan, error)
	RunPlan(ctx context.Context, a models.Actor, planID int64, now time.Time, loc *time.Location) (models.DrawResult, error)
	InspectorQueue(ctx context.Context, inspectorID int64, limit int) ([]models.QueueItem, error)
	FileAppeal(ctx context.Context, a models.Actor, reviewID int64, proposed map[string]scoring.Rating, reasons map[string]string, now time.Time) (models.Appeal, error)
	ResolveAppeal(ctx context.Context, a models.Actor, appealID int64, version int, accepted map[string]bool, reason string) (models.Appeal, error)
	OpenAppeals(ctx context.Context, limit int) ([]models.OpenAppeal, error)
	Quality(ctx context.Context, from, to time.Time, loc *time.Location, passMark int) (models.QualityReport, error)
	ReviewsForExport(ctx context.Context, from, to time.Time) ([]models.ReviewExportRow, error)
	SearchReplies(ctx context.Context, q string, before int64, limit int) ([]models.ReplyEntry, error)
	TeachingCases(ctx context.Context, from, to time.Time) ([]models.TeachingCase, error)
	ListScorecards(ctx context.Context) ([]models.ScorecardSummary, error)
	LatestScorecard(ctx context.Context, id int64) (models.ScorecardVersion, int, error)
	SaveScorecard(ctx context.Context, a models.Actor, f models.ScorecardForm) (models.ScorecardVersion, error)
	CopyScorecard(ctx context.Context, a models.Actor, fromID int64, name string) (int64, error)
	ActivateScorecard(ctx context.Context, a models.Actor, id int64) error
	StartRound(ctx context.Context, a models.Actor, f models.RoundForm) (models.CalibrationRound, error)
	ListRounds(ctx context.Context) ([]models.CalibrationRound, error)
	RoundByID(ctx context.Context, id int64) (models.CalibrationRound, error)
	RoundItems(ctx context.Context, roundID, inspectorID int64) ([]models.CalibrationItem, error)
	ScoreCalibration(ctx context.Context, a models.Actor, itemID int64, ratings map[string]scoring.Rating, openedAt time.Time) error
	ItemScores(ctx context.Context, itemID, asking int64) ([]models.CalibrationScore, bool, error)
	CloseRound(ctx context.Context, a models.Actor, id int64) error
	RoundResults(ctx context.Context, r models.CalibrationRound) (models.RoundResult, error)
	InspectorPaces(ctx context.Context, from, to time.Time) ([]models.InspectorPace, error)
	AgentRates(ctx context.Context, from, to time.Time) ([]models.AgentRate, float64, error)
}

// Handler serves the spot-check pages.
type Handler struct {
	store Store
	log   *slog.Logger
	bg    context.Context // the server's lifetime: imports outlive the upload request
	now   func() time.Time
}

// New builds the handler; now is the clock.
func New(store Store, log *slog.Logger, bg context.Context, now func() time.Time) *Handler {
	return &Handler{store: store, log: log, bg: bg, now: now}
}

// Register adds the routes: managers and QC inspectors only.
func (h *Handler) Register(r *web.Router) {
	roles := []models.Role{models.RoleManager, models.RoleQC}
	r.Handle(http.MethodGet, "/spot-checks", func(c echo.Context) error {
		return c.Redirect(http.StatusSeeOther, "/spot-checks/chats")
	}, roles...)
	r.Handle(http.MethodGet, "/spot-checks/chats", h.Chats, roles...)
	r.Handle(http.MethodGet, "/spot-checks/chats/:id", h.Transcript, roles...)
	r.Handle(http.MethodPost, "/spot-checks/chats/:id/reviews", h.StartReview, roles...)
	r.Handle(http.MethodGet, "/spot-checks/reviews/:rid", h.Review, models.RoleManager, models.RoleQC, models.RoleAgent)
	r.Handle(http.MethodPost, "/spot-checks/reviews/:rid/draft", h.SaveDraft, roles...)
	r.Handle(http.MethodPost, "/spot-checks/reviews/:rid/submit", h.Submit, roles...)
	r.Handle(http.MethodPost, "/spot-checks/reviews/:rid/comments", h.AddComment, roles...)
	r.Handle(http.MethodPost, "/spot-checks/reviews/:rid/ack", h.Acknowledge, models.RoleAgent)
	r.Handle(http.MethodGet, "/spot-checks/mine", h.Mine, models.RoleAgent)
	r.Handle(http.MethodGet, "/spot-checks/plans", h.Plans, roles...)
	r.Handle(http.MethodPost, "/spot-checks/plans", h.CreatePlan, roles...)
	r.Handle(http.MethodPost, "/spot-checks/plans/:id/run", h.RunPlan, roles...)
	r.Handle(http.MethodGet, "/spot-checks/queue", h.Queue, roles...)
	r.Handle(http.MethodPost, "/spot-checks/reviews/:rid/appeal", h.FileAppeal, models.RoleAgent)
	r.Handle(http.MethodPost, "/spot-checks/reviews/:rid/resolve", h.ResolveAppeal, roles...)
	r.Handle(http.MethodGet, "/spot-checks/appeals", h.Appeals, roles...)
	r.Handle(http.MethodGet, "/spot-checks/quality", h.Quality, roles...)
	r.Handle(http.MethodGet, "/spot-checks/reception", h.Reception, roles...)
	r.Handle(http.MethodGet, "/spot-checks/quality.xlsx", h.QualityExport, roles...)
	r.Handle(http.MethodGet, "/spot-checks/replies", h.Replies, models.RoleManager, models.RoleQC, models.RoleAgent)
	r.Handle(http.MethodGet, "/spot-checks/cases", h.Cases, roles...)
	r.Handle(http.MethodGet, "/spot-checks/scorecards", h.Scorecards, roles...)
	r.Handle(http.MethodPost, "/spot-checks/scorecards", h.CopyScorecard, roles...)
	r.Handle(http.MethodGet, "/spot-checks/scorecards/:id", h.EditScorecard, roles...)
	r.Handle(http.MethodPost, "/spot-checks/scorecards/:id", h.SaveScorecard, roles...)
	r.Handle(http.MethodPost, "/spot-checks/scorecards/:id/activate", h.ActivateScorecard, roles...)
	r.Handle(http.MethodGet, "/spot-checks/calibration", h.Calibration, roles...)
	r.Handle(http.MethodPost, "/spot-checks/calibration", h.StartRound, roles...)
	r.Handle(http.MethodGet, "/spot-checks/calibration/:id", h.Round, roles...)
	r.Handle(http.MethodPost, "/spot-checks/calibration/:id/close", h.CloseRound, models.RoleManager)
	r.Handle(http.MethodGet, "/spot-checks/calibration/:id/items/:item", h.RoundItem, roles...)
	r.Handle(http.MethodPost, "/spot-checks/calibration/:id/items/:item", h.ScoreItem, roles...)
}
