package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

func salesOf(rep models.SalesReport, key string) models.AgentSales {
	for _, a := range rep.Agents {
		if a.Key == key {
			return a
		}
	}
	return models.AgentSales{}
}

// The performance page reads daily figures; every import marks the days it
// touches (the triggers), the page recomputes a few stale days itself, and
// the figures equal what the chats and orders say, in shop days.
func TestSalesDailyFiguresFollowImports(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	// 23:30 in Shanghai is 15:30 UTC: still the 10th for the shop.
	sh.chat("c1", "买家A", "云裳:小美", "2026-11-10 23:30:00")
	sh.chat("c2", "买家B", "云裳:阿华", "2026-11-10 11:00:00")
	sh.chat("c3", "买家C", "云裳:小美", "2026-11-11 09:00:00")
	sh.order("9001", "买家A", "100.00", "2026-11-10 23:50:00", "2026-11-10 23:55:00", "", "")
	sh.order("9002", "买家B", "50.00", "2026-11-11 09:00:00", "2026-11-11 09:10:00", "", "")
	sh.order("9003", "买家D", "80.00", "2026-11-10 08:00:00", "2026-11-10 08:05:00", "", "") // silent
	sh.load(t)
	from := time.Date(2026, 11, 10, 0, 0, 0, 0, shanghai)
	to := from.AddDate(0, 0, 3)
	rep, err := sh.s.SalesPerformance(ctx, from, to, shanghai, 0)
	if err != nil {
		t.Fatal(err)
	}
	mei, hua := salesOf(rep, "u"+itoa(sh.mei.ID)), salesOf(rep, "u"+itoa(sh.hua.ID))
	if mei.Inquiries != 2 || mei.OrderedBuyers != 1 || mei.SalesFen != 10000 || mei.Orders != 1 {
		t.Errorf("mei: %+v", mei)
	}
	if hua.Inquiries != 1 || hua.OrderedBuyers != 1 || hua.SalesFen != 5000 {
		t.Errorf("hua: %+v", hua)
	}
	if rep.Orders != 3 || rep.PaidSalesFen != 23000 || rep.SilentOrders != 1 || rep.SilentSalesFen != 8000 {
		t.Errorf("shop: orders %d paid %d silent %d/%d", rep.Orders, rep.PaidSalesFen, rep.SilentOrders, rep.SilentSalesFen)
	}
	if rep.Fresh.Pending != 0 || rep.Fresh.ComputedAt.IsZero() {
		t.Errorf("freshness %+v after an inline refresh", rep.Fresh)
	}
	if len(rep.Trend) != 3 || rep.Trend[0].SalesFen != 10000 || rep.Trend[0].SilentFen != 8000 || rep.Trend[1].SalesFen != 5000 {
		t.Errorf("trend %+v", rep.Trend)
	}

	// The next day's report refunds A's order: the credited refund shows.
	sh.orderRows = nil
	sh.chats = nil
	sh.order("9001", "买家A", "100.00", "2026-11-10 23:50:00", "2026-11-10 23:55:00", "", "")
	sh.orderRows[0] = strings.TrimSuffix(sh.orderRows[0], ",0") + ",100.00" // the refund column
	sh.load(t)
	var dirty int
	sh.s.DB().Raw(`SELECT count(*) FROM sales_day_marks`).Scan(&dirty)
	if dirty == 0 {
		t.Fatal("updating an order marked no day dirty")
	}
	rep, _ = sh.s.SalesPerformance(ctx, from, to, shanghai, sh.mei.ID)
	if len(rep.Agents) != 1 || rep.Agents[0].RefundFen != 10000 {
		t.Errorf("mei after the refund: %+v", rep.Agents)
	}
}

// A big change (here chats over ten days) is more than the page recomputes
// itself: it says how many days are pending, and the refresher catches up.
func TestSalesDailyBacklogIsRefreshedInTheBackground(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	for d := 1; d <= 10; d++ {
		day := time.Date(2026, 11, d, 10, 0, 0, 0, shanghai).Format(time.DateTime)
		sh.chat("c"+itoa(int64(d)), "买家"+itoa(int64(d)), "云裳:小美", day)
		sh.order("80"+itoa(int64(d)), "买家"+itoa(int64(d)), "10.00", day[:11]+"12:00:00", day[:11]+"12:01:00", "", "")
	}
	sh.load(t)
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai), time.Date(2026, 11, 11, 0, 0, 0, 0, shanghai)
	rep, err := sh.s.SalesPerformance(ctx, from, to, shanghai, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fresh.Pending != 10 {
		t.Fatalf("%d days pending, want 10 (more than the page recomputes)", rep.Fresh.Pending)
	}
	ctx2, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		sh.s.RunSalesRefresher(ctx2, time.Hour, func(err error) { t.Error(err) })
		close(done)
	}()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	defer stop() // also on a failure below, before the database goes
	deadline := time.Now().Add(30 * time.Second)
	for {
		rep, err = sh.s.SalesPerformance(ctx, from, to, shanghai, 0)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Fresh.Pending == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	mei := salesOf(rep, "u"+itoa(sh.mei.ID))
	if rep.Fresh.Pending != 0 || mei.Inquiries != 10 || mei.SalesFen != 10000 || rep.Orders != 10 {
		t.Errorf("after the refresher: pending %d, mei %+v, orders %d", rep.Fresh.Pending, mei, rep.Orders)
	}
}

