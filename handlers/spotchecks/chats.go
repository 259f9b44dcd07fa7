package spotchecks

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Chats lists conversations, filtered, newest first.
func (h *Handler) Chats(c echo.Context) error {
	loc := web.Loc(c)
	v := views.ChatsView{
		Filter: views.ChatFilterForm{
			From: c.QueryParam("from"), To: c.QueryParam("to"), Agent: c.QueryParam("agent"),
			Buyer: c.QueryParam("buyer"), MinMessages: c.QueryParam("min"), Flag: c.QueryParam("flag"),
			Slow: c.QueryParam("slow") != "", Unanswered: c.QueryParam("unanswered") != "",
		},
		Errors: models.FieldErrors{},
		Limit:  models.ChatRules(web.Settings(c)).SlowReply,
	}
	f := models.ChatFilter{
		Agent: v.Filter.Agent, Buyer: v.Filter.Buyer, SlowOnly: v.Filter.Slow, Unanswered: v.Filter.Unanswered, Flag: v.Filter.Flag,
		Before: models.ParseAuditCursor(c.QueryParam("before")),
	}
	if v.Filter.From != "" {
		d, err := time.ParseInLocation(time.DateOnly, v.Filter.From, loc)
		if err != nil {
			v.Errors.Add("from", "audit.err.date")
		}
		f.From = d
	}
	if v.Filter.To != "" {
		d, err := time.ParseInLocation(time.DateOnly, v.Filter.To, loc)
		if err != nil {
			v.Errors.Add("to", "audit.err.date")
		}
		f.To = d.AddDate(0, 0, 1)
	}
	if v.Filter.MinMessages != "" {
		n, err := strconv.Atoi(v.Filter.MinMessages)
		if err != nil || n < 0 {
			v.Errors.Add("min", "settings.err.int")
		}
		f.MinMessages = n
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		page, err := h.store.ListChats(c.Request().Context(), f)
		if err != nil {
			return err
		}
		v.Page = page
	}
	return web.Page(c, status, views.ChatsPage(v), views.ChatsSection(v))
}

// Transcript shows one chat with its figures and flags, computed with the
// shop's current settings (the stored ones serve lists and filters).
func (h *Handler) Transcript(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	screen, err := h.store.ChatScreenByID(ctx, id)
	if err != nil {
		return err
	}
	checks := models.CheckTranscript(screen.Transcript, web.Settings(c))
	names, err := h.nickNames(c)
	if err != nil {
		return err
	}
	reviews := screen.Reviews
	v := views.TranscriptView{T: checks.Transcript, Figures: checks.Figures, Flags: checks.Flags, FlagPoints: checks.Points,
		Limit: models.ChatRules(web.Settings(c)).SlowReply, Names: names, Reviews: reviews}
	return web.Render(c, http.StatusOK, views.TranscriptPage(v))
}
