package badreviews

import (
	"cmp"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/models/orderfile"
	"kefudesk/views"
)

// caseView loads a case the user may see, with what its forms need.
func (h *Handler) caseView(c echo.Context) (views.BadReviewCaseView, error) {
	ctx := c.Request().Context()
	id, err := paramID(c)
	if err != nil {
		return views.BadReviewCaseView{}, err
	}
	b, err := h.store.BadReviewByID(ctx, id)
	if err != nil {
		return views.BadReviewCaseView{}, err
	}
	if !maySee(c, b) {
		if ok, err := h.handedToMe(c, b.ID); err != nil || !ok {
			return views.BadReviewCaseView{}, cmp.Or(err, models.ErrNotYours)
		}
	}
	u := web.User(c)
	v := views.BadReviewCaseView{Case: b, Settings: web.Settings(c), Now: h.now(),
		CanAssign: u.Role == models.RoleManager, CanReopen: u.Role == models.RoleManager,
		CanWork: u.Role == models.RoleManager || u.Role == models.RoleAgent && b.AgentID != nil && *b.AgentID == u.ID,
		CanTake: mayTake(c) && b.Status == models.BadReviewNew,
		Contact: views.ContactInput{Channel: "wangwang", ContactedAt: h.now().In(web.Loc(c)).Format("2006-01-02T15:04"), Reached: true},
		Details: views.DetailsInput{Causes: b.Causes, Item: b.Item, OrderNo: b.OrderNo}}
	if b.ServedBy != nil {
		v.Details.ServedBy = strconv.FormatInt(*b.ServedBy, 10)
	}
	if v.Order, err = h.store.CaseOrder(ctx, b.OrderNo); err != nil {
		return v, err
	}
	if v.Contacts, err = h.store.BadReviewContacts(ctx, id); err != nil {
		return v, err
	}
	if v.Names, err = h.names(ctx); err != nil {
		return v, err
	}
	if v.Agents, err = h.store.CaseAgents(ctx); err != nil {
		return v, err
	}
	duty, err := h.store.DutyAt(ctx, v.Settings, v.Now)
	if err != nil {
		return v, err
	}
	if s, ok := models.SuggestAgents([]models.BadReview{{ID: b.ID, Status: models.BadReviewNew, ServedBy: b.ServedBy}}, v.Agents, duty)[b.ID]; ok {
		v.Suggested = s
	}
	return v, nil
}

// handedToMe reports whether the case is in the agent's shift handover (a
// team-mate's case while they are off): the agent may read it, not work it.
func (h *Handler) handedToMe(c echo.Context, id int64) (bool, error) {
	return h.store.HandedTo(c.Request().Context(), web.User(c).ID, models.DayOf(h.now(), web.Loc(c)), id)
}

// Case shows one case.
func (h *Handler) Case(c echo.Context) error {
	v, err := h.caseView(c)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.BadReviewCasePage(v))
}

// version reads the version the form was loaded with (from the query for
// the board's one-click buttons, else from the form).
func version(c echo.Context, id int64) models.CaseVersion {
	s := c.QueryParam("v")
	if s == "" {
		s = c.FormValue("version")
	}
	n, _ := strconv.Atoi(s)
	return models.CaseVersion{ID: id, Version: n}
}

// done answers a successful change: a flash and back to the case, or to
// the board for the board's buttons.
func (h *Handler) done(c echo.Context, id int64, key string) error {
	if err := web.Flash(c, web.T(c, key)); err != nil {
		return err
	}
	if c.QueryParam("v") != "" {
		return web.Redirect(c, backToBoard(c))
	}
	return web.Redirect(c, views.CaseURL(id))
}

// failed re-renders the case with form's errors (422) or conflict (409),
// keeping what was typed (fill sets it on the fresh view); other errors go
// to the error handler.
func (h *Handler) failed(c echo.Context, err error, form string, fill func(*views.BadReviewCaseView)) error {
	errs, invalid := models.AsValidation(err)
	conflict, conflicted := models.AsConflict(err)
	if !invalid && !conflicted {
		return err
	}
	v, verr := h.caseView(c)
	if verr != nil {
		return verr
	}
	v.Form, v.Errors, v.Conflict = form, errs, conflict
	// The page shown is the case: its "reload" link must lead there.
	c.Request().URL.Path = views.CaseURL(v.Case.ID)
	if fill != nil {
		fill(&v)
	}
	status := http.StatusUnprocessableEntity
	if conflicted {
		status = http.StatusConflict
	}
	return web.Render(c, status, views.BadReviewCasePage(v))
}

