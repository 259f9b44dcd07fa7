package spotchecks

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Calibration lists rounds, inspectors' pace, and starts a round.
func (h *Handler) Calibration(c echo.Context) error {
	v, err := h.calibrationView(c, views.RoundFormView{Chats: "5", Day: h.now().In(web.Loc(c)).AddDate(0, 0, -1).Format(time.DateOnly)})
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.CalibrationPage(v))
}

func (h *Handler) calibrationView(c echo.Context, form views.RoundFormView) (views.CalibrationView, error) {
	ctx := c.Request().Context()
	rounds, err := h.store.ListRounds(ctx)
	if err != nil {
		return views.CalibrationView{}, err
	}
	now := h.now()
	paces, err := h.store.InspectorPaces(ctx, now.AddDate(0, 0, -30), now.Add(time.Minute))
	if err != nil {
		return views.CalibrationView{}, err
	}
	v := views.CalibrationView{Rounds: rounds, Paces: paces, Form: form}
	v.Names, v.Form.Choices, err = h.inspectors(c)
	return v, err
}

// StartRound creates a round from a day's chats.
func (h *Handler) StartRound(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "unreadable form").SetInternal(err)
	}
	fv := views.RoundFormView{Name: form.Get("name"), Day: form.Get("day"), Chats: form.Get("chats")}
	f := models.RoundForm{Name: fv.Name}
	f.Chats, _ = strconv.Atoi(fv.Chats)
	if d, err := time.ParseInLocation(time.DateOnly, fv.Day, web.Loc(c)); err == nil {
		f.Day = d
	}
	for _, s := range form["inspectors"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			f.Inspectors = append(f.Inspectors, id)
			fv.Inspectors = append(fv.Inspectors, id)
		}
	}
	r, err := h.store.StartRound(c.Request().Context(), web.Actor(c), f)
	if errs, ok := models.AsValidation(err); ok {
		fv.Errors = errs
		v, err := h.calibrationView(c, fv)
		if err != nil {
			return err
		}
		return web.Page(c, http.StatusUnprocessableEntity, views.CalibrationPage(v), views.RoundForm(v))
	}
	if err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/spot-checks/calibration/%d", r.ID))
}

// Round shows a round's chats and, once the asking inspector has scored
// them all or the round is closed, the agreement figures.
func (h *Handler) Round(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := h.store.RoundByID(ctx, id)
	if err != nil {
		return err
	}
	items, err := h.store.RoundItems(ctx, id, web.User(c).ID)
	if err != nil {
		return err
	}
	names, err := h.userNames(c)
	if err != nil {
		return err
	}
	v := views.RoundView{Round: r, Items: items, Names: names, Me: web.User(c).ID}
	v.ShowResults = r.Closed
	if !r.Closed {
		v.ShowResults = len(items) > 0
		for _, it := range items {
			v.ShowResults = v.ShowResults && it.Mine
		}
	}
	if v.ShowResults {
		if v.Results, err = h.store.RoundResults(ctx, r); err != nil {
			return err
		}
	}
	return web.Render(c, http.StatusOK, views.RoundPage(v))
}

// CloseRound reveals every score to everyone.
func (h *Handler) CloseRound(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.CloseRound(c.Request().Context(), web.Actor(c), id); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/spot-checks/calibration/%d", id))
}

// RoundItem is the blind scoring screen, or the side-by-side scores once
// the inspector has scored it.
func (h *Handler) RoundItem(c echo.Context) error {
	v, err := h.roundItemView(c)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.RoundItemPage(v))
}

func (h *Handler) roundItemView(c echo.Context) (views.RoundItemView, error) {
	itemID, err := pathID(c, "item")
	if err != nil {
		return views.RoundItemView{}, err
	}
	ctx := c.Request().Context()
	roundID, err := pathID(c, "id")
	if err != nil {
		return views.RoundItemView{}, err
	}
	r, err := h.store.RoundByID(ctx, roundID)
	if err != nil {
		return views.RoundItemView{}, err
	}
	items, err := h.store.RoundItems(ctx, roundID, web.User(c).ID)
	if err != nil {
		return views.RoundItemView{}, err
	}
	var item *models.CalibrationItem
	for i := range items {
		if items[i].ID == itemID {
			item = &items[i]
		}
	}
	if item == nil {
		return views.RoundItemView{}, fmt.Errorf("spotchecks: item %d of round %d: %w", itemID, roundID, models.ErrNotFound)
	}
	card, err := h.store.ScorecardVersionByID(ctx, r.ScorecardVersionID)
	if err != nil {
		return views.RoundItemView{}, err
	}
	checks, err := h.store.CheckChat(ctx, item.ConversationID, web.Settings(c))
	if err != nil {
		return views.RoundItemView{}, err
	}
	scores, visible, err := h.store.ItemScores(ctx, itemID, web.User(c).ID)
	if err != nil {
		return views.RoundItemView{}, err
	}
	nicks, names, err := h.people(c)
	if err != nil {
		return views.RoundItemView{}, err
	}
	return views.RoundItemView{Round: r, Item: *item, Card: card, Scores: scores, Visible: visible, Names: names,
		Transcript: views.TranscriptView{T: checks.Transcript, Figures: checks.Figures, Flags: checks.Flags,
			Limit: models.ChatRules(web.Settings(c)).SlowReply, Names: nicks},
		CanScore: !item.Mine && !r.Closed && r.HasInspector(web.User(c).ID), OpenedAt: h.now().Unix()}, nil
}

// ScoreItem stores the inspector's blind score.
func (h *Handler) ScoreItem(c echo.Context) error {
	v, err := h.roundItemView(c)
	if err != nil {
		return err
	}
	f := parseReviewForm(c, v.Card.Card)
	opened := time.Unix(0, 0)
	if s, err := strconv.ParseInt(c.FormValue("opened_at"), 10, 64); err == nil {
		opened = time.Unix(s, 0)
	}
	err = h.store.ScoreCalibration(c.Request().Context(), web.Actor(c), v.Item.ID, f.Ratings, opened)
	if errs, ok := models.AsValidation(err); ok {
		v.Errors, v.Ratings = errs, f.Ratings
		return web.Render(c, http.StatusUnprocessableEntity, views.RoundItemPage(v))
	}
	if err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/spot-checks/calibration/%d/items/%d", v.Round.ID, v.Item.ID))
}
