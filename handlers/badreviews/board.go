package badreviews

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// boardView reads the board under the filter in the query.
func (h *Handler) boardView(c echo.Context) (views.BadReviewBoardView, error) {
	ctx := c.Request().Context()
	u := web.User(c)
	v := views.BadReviewBoardView{Status: c.QueryParam("status"), Agent: c.QueryParam("agent"), Cause: c.QueryParam("cause"),
		Item: c.QueryParam("item"), Due: c.QueryParam("due"), Settings: web.Settings(c), Now: h.now(),
		CanAssign: u.Role == models.RoleManager, CanTake: mayTake(c), Errors: models.FieldErrors{}}
	if v.Status != "" && v.Status != "open" && !slices.Contains(models.BadReviewStatuses, v.Status) {
		v.Status = ""
	}
	if !slices.Contains(models.BadReviewCauses, v.Cause) {
		v.Cause = ""
	}
	if v.Due != models.DueToday && v.Due != models.DueOverdue {
		v.Due = ""
	}
	f := models.BadReviewFilter{Status: v.Status, Cause: v.Cause, Item: v.Item, Due: v.Due, Now: v.Now, Loc: web.Loc(c),
		Before: models.ParseAuditCursor(c.QueryParam("before"))}
	f.AgentID, _ = strconv.ParseInt(v.Agent, 10, 64)
	if u.Role == models.RoleAgent {
		f.Viewer, f.Unassigned, f.AgentID = u.ID, v.CanTake, 0
	}
	board, err := h.store.ListBadReviewBoard(ctx, f, u.Role != models.RoleAgent)
	if err != nil {
		return v, err
	}
	v.Page, v.Items, v.Agents = board.BadReviewPage, board.Items, board.Agents
	if v.Names, err = h.names(ctx); err != nil {
		return v, err
	}
	if u.Role != models.RoleAgent {
		duty, err := h.store.DutyAt(ctx, v.Settings, v.Now)
		if err != nil {
			return v, err
		}
		v.Suggested = models.SuggestAgents(v.Page.Cases, v.Agents, duty)
	}
	return v, nil
}

// Board shows the cases by status with filters; HTMX gets the section.
func (h *Handler) Board(c echo.Context) error {
	v, err := h.boardView(c)
	if err != nil {
		return err
	}
	return web.Page(c, http.StatusOK, views.BadReviewBoardPage(v), views.BadReviewBoardSection(v))
}

// parseCases reads the ticked cases, each "id:version" as the board showed it.
func parseCases(vals []string) []models.CaseVersion {
	var out []models.CaseVersion
	for _, s := range vals {
		id, ver, ok := strings.Cut(s, ":")
		i, err1 := strconv.ParseInt(id, 10, 64)
		n, err2 := strconv.Atoi(ver)
		if ok && err1 == nil && err2 == nil {
			out = append(out, models.CaseVersion{ID: i, Version: n})
		}
	}
	return out
}

// BulkAssign gives the ticked cases to one agent. A case someone changed
// meanwhile refuses the whole batch and the board says who changed it.
func (h *Handler) BulkAssign(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	agentID, _ := strconv.ParseInt(form.Get("agent_id"), 10, 64)
	err = h.store.AssignBadReviews(c.Request().Context(), web.Actor(c), parseCases(form["case"]), agentID, h.now())
	errs, invalid := models.AsValidation(err)
	conflict, conflicted := models.AsConflict(err)
	if invalid || conflicted {
		// Re-read the board as the user last filtered it, from the page they came from.
		if ref := c.Request().Referer(); ref != "" {
			if i := strings.Index(ref, "?"); i >= 0 {
				c.Request().URL.RawQuery = ref[i+1:]
			}
		}
		v, verr := h.boardView(c)
		if verr != nil {
			return verr
		}
		// The page shown is the board: its "reload" link must lead there.
		c.Request().URL.Path = "/reviews"
		status := http.StatusUnprocessableEntity
		if conflicted {
			v.Conflict, status = conflict, http.StatusConflict
		} else {
			v.Errors = errs
			if errs.Has("agent_id") {
				v.Errors.Add("cases", errs["agent_id"].Key)
			}
		}
		return web.Render(c, status, views.BadReviewBoardPage(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "badreviews.assigned")); err != nil {
		return err
	}
	return web.Redirect(c, backToBoard(c))
}

// backToBoard returns to the board with the filter the user had.
func backToBoard(c echo.Context) string {
	ref := c.Request().Referer()
	if i := strings.Index(ref, "/reviews"); i >= 0 && (len(ref) == i+8 || ref[i+8] == '?') {
		return ref[i:]
	}
	return "/reviews"
}

// Handover lists the unfinished cases the next shift picks up.
func (h *Handler) Handover(c echo.Context) error {
	ctx := c.Request().Context()
	cases, err := h.store.HandoverCases(ctx)
	if err != nil {
		return err
	}
	if u := web.User(c); u.Role == models.RoleAgent {
		cases = slices.DeleteFunc(cases, func(hc models.HandoverCase) bool { return hc.AgentID == nil || *hc.AgentID != u.ID })
	}
	names, err := h.names(ctx)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.BadReviewHandoverPage(views.BadReviewHandoverView{Cases: cases, Names: names, Now: h.now(), Settings: web.Settings(c)}))
}
