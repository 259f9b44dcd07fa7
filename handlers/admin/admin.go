// Package admin serves the admin's pages: users, shop settings, audit log.
package admin

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"kefudesk/handlers/web"
	"kefudesk/models"
)

// Store is what the admin pages need from the model layer.
type Store interface {
	ListUsers(ctx context.Context) ([]models.User, error)
	UserByID(ctx context.Context, id int64) (models.User, error)
	CreateUser(ctx context.Context, a models.Actor, f models.UserForm) (models.User, error)
	UpdateUser(ctx context.Context, a models.Actor, f models.UserForm) (models.User, error)
	SetPassword(ctx context.Context, a models.Actor, id int64, password string) error
	SetDisabled(ctx context.Context, a models.Actor, id int64, version int, disabled bool) error
	Settings(ctx context.Context) (models.Settings, error)
	SaveSettings(ctx context.Context, a models.Actor, version int, input map[string]string) (models.Settings, error)
	ListAudit(ctx context.Context, f models.AuditFilter) (models.AuditPage, error)
	AuditEntities(ctx context.Context) ([]string, error)
	UnknownAgentNicks(ctx context.Context, limit int) ([]models.SeenNick, error)
	AssignNick(ctx context.Context, a models.Actor, userID int64, nick string) error
	RecomputeChats(ctx context.Context, since time.Time) (int64, error)
}

// Handler serves /admin.
type Handler struct {
	store Store
	log   *slog.Logger
	bg    context.Context // the server's lifetime, for the recompute after a settings change
	now   func() time.Time
}

// New builds the handler; now is the clock.
func New(store Store, log *slog.Logger, bg context.Context, now func() time.Time) *Handler {
	return &Handler{store: store, log: log, bg: bg, now: now}
}

// Register adds the routes; all of them are the admin's alone.
func (h *Handler) Register(r *web.Router) {
	admin := models.RoleAdmin
	r.Handle(http.MethodGet, "/admin/users", h.Users, admin)
	r.Handle(http.MethodGet, "/admin/users/new", h.NewUser, admin)
	r.Handle(http.MethodPost, "/admin/users", h.CreateUser, admin)
	r.Handle(http.MethodGet, "/admin/users/:id", h.EditUser, admin)
	r.Handle(http.MethodPost, "/admin/users/:id", h.UpdateUser, admin)
	r.Handle(http.MethodPost, "/admin/users/:id/password", h.ResetPassword, admin)
	r.Handle(http.MethodPost, "/admin/users/:id/disabled", h.SetDisabled, admin)
	r.Handle(http.MethodPost, "/admin/nicks", h.AssignNick, admin)
	r.Handle(http.MethodGet, "/admin/settings", h.Settings, admin)
	r.Handle(http.MethodPost, "/admin/settings", h.SaveSettings, admin)
	r.Handle(http.MethodGet, "/admin/audit", h.Audit, admin)
}
