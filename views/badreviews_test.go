package views

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
	"kefudesk/views/i18n"
)

// bigBoard is the manager's board of a big shop: a page of 50 open
// cases, 300 agents to filter by and assign to, 200 items.
func bigBoard() BadReviewBoardView {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 12, 10, 0, 0, 0, loc)
	v := BadReviewBoardView{Now: now, CanAssign: true, Settings: models.DefaultSettings(), Names: map[int64]string{}, Suggested: map[int64]models.Suggestion{},
		Page: models.BadReviewPage{Counts: map[string]int64{"new": 120, "assigned": 4000, "contacting": 900}}}
	for i := range 300 {
		id := int64(i + 1)
		name := "云裳客服" + strconv.Itoa(i+1)
		v.Agents = append(v.Agents, models.CaseAgent{ID: id, Name: name, OpenCases: i % 17})
		v.Names[id] = name
	}
	for i := range 200 {
		v.Items = append(v.Items, "商品"+strconv.Itoa(i)+" 羊毛开衫")
	}
	for i := range 50 {
		agent := int64(i%300 + 1)
		due := now.Add(time.Duration(i-10) * time.Hour)
		v.Page.Cases = append(v.Page.Cases, models.BadReview{
			ID: int64(1000 + i), ReviewNo: "R" + strconv.Itoa(i), Buyer: "tb_买家" + strconv.Itoa(i), Rating: "negative", FirstRating: "negative",
			Content: "衣服起球，质量太差，和描述不符，客服态度也不好", Item: v.Items[i%200], ReviewedAt: now.Add(-48 * time.Hour),
			Status: "assigned", AgentID: &agent, Causes: []string{"quality", "attitude"}, DueAt: &due, Version: 3,
		})
	}
	return v
}

// The bad-review board's section as the manager's HTMX swap.
func BenchmarkBadReviewBoardSection(b *testing.B) {
	benchRender(b, BadReviewBoardSection(bigBoard()))
}

// Every case, agent and item of a big board is on it.
func TestBadReviewBoardSectionShowsItAll(t *testing.T) {
	var sb strings.Builder
	if err := BadReviewBoardSection(bigBoard()).Render(managerCtx(i18n.ZH), &sb); err != nil {
		t.Fatal(err)
	}
	html := sb.String()
	if got := strings.Count(html, `data-testid="case"`); got != 50 {
		t.Errorf("%d cases, want 50", got)
	}
	if got := strings.Count(html, `>云裳客服300<`); got != 1 {
		t.Errorf("the last agent is in the filter %d times, want 1", got)
	}
	if got := strings.Count(html, `>商品199 羊毛开衫</option>`); got != 1 {
		t.Errorf("the last item is in the filter %d times, want 1", got)
	}
}