// oneSaleShop is a shop whose one chat (小美's, on 10 November) led to
// one paid order of ¥100.
func oneSaleShop(t *testing.T) *shop {
	sh := newShop(t)
	sh.chat("c1", "买家A", "云裳:小美", "2026-11-10 10:00:00")
	sh.order("9001", "买家A", "100.00", "2026-11-10 12:00:00", "2026-11-10 12:01:00", "", "")
	sh.load(t)
	return sh
}

// The page and the background refresher may pick the same dirty day at
// once: neither fails (no duplicate rows), and the figures come out right.
func TestSalesDayRefreshedTwiceAtOnce(t *testing.T) {
	sh := oneSaleShop(t)
	ctx := context.Background()
	from := time.Date(2026, 11, 10, 0, 0, 0, 0, shanghai)
	for round := 0; round < 5; round++ {
		// What any write does to its days (the triggers), done directly.
		if err := sh.s.DB().Exec(`INSERT INTO sales_day_marks (day) SELECT day FROM sales_days`).Error; err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 8)
		for i := range 8 {
			go func() {
				if i%2 == 0 {
					_, err := sh.s.RefreshSalesDays(ctx, 10)
					errs <- err
					return
				}
				_, err := sh.s.SalesPerformance(ctx, from, from.AddDate(0, 0, 1), shanghai, 0)
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	rep, err := sh.s.SalesPerformance(ctx, from, from.AddDate(0, 0, 1), shanghai, 0)
	if err != nil {
		t.Fatal(err)
	}
	if mei := salesOf(rep, "u"+itoa(sh.mei.ID)); mei.Inquiries != 1 || mei.SalesFen != 10000 || rep.Fresh.Pending != 0 {
		t.Errorf("after concurrent refreshes: %+v, pending %d", mei, rep.Fresh.Pending)
	}
}

// A request's counters are read with its session (CacheVersions), but the
// performance page's kept copies of the daily figures go by the counter
// its totals' statement reads: another request may recompute a day after
// this one began, and the agents' figures must then match the totals
// rather than come from the copy kept before the recompute.
func TestSalesFiguresMatchTheirTotalsAfterARecomputeByAnotherRequest(t *testing.T) {
	sh := oneSaleShop(t)
	ctx := context.Background()
	from := time.Date(2026, 11, 10, 0, 0, 0, 0, shanghai)
	to := from.AddDate(0, 0, 2)
	if _, err := sh.s.SalesPerformance(ctx, from, to, shanghai, 0); err != nil {
		t.Fatal(err) // recomputes the day and keeps the agents' figures
	}
	// This request begins: its counters as its session read them.
	snap, err := sh.s.ReadCacheVersions(ctx)
	if err != nil || snap == nil {
		t.Fatalf("cache versions: %v %v", snap, err)
	}
	reqCtx := models.WithCacheVersions(ctx, snap)
	// Another request's import and recompute land before this one reads.
	sh.chats, sh.orderRows = nil, nil
	sh.chat("c2", "买家B", "云裳:小美", "2026-11-11 10:00:00")
	sh.order("9002", "买家B", "50.00", "2026-11-11 10:30:00", "2026-11-11 10:31:00", "", "")
	sh.load(t)
	if err := sh.s.RefreshAllSalesDays(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := sh.s.SalesPerformance(reqCtx, from, to, shanghai, 0)
	if err != nil {
		t.Fatal(err)
	}
	mei := salesOf(rep, "u"+itoa(sh.mei.ID))
	if rep.PaidSalesFen != 15000 || mei.SalesFen != 15000 || rep.SilentSalesFen != 0 {
		t.Errorf("totals paid %d (silent %d) but mei credited %d: the agents' figures are from before the recompute",
			rep.PaidSalesFen, rep.SilentSalesFen, mei.SalesFen)
	}
	if len(rep.Trend) != 2 || rep.Trend[1].SalesFen != 5000 {
		t.Errorf("trend %+v", rep.Trend)
	}
}
