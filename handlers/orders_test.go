package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
)

func TestOrdersList(t *testing.T) {
	a := newApp(t)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	report := "order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark,flag,refund_amount\n" +
		"A1,tb_王,1299,交易成功,2026-11-11 00:03:12,2026-11-11 00:03:40,小美：M码,red,0\n" +
		"A2,tb_李,88.5,等待买家付款,2026-11-11 09:00:00,,,yellow,0\n" +
		"A3,tb_张,59,交易关闭,2026-11-10 09:00:00,2026-11-10 09:05:00,退款,blue,59\n"
	if _, err := a.store.ImportOrders(context.Background(), models.SystemActor, strings.NewReader(report), "o.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	m := a.loginAs(models.RoleManager)
	d := m.get("/orders").doc(t)
	if n := d.Find(`[data-testid="order"]`).Length(); n != 3 {
		t.Fatalf("orders %d", n)
	}
	if first := d.Find(`[data-testid="order"]`).First().Text(); !strings.Contains(first, "A2") || !strings.Contains(first, "¥88.50") || !strings.Contains(first, "未付款") {
		t.Errorf("newest first, money in yuan: %q", first)
	}
	if n := m.get("/orders?unpaid=1").doc(t).Find(`[data-testid="order"]`).Length(); n != 1 {
		t.Errorf("unpaid filter: %d", n)
	}
	if got := m.get("/orders?flag=4").doc(t).Find(`[data-testid="order"]`).Text(); !strings.Contains(got, "A3") || !strings.Contains(got, "退款 ¥59.00") {
		t.Errorf("blue flag filter: %q", got)
	}
	if res := m.get("/orders?from=2026-11-11&to=2026-11-11", "HX-Request", "true"); res.StatusCode != http.StatusOK || strings.Contains(res.Body, "<html") || strings.Count(res.Body, `data-testid="order"`) != 2 {
		t.Errorf("day filter fragment: %d", res.StatusCode)
	}
	// An agent sees only orders that involve them: none of these.
	if res := a.loginAs(models.RoleAgent).get("/orders"); res.StatusCode != http.StatusOK || strings.Count(res.Body, `data-testid="order"`) != 0 {
		t.Errorf("agent sees others' orders: %d", res.StatusCode)
	}
}

func TestOrdersUpload(t *testing.T) {
	a := newApp(t)
	m := a.loginAs(models.RoleManager)
	report := "订单编号,买家会员名,买家实际支付金额,订单状态,订单创建时间,订单付款时间,订单备注\n" +
		`="3850001",tb_王,99,交易成功,2026-11-11 00:03:12,2026-11-11 00:03:40,` + "\n"
	res := m.upload("/orders/import", "orders.csv", report)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/orders/import/") {
		t.Fatalf("upload: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	done := waitForRun(t, m, res.Header.Get("Location"))
	if got := done.doc(t).Find(`[data-testid="import-done"]`).Text(); got != "新增 1 条，更新 0 条，未变 0 条" {
		t.Errorf("outcome %q", got)
	}
	// The same report with a new status updates the order.
	res = m.upload("/orders/import", "orders.csv", strings.Replace(report, "交易成功", "交易关闭", 1))
	if got := waitForRun(t, m, res.Header.Get("Location")).doc(t).Find(`[data-testid="import-done"]`).Text(); got != "新增 0 条，更新 1 条，未变 0 条" {
		t.Errorf("second outcome %q", got)
	}
	// A chat import run is not reachable under the orders path.
	qc := a.loginAs(models.RoleQC)
	chatRun := qc.upload("/spot-checks/import", "c.csv", uploadCSV).Header.Get("Location")
	waitForRun(t, qc, chatRun)
	if res := m.get(strings.Replace(chatRun, "/spot-checks/import", "/orders/import", 1)); res.StatusCode != http.StatusNotFound {
		t.Errorf("chat run under orders: %d", res.StatusCode)
	}
}
