package spotchecks

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/models/chatqa"
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

// Transcript shows one chat with its figures, computed with the shop's
// current reply limit (the stored figures serve lists and filters).
func (h *Handler) Transcript(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("spotchecks: chat id %q: %w", c.Param("id"), models.ErrNotFound)
	}
	ctx := c.Request().Context()
	t, err := h.store.ChatTranscript(ctx, id)
	if err != nil {
		return err
	}
	users, err := h.store.ListUsers(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, u := range users {
		for _, n := range u.Nicks {
			names[n] = u.Name()
		}
	}
	msgs := make([]chatqa.Message, len(t.Messages))
	for i, m := range t.Messages {
		msgs[i] = chatqa.Message{Sender: chatqa.Sender(m.Sender), AgentNick: m.AgentNick, SentAt: m.SentAt, Text: m.Body}
	}
	settings := web.Settings(c)
	rules := models.ChatRules(settings)
	figures := chatqa.Compute(msgs, rules)
	v := views.TranscriptView{T: t, Figures: figures, Limit: rules.SlowReply, Names: names,
		Flags: chatqa.DetectFlags(msgs, figures, models.ChatFlagRules(settings))}
	for _, f := range v.Flags {
		v.FlagPoints += models.FlagPoints(settings, f.Kind)
	}
	return web.Render(c, http.StatusOK, views.TranscriptPage(v))
}
