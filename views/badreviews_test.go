package views

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

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

// A long select's options are escaped and only the chosen one is selected.
func TestOptionsEscapeAndSelect(t *testing.T) {
	var sb strings.Builder
	items := []string{`A&B "x"`, `<b>`, "羊毛开衫"}
	if err := itemOptions(items, "<b>").Render(managerCtx(i18n.ZH), &sb); err != nil {
		t.Fatal(err)
	}
	want := `<option value="A&amp;B &#34;x&#34;">A&amp;B &#34;x&#34;</option>` +
		`<option value="&lt;b&gt;" selected>&lt;b&gt;</option>` +
		`<option value="羊毛开衫">羊毛开衫</option>`
	if sb.String() != want {
		t.Errorf("got  %s\nwant %s", sb.String(), want)
	}
	sb.Reset()
	agents := []models.CaseAgent{{ID: 7, Name: "小美", OpenCases: 3}}
	if err := loadOptions(managerCtx(i18n.EN), agents).Render(managerCtx(i18n.EN), &sb); err != nil {
		t.Fatal(err)
	}
	if want := `<option value="7">` + templ.EscapeString(i18n.Tr(i18n.EN, "badreviews.agent_load", "小美", 3)) + `</option>`; sb.String() != want {
		t.Errorf("got  %s\nwant %s", sb.String(), want)
	}
}
