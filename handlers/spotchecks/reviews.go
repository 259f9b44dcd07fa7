package spotchecks

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/models/scoring"
	"kefudesk/views"
)

// StartReview opens (or creates) the review of one agent in a chat.
func (h *Handler) StartReview(c echo.Context) error {
	chatID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := h.store.StartReview(c.Request().Context(), web.Actor(c), chatID, c.FormValue("agent"), web.Settings(c))
	if err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/spot-checks/reviews/%d", r.ID))
}

// Review shows the review screen: the transcript beside the scorecard. An
// inspector edits their draft; others (and the agent, once submitted) read.
func (h *Handler) Review(c echo.Context) error {
	v, err := h.reviewView(c)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.ReviewPage(v))
}

func (h *Handler) reviewView(c echo.Context) (views.ReviewView, error) {
	id, err := pathID(c, "rid")
	if err != nil {
		return views.ReviewView{}, err
	}
	ctx := c.Request().Context()
	screen, err := h.store.ReviewScreenByID(ctx, id)
	if err != nil {
		return views.ReviewView{}, err
	}
	r, card := screen.Review, screen.Card
	u := web.User(c)
	if u.Role == models.RoleAgent && (r.AgentID == nil || *r.AgentID != u.ID || !r.Submitted()) {
		// Agents see their own finished reviews only; to anyone else this review does not exist.
		return views.ReviewView{}, fmt.Errorf("spotchecks: review %d for agent %d: %w", id, u.ID, models.ErrNotFound)
	}
	checks := models.CheckTranscript(screen.Transcript, web.Settings(c))
	comments := screen.Comments
	names, byID, err := h.people(c)
	if err != nil {
		return views.ReviewView{}, err
	}
	v := views.ReviewView{
		Review: r, Card: card, Ratings: r.RatingMap(), Summary: r.Summary, Teaching: r.Teaching, TeachingNote: r.TeachingNote,
		Transcript: views.TranscriptView{T: checks.Transcript, Figures: checks.Figures, Flags: checks.Flags, FlagPoints: checks.Points,
			Limit: models.ChatRules(web.Settings(c)).SlowReply, Names: names},
		Comments: map[int64][]models.ReviewComment{},
		Editable: !r.Submitted() && r.InspectorID == u.ID,
		IsAgent:  u.Role == models.RoleAgent,
		PassMark: web.Settings(c).Int(models.SettingPassMark),
	}
	for _, cm := range comments {
		v.Comments[cm.MessageID] = append(v.Comments[cm.MessageID], cm)
	}
	v.Appeal = screen.Appeal
	v.AppealDeadline = models.AppealDeadline(r, web.Settings(c))
	v.CanAppeal = v.IsAgent && v.Appeal == nil && r.Submitted() && !h.now().After(v.AppealDeadline)
	v.CanResolve = !v.IsAgent && v.Appeal != nil && v.Appeal.Open() && r.InspectorID != u.ID
	v.Names = byID
	return v, nil
}

// parseReviewForm reads ratings as rating_<category id> = value or "na".
func parseReviewForm(c echo.Context, card scoring.Card) models.ReviewForm {
	f := models.ReviewForm{Ratings: map[string]scoring.Rating{}, Summary: c.FormValue("summary"),
		Teaching: c.FormValue("teaching"), TeachingNote: c.FormValue("teaching_note")}
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	for _, cat := range card.Categories() {
		raw := strings.TrimSpace(c.FormValue("rating_" + cat.ID))
		switch {
		case raw == "":
		case raw == "na":
			f.Ratings[cat.ID] = scoring.Rating{NA: true}
		default:
			n, err := strconv.Atoi(raw)
			if err != nil {
				n = -1 // out of every scale: reported as out of range
			}
			f.Ratings[cat.ID] = scoring.Rating{Value: n}
		}
	}
	return f
}

// SaveDraft autosaves as the inspector rates (HTMX on every change) and
// answers with the save state and the new version.
func (h *Handler) SaveDraft(c echo.Context) error { return h.save(c, false) }

// Submit finishes the review: every category rated or N/A, score computed.
func (h *Handler) Submit(c echo.Context) error { return h.save(c, true) }

