package orders

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Disputes lists disputes; an agent sees the ones that involve them.
func (h *Handler) Disputes(c echo.Context) error {
	ctx := c.Request().Context()
	status := c.QueryParam("status")
	if status != models.DisputeOpen && status != models.DisputeRuled && status != models.DisputeWithdrawn {
		status = ""
	}
	f := models.DisputeFilter{Status: status, Before: models.ParseAuditCursor(c.QueryParam("before")), UserID: onlyUser(c)}
	items, next, err := h.store.ListDisputes(ctx, f)
	if err != nil {
		return err
	}
	people, err := h.store.AgentPeople(ctx)
	if err != nil {
		return err
	}
	v := views.DisputesView{Status: status, Items: items, Next: next, People: people, Now: h.now()}
	return web.Page(c, http.StatusOK, views.DisputesPage(v), views.DisputeList(v))
}

// disputeView loads a dispute; an agent may open it only when the order
// involves them or they filed or hold it.
func (h *Handler) disputeView(c echo.Context) (views.DisputeView, error) {
	id, err := pathID(c)
	if err != nil {
		return views.DisputeView{}, err
	}
	dc, err := h.store.DisputeCase(c.Request().Context(), id)
	if err != nil {
		return views.DisputeView{}, err
	}
	u := web.User(c)
	party := dc.Dispute.ClaimantID == u.ID || slices.Contains(dc.Dispute.Holders, u.ID) || dc.Detail.Involves(u.ID)
	if u.Role == models.RoleAgent && !party {
		return views.DisputeView{}, models.ErrNotYours
	}
	now := h.now()
	return views.DisputeView{C: dc, Me: u.ID, IsManager: u.Role == models.RoleManager, Now: now, Errors: models.FieldErrors{},
		CanAnswer: u.Role == models.RoleAgent && party && dc.Dispute.Status == models.DisputeOpen && now.Before(dc.Dispute.AnswerDueAt)}, nil
}

// Dispute shows the claim, the answers, the evidence and the ruling.
func (h *Handler) Dispute(c echo.Context) error {
	v, err := h.disputeView(c)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.DisputePage(v))
}

// Answer adds the agent's side.
func (h *Handler) Answer(c echo.Context) error {
	v, err := h.disputeView(c)
	if err != nil {
		return err
	}
	err = h.store.AnswerDispute(c.Request().Context(), web.Actor(c), v.C.Dispute.ID, c.FormValue("body"), h.now())
	if errs, ok := models.AsValidation(err); ok {
		v.Errors, v.Body, v.CanAnswer = errs, c.FormValue("body"), true
		return web.Render(c, http.StatusUnprocessableEntity, views.DisputePage(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "disputes.answered_flash")); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/disputes/%d", v.C.Dispute.ID))
}

// Withdraw takes the claimant's open claim back. A stale page (the claim
// was answered or ruled meanwhile) says what happened instead.
func (h *Handler) Withdraw(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	_, err = h.store.WithdrawDispute(c.Request().Context(), web.Actor(c), id, version)
	msg := web.T(c, "disputes.withdrawn_flash")
	if fe, ok := models.AsValidation(err); ok {
		msg = views.ErrText(web.Context(c), fe["withdraw"])
	} else if ce, ok := models.AsConflict(err); ok {
		msg = views.ConflictText(web.Context(c), ce)
	} else if err != nil {
		return err
	}
	if err := web.Flash(c, msg); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/disputes/%d", id))
}

// Rule awards the order: share_<user id> percentages and a reason.
func (h *Handler) Rule(c echo.Context) error {
	v, err := h.disputeView(c)
	if err != nil {
		return err
	}
	percent, typed := map[int64]int{}, map[int64]string{}
	errs := models.FieldErrors{}
	for _, e := range v.C.Agents {
		if e.UserID == 0 {
			continue
		}
		raw := strings.TrimSpace(c.FormValue(fmt.Sprintf("share_%d", e.UserID)))
		typed[e.UserID] = raw
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			errs.Add(fmt.Sprintf("share_%d", e.UserID), "disputes.err.percent")
			continue
		}
		percent[e.UserID] = n
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	if len(errs) == 0 {
		_, err = h.store.RuleDispute(c.Request().Context(), web.Actor(c), v.C.Dispute.ID, version, percent, c.FormValue("ruling_reason"))
		if e, ok := models.AsValidation(err); ok {
			errs = e
		} else if conflict, ok := models.AsConflict(err); ok {
			v.Conflict = conflict
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 || v.Conflict != nil {
		v.Errors, v.Percent, v.RulingReason = errs, typed, c.FormValue("ruling_reason")
		v.C.Dispute.Version = version
		return web.Render(c, failStatus(v.Conflict), views.DisputePage(v))
	}
	if err := web.Flash(c, web.T(c, "disputes.ruled_flash")); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/disputes/%d", v.C.Dispute.ID))
}

// Reopen takes a ruling back to open, with a reason.
func (h *Handler) Reopen(c echo.Context) error {
	v, err := h.disputeView(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	_, err = h.store.ReopenDispute(c.Request().Context(), web.Actor(c), v.C.Dispute.ID, version, c.FormValue("reopen_reason"), h.now())
	if errs, ok := models.AsValidation(err); ok {
		v.Errors, v.ReopenReason = errs, c.FormValue("reopen_reason")
		return web.Render(c, http.StatusUnprocessableEntity, views.DisputePage(v))
	}
	if conflict, ok := models.AsConflict(err); ok {
		v.Conflict, v.ReopenReason = conflict, c.FormValue("reopen_reason")
		return web.Render(c, http.StatusConflict, views.DisputePage(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "disputes.reopened_flash")); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/disputes/%d", v.C.Dispute.ID))
}

// failStatus is 409 for a version conflict, else 422.
func failStatus(conflict *models.ConflictError) int {
	if conflict != nil {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}
