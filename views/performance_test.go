package views

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"kefudesk/models"
	"kefudesk/views/i18n"
)

// bigShopReport is a 30-day report of a big shop: 300 agents in 4 teams.
func bigShopReport() PerformanceView {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	rep := models.SalesReport{Orders: 412345, PaidSalesFen: 9876543210}
	teams := []models.Team{"presales", "aftersales", "night", "vip"}
	for i := range 300 {
		id := int64(i + 1)
		rep.Agents = append(rep.Agents, models.AgentSales{
			Key: "u" + strconv.Itoa(i+1), UserID: &id, Name: "云裳客服" + strconv.Itoa(i+1), Team: teams[i%4], Rank: i + 1,
			Inquiries: 5000 - int64(i), OrderedBuyers: 1200, PaidBuyers: 1100, Orders: 1234.5,
			SalesFen: 123456789 - int64(i)*1000, CreditedBuyers: 1000, Assists: 40, AssistFen: 456700, RefundFen: 12300,
		})
	}
	for d := range 30 {
		rep.Trend = append(rep.Trend, models.SalesDay{Day: from.AddDate(0, 0, d), SalesFen: int64(d) * 100000, SilentFen: 5000})
	}
	rep.Teams = []models.AgentSales{{Key: "presales", Team: "presales", SalesFen: 1}}
	return PerformanceView{Period: PeriodForm{From: "2026-11-01", To: "2026-11-30", Errors: models.FieldErrors{}}, Report: rep, ShopWide: true}
}

// The agents' table of a big shop, rendered as the manager's HTMX swap:
// what one performance view costs the server beyond its reads.
func BenchmarkPerformanceSection300Agents(b *testing.B) {
	benchRender(b, PerformanceSection(bigShopReport()))
}

// managerCtx is a store manager's request in locale.
func managerCtx(locale string) context.Context {
	return WithFrame(context.Background(), Frame{UserID: 1, Role: models.RoleManager}, locale)
}

// benchRender renders c as a manager's page over and over, and reports
// its size.
func benchRender(b *testing.B, c templ.Component) {
	ctx := managerCtx(i18n.ZH)
	var n int64
	for b.Loop() {
		w := &countingWriter{}
		if err := c.Render(ctx, w); err != nil {
			b.Fatal(err)
		}
		n = w.n
	}
	b.ReportMetric(float64(n), "bytes/page")
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// Every agent's row is on the page, each cell with its column's label for
// the narrow (card) layout.
func TestPerformanceSectionShowsEveryAgent(t *testing.T) {
	var sb strings.Builder
	if err := PerformanceSection(bigShopReport()).Render(managerCtx(i18n.EN), &sb); err != nil {
		t.Fatal(err)
	}
	html := sb.String()
	if got := strings.Count(html, `data-testid="sales-row"`); got != 301 {
		t.Errorf("%d rows, want 300 agents and 1 team", got)
	}
	if !strings.Contains(html, "云裳客服300") || !strings.Contains(html, "¥1234567.89") {
		t.Error("an agent's name or sales is missing")
	}
}
