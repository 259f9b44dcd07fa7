package views

import (
	"strings"

	"kefudesk/models"
)

// UserFormView is the create/edit form as the admin left it.
type UserFormView struct {
	Form      models.UserForm
	NicksText string // what was typed, kept verbatim on errors
	Errors    models.FieldErrors
	Conflict  *models.ConflictError
	Username  string // of the user being edited
	Disabled  bool
}

// NewUserFormView fills the edit form from a stored user.
func NewUserFormView(u models.User) UserFormView {
	return UserFormView{
		Form:      models.UserForm{ID: u.ID, Version: u.Version, DisplayName: u.DisplayName, Role: u.Role, Team: u.Team},
		NicksText: strings.Join(u.Nicks, "\n"),
		Username:  u.Username,
		Disabled:  u.Disabled,
	}
}

// UsersView is the user list, and the chat nicks no user has yet.
type UsersView struct {
	Users   []models.User
	Unknown []models.SeenNick
	Error   string // why an assignment failed
}

// PasswordFormView is the admin's reset-password form.
type PasswordFormView struct {
	UserID int64
	Errors models.FieldErrors
}
