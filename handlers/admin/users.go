package admin

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Users lists the shop's users; for HTMX (a live refresh) just the table.
func (h *Handler) Users(c echo.Context) error {
	v, err := h.usersView(c)
	if err != nil {
		return err
	}
	return web.Page(c, http.StatusOK, views.UsersPage(v), views.UserList(v))
}

func (h *Handler) usersView(c echo.Context) (views.UsersView, error) {
	ctx := c.Request().Context()
	us, err := h.store.ListUsers(ctx)
	if err != nil {
		return views.UsersView{}, err
	}
	unknown, err := h.store.UnknownAgentNicks(ctx, 50)
	if err != nil {
		return views.UsersView{}, err
	}
	return views.UsersView{Users: us, Unknown: unknown}, nil
}

// AssignNick gives a nick seen in chats to a user.
func (h *Handler) AssignNick(c echo.Context) error {
	id, _ := strconv.ParseInt(c.FormValue("user_id"), 10, 64)
	nick := c.FormValue("nick")
	err := h.store.AssignNick(c.Request().Context(), web.Actor(c), id, nick)
	if errs, ok := models.AsValidation(err); ok {
		v, verr := h.usersView(c)
		if verr != nil {
			return verr
		}
		for _, e := range errs {
			v.Error = web.T(c, e.Key, e.Args...)
		}
		return web.Render(c, http.StatusUnprocessableEntity, views.UsersPage(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "nicks.assigned", nick)); err != nil {
		return err
	}
	return web.Redirect(c, "/admin/users")
}

// NewUser shows an empty form, with the most common role preselected.
func (h *Handler) NewUser(c echo.Context) error {
	v := views.UserFormView{Form: models.UserForm{Role: models.RoleAgent, Team: models.TeamPresales}}
	return web.Render(c, http.StatusOK, views.UserNewPage(v))
}

// parseUserForm reads the form, keeping the nicks exactly as typed.
func parseUserForm(c echo.Context) views.UserFormView {
	v := views.UserFormView{NicksText: c.FormValue("nicks")}
	v.Form = models.UserForm{
		Username:    c.FormValue("username"),
		DisplayName: c.FormValue("display_name"),
		Role:        models.Role(c.FormValue("role")),
		Team:        models.Team(c.FormValue("team")),
		Password:    c.FormValue("password"),
		Nicks:       models.ParseNicks(v.NicksText),
	}
	v.Form.Version, _ = strconv.Atoi(c.FormValue("version"))
	return v
}

// CreateUser saves a new user or re-renders the form with what was wrong.
func (h *Handler) CreateUser(c echo.Context) error {
	v := parseUserForm(c)
	u, err := h.store.CreateUser(c.Request().Context(), web.Actor(c), v.Form)
	if errs, ok := models.AsValidation(err); ok {
		v.Errors = errs
		v.Form.Password = ""
		return web.Page(c, http.StatusUnprocessableEntity, views.UserNewPage(v), views.UserForm(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "users.created", u.Username)); err != nil {
		return err
	}
	return web.Redirect(c, "/admin/users")
}

func userID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("admin: user id %q: %w", c.Param("id"), models.ErrNotFound)
	}
	return id, nil
}

// EditUser shows a user's form.
func (h *Handler) EditUser(c echo.Context) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	u, err := h.store.UserByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.UserEditPage(views.NewUserFormView(u), views.PasswordFormView{UserID: id}))
}

// UpdateUser saves an edit. A stale version re-renders the form with what
// the admin typed and who changed the user meanwhile.
func (h *Handler) UpdateUser(c echo.Context) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cur, err := h.store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	v := parseUserForm(c)
	v.Form.ID, v.Username, v.Disabled = id, cur.Username, cur.Disabled
	u, err := h.store.UpdateUser(ctx, web.Actor(c), v.Form)
	status := http.StatusUnprocessableEntity
	if errs, ok := models.AsValidation(err); ok {
		v.Errors = errs
	} else if conflict, ok := models.AsConflict(err); ok {
		v.Conflict, status = conflict, http.StatusConflict
	} else if err != nil {
		return err
	} else {
		if err := web.Flash(c, web.T(c, "users.updated", u.Username)); err != nil {
			return err
		}
		return web.Redirect(c, "/admin/users")
	}
	return web.Page(c, status, views.UserEditPage(v, views.PasswordFormView{UserID: id}), views.UserForm(v))
}

// ResetPassword sets a new password; the user's sessions end at once.
func (h *Handler) ResetPassword(c echo.Context) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := h.store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	err = h.store.SetPassword(ctx, web.Actor(c), id, c.FormValue("password"))
	if errs, ok := models.AsValidation(err); ok {
		pw := views.PasswordFormView{UserID: id, Errors: errs}
		return web.Page(c, http.StatusUnprocessableEntity, views.UserEditPage(views.NewUserFormView(u), pw), views.PasswordForm(pw))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "users.password_set", u.Username)); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/admin/users/%d", id))
}

// SetDisabled disables or re-enables a user.
func (h *Handler) SetDisabled(c echo.Context) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := h.store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	disabled := c.FormValue("disabled") == "true"
	err = h.store.SetDisabled(ctx, web.Actor(c), id, version, disabled)
	if errs, ok := models.AsValidation(err); ok {
		v := views.NewUserFormView(u)
		v.Errors = errs
		return web.Render(c, http.StatusUnprocessableEntity, views.UserEditPage(v, views.PasswordFormView{UserID: id}))
	}
	if err != nil {
		return err
	}
	msg := web.T(c, "users.enabled_msg", u.Username)
	if disabled {
		msg = web.T(c, "users.disabled_msg", u.Username)
	}
	if err := web.Flash(c, msg); err != nil {
		return err
	}
	return web.Redirect(c, "/admin/users")
}
