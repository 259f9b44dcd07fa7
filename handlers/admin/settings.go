package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// commonTimeZones feed the time-zone field's suggestions; any IANA name works.
var commonTimeZones = []string{
	"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo",
	"Asia/Seoul", "Asia/Kuala_Lumpur", "Asia/Bangkok", "Europe/London", "Europe/Berlin",
	"America/Los_Angeles", "America/New_York", "Australia/Sydney", "UTC",
}

// settingsView builds the form from stored settings, or from what was typed.
func (h *Handler) settingsView(c echo.Context, s models.Settings, typed map[string]string) (views.SettingsView, error) {
	v := views.SettingsView{Version: s.Version, TimeZones: commonTimeZones}
	for _, d := range models.SettingDefs() {
		val := s.Get(d.Key)
		if typed != nil {
			val = typed[d.Key]
		}
		v.Fields = append(v.Fields, views.SettingField{Def: d, Value: val})
	}
	if s.UpdatedBy != nil {
		u, err := h.store.UserByID(c.Request().Context(), *s.UpdatedBy)
		if err != nil {
			return v, err
		}
		v.LastBy, v.LastAt = u.Name(), views.Time(web.Context(c), s.UpdatedAt)
	}
	return v, nil
}

// Settings shows the shop's settings.
func (h *Handler) Settings(c echo.Context) error {
	s, err := h.store.Settings(c.Request().Context())
	if err != nil {
		return err
	}
	v, err := h.settingsView(c, s, nil)
	if err != nil {
		return err
	}
	return web.Page(c, http.StatusOK, views.SettingsPage(v), views.SettingsForm(v))
}

// SaveSettings stores the form, or re-renders it with what was typed and
// either the fields' problems or who saved in between.
func (h *Handler) SaveSettings(c echo.Context) error {
	ctx := c.Request().Context()
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "unreadable form").SetInternal(err)
	}
	typed := map[string]string{}
	for _, d := range models.SettingDefs() {
		if vals, ok := form[d.Key]; ok && len(vals) > 0 {
			typed[d.Key] = vals[len(vals)-1] // a checkbox after its hidden "false"
		}
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	before := web.Settings(c)
	after, err := h.store.SaveSettings(ctx, web.Actor(c), version, typed)
	if err == nil {
		msg := web.T(c, "settings.saved")
		if models.ChatSettingsChanged(before, after) {
			go h.recompute()
			msg = web.T(c, "settings.saved_recompute", recomputeDays)
		}
		if err := web.Flash(c, msg); err != nil {
			return err
		}
		return web.Redirect(c, "/admin/settings")
	}
	errs, invalid := models.AsValidation(err)
	conflict, conflicted := models.AsConflict(err)
	if !invalid && !conflicted {
		return err
	}
	cur, err := h.store.Settings(ctx)
	if err != nil {
		return err
	}
	v, err := h.settingsView(c, cur, typed)
	if err != nil {
		return err
	}
	v.Errors, v.Conflict, v.Version = errs, conflict, version
	status := http.StatusUnprocessableEntity
	if conflicted {
		status = http.StatusConflict
	}
	return web.Page(c, status, views.SettingsPage(v), views.SettingsForm(v))
}

// recomputeDays is how far back a change of the automatic checks reaches
// on its own: the chats inspectors still sample and review. Older ones keep
// the figures they were imported with (`kefudesk recompute chats --days N`).
const recomputeDays = 30

// recompute refreshes the stored figures and flags of recent chats under
// the new settings, in the background: it can take minutes on a big shop.
func (h *Handler) recompute() {
	start := time.Now()
	n, err := h.store.RecomputeChats(h.bg, h.now().AddDate(0, 0, -recomputeDays))
	if err != nil {
		h.log.Error("recompute chats after settings change", "err", err, "done", n)
		return
	}
	h.log.Info("recomputed chats after settings change", "chats", n, "took", time.Since(start))
}