// Assign gives the case to an agent (the form's choice or the board's suggestion).
func (h *Handler) Assign(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	raw := c.QueryParam("suggest")
	if raw == "" {
		raw = c.FormValue("agent_id")
	}
	agentID, _ := strconv.ParseInt(raw, 10, 64)
	err = h.store.AssignBadReviews(c.Request().Context(), web.Actor(c), []models.CaseVersion{version(c, id)}, agentID, h.now())
	if err != nil {
		return h.failed(c, err, "assign", nil)
	}
	return h.done(c, id, "badreviews.assigned")
}

// Take lets an agent take a new case, when the shop allows.
func (h *Handler) Take(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	err = h.store.TakeBadReview(c.Request().Context(), web.Actor(c), version(c, id), h.now())
	_, invalid := models.AsValidation(err)
	_, conflicted := models.AsConflict(err)
	if invalid || conflicted {
		// Someone was quicker: say so on the board, which shows who has it now.
		if err := web.Flash(c, web.T(c, "badreviews.err.taken")); err != nil {
			return err
		}
		return web.Redirect(c, "/reviews")
	}
	if err != nil {
		return err
	}
	return web.Redirect(c, views.CaseURL(id))
}

// Contact logs an attempt to reach the buyer.
func (h *Handler) Contact(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	in := views.ContactInput{Channel: c.FormValue("channel"), ContactedAt: c.FormValue("contacted_at"), Offer: c.FormValue("offer"),
		OfferYuan: c.FormValue("offer_yuan"), Answer: c.FormValue("answer"), Note: c.FormValue("note"), Reached: c.FormValue("reached") != ""}
	f := models.ContactForm{Channel: in.Channel, Offer: in.Offer, Answer: in.Answer, Note: in.Note, Reached: in.Reached}
	errs := models.FieldErrors{}
	if t, err := time.ParseInLocation("2006-01-02T15:04", in.ContactedAt, web.Loc(c)); err == nil {
		f.ContactedAt = t
	}
	if f.OfferFen, err = orderfile.Fen(in.OfferYuan); err != nil {
		errs.Add("offer_yuan", "badreviews.err.money")
	}
	if err = errs.Err(); err == nil {
		err = h.store.LogContact(c.Request().Context(), web.Actor(c), id, f, h.now())
	}
	if err != nil {
		return h.failed(c, err, "contact", func(v *views.BadReviewCaseView) { v.Contact = in })
	}
	return h.done(c, id, "badreviews.contact_logged")
}

// Escalate sends the case to the store manager.
func (h *Handler) Escalate(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("escalation")
	if err := h.store.EscalateBadReview(c.Request().Context(), web.Actor(c), version(c, id), reason); err != nil {
		return h.failed(c, err, "escalate", func(v *views.BadReviewCaseView) { v.Reason = reason })
	}
	return h.done(c, id, "badreviews.escalated")
}

// Result hands in the case's result.
func (h *Handler) Result(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	in := views.ResultInput{Outcome: c.FormValue("outcome"), FinalRating: c.FormValue("final_rating"),
		CompensationYuan: c.FormValue("compensation_yuan"), Account: c.FormValue("account")}
	f := models.ResultForm{Outcome: in.Outcome, FinalRating: in.FinalRating, Account: in.Account}
	if f.CompensationFen, err = orderfile.Fen(in.CompensationYuan); err != nil {
		err = models.Invalid("compensation_yuan", "badreviews.err.money")
	} else {
		err = h.store.HandInResult(c.Request().Context(), web.Actor(c), version(c, id), f, h.now())
	}
	if err != nil {
		return h.failed(c, err, "result", func(v *views.BadReviewCaseView) { v.Result = in })
	}
	return h.done(c, id, "badreviews.result_saved")
}

// Reopen opens a closed case again (managers).
func (h *Handler) Reopen(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reopen_reason")
	if err := h.store.ReopenBadReview(c.Request().Context(), web.Actor(c), version(c, id), reason, h.now()); err != nil {
		return h.failed(c, err, "reopen", func(v *views.BadReviewCaseView) { v.Reason = reason })
	}
	return h.done(c, id, "badreviews.reopened")
}

// Details saves the cause tags, item, order and serving agent.
func (h *Handler) Details(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	in := views.DetailsInput{Causes: form["causes"], Item: form.Get("item"), OrderNo: form.Get("order_no"), ServedBy: form.Get("served_by")}
	d := models.CaseDetails{Causes: in.Causes, Item: in.Item, OrderNo: in.OrderNo}
	if in.ServedBy != "" {
		n, perr := strconv.ParseInt(in.ServedBy, 10, 64)
		if perr != nil {
			n = -1
		}
		d.ServedBy = &n
	}
	if err := h.store.SaveCaseDetails(c.Request().Context(), web.Actor(c), version(c, id), d); err != nil {
		return h.failed(c, err, "details", func(v *views.BadReviewCaseView) { v.Details = in })
	}
	return h.done(c, id, "badreviews.details_saved")
}