func (h *Handler) save(c echo.Context, final bool) error {
	// Autosave runs on every change: it loads only the review and its card.
	// The whole screen is built only to show an error.
	r, card, err := h.draft(c)
	if err != nil {
		return err
	}
	f := parseReviewForm(c, card.Card)
	saved, err := h.store.SaveReview(c.Request().Context(), web.Actor(c), r.ID, f, final)
	errs, invalid := models.AsValidation(err)
	conflict, conflicted := models.AsConflict(err)
	if invalid || conflicted {
		v, verr := h.reviewView(c)
		if verr != nil {
			return verr
		}
		v.Ratings, v.Summary, v.Teaching, v.TeachingNote = f.Ratings, f.Summary, f.Teaching, f.TeachingNote
		v.Errors, v.Conflict, v.Review.Version = errs, conflict, f.Version
		status := http.StatusUnprocessableEntity
		if conflicted {
			status = http.StatusConflict
		}
		return web.Page(c, status, views.ReviewPage(v), views.ScorePanel(v))
	}
	if err != nil {
		return err
	}
	if !final {
		return web.Render(c, http.StatusOK, views.SaveState(saved))
	}
	if err := web.Flash(c, web.T(c, "reviews.submitted", views.Percent(saved.Score))); err != nil {
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/spot-checks/reviews/%d", saved.ID))
}

// draft loads a review its inspector may still change, and its scorecard.
func (h *Handler) draft(c echo.Context) (models.Review, models.ScorecardVersion, error) {
	id, err := pathID(c, "rid")
	if err != nil {
		return models.Review{}, models.ScorecardVersion{}, err
	}
	ctx := c.Request().Context()
	r, err := h.store.ReviewByID(ctx, id)
	if err != nil {
		return r, models.ScorecardVersion{}, err
	}
	if r.InspectorID != web.User(c).ID || r.Submitted() {
		return r, models.ScorecardVersion{}, models.ErrNotYours
	}
	card, err := h.store.ScorecardVersionByID(ctx, r.ScorecardVersionID)
	return r, card, err
}

// AddComment notes what was wrong at a message and what to say instead,
// while the review is a draft. HTMX gets that message's comments back.
func (h *Handler) AddComment(c echo.Context) error {
	r, _, err := h.draft(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	msgID, _ := strconv.ParseInt(c.FormValue("message_id"), 10, 64)
	_, err = h.store.AddReviewComment(ctx, web.Actor(c), r.ID, msgID, c.FormValue("problem"), c.FormValue("suggested_reply"))
	errs, invalid := models.AsValidation(err)
	if err != nil && !invalid {
		return err
	}
	if !web.Partial(c) && !invalid {
		return web.Redirect(c, fmt.Sprintf("/spot-checks/reviews/%d#m%d", r.ID, msgID))
	}
	all, err := h.store.ReviewComments(ctx, r.ID)
	if err != nil {
		return err
	}
	block := views.CommentBlock{MessageID: msgID, Editable: true, ReviewID: r.ID}
	for _, cm := range all {
		if cm.MessageID == msgID {
			block.Comments = append(block.Comments, cm)
		}
	}
	status := http.StatusOK
	if invalid {
		status = http.StatusUnprocessableEntity
		block.Errors, block.Problem, block.Suggested = errs, c.FormValue("problem"), c.FormValue("suggested_reply")
	}
	if web.Partial(c) {
		return web.Render(c, status, views.Comments(block))
	}
	v, err := h.reviewView(c)
	if err != nil {
		return err
	}
	v.Pending = &block
	return web.Render(c, status, views.ReviewPage(v))
}

// Acknowledge records that the agent read the review.
func (h *Handler) Acknowledge(c echo.Context) error {
	id, err := pathID(c, "rid")
	if err != nil {
		return err
	}
	if err := h.store.AcknowledgeReview(c.Request().Context(), web.Actor(c), id); err != nil {
		if errors.Is(err, models.ErrNotYours) {
			return fmt.Errorf("spotchecks: acknowledge review %d: %w", id, models.ErrNotFound)
		}
		return err
	}
	return web.Redirect(c, fmt.Sprintf("/spot-checks/reviews/%d", id))
}

// Mine lists the agent's own finished reviews.
func (h *Handler) Mine(c echo.Context) error {
	u := web.User(c)
	rs, err := h.store.AgentReviews(c.Request().Context(), u.ID, 100)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.MyReviewsPage(views.MyReviewsView{Reviews: rs, PassMark: web.Settings(c).Int(models.SettingPassMark)}))
}

// people reads the users once and returns names by nick (for chats) and by
// id (for inspectors and resolvers).
func (h *Handler) people(c echo.Context) (byNick map[string]string, byID map[int64]string, err error) {
	users, err := h.store.ListUsers(c.Request().Context())
	if err != nil {
		return nil, nil, err
	}
	byNick, byID = map[string]string{}, map[int64]string{}
	for _, u := range users {
		byID[u.ID] = u.Name()
		for _, n := range u.Nicks {
			byNick[n] = u.Name()
		}
	}
	return byNick, byID, nil
}

func (h *Handler) nickNames(c echo.Context) (map[string]string, error) {
	byNick, _, err := h.people(c)
	return byNick, err
}

func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("spotchecks: %s %q: %w", name, c.Param(name), models.ErrNotFound)
	}
	return id, nil
}
