package models_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"kefudesk/models"
)

// orderReport is shaped like the seller centre's export: GBK, ="…" order
// numbers, a ' before the phone, trailing spaces in headers, 0000-00-00 for
// the unpaid order, an ERP flag column.
const orderReport = `订单编号 ,买家会员名,买家实际支付金额,订单状态,订单创建时间,订单付款时间 ,订单备注,旗帜,退款金额,联系手机
="3850012345678901234",tb_小王,"1,299.00",交易成功,2026-11-11 00:03:12,2026-11-11 00:03:40,小美：要M码,红,0,'13800138000
="3850012345678901235",tb_小李,88.50,"买家已付款，等待卖家发货",2026/11/11 09:00:00,2026/11/11 09:01:00,,2,,'13900139000
="3850012345678901236",tb_小张,0.00,等待买家付款,2026-11-11 10:00:00,0000-00-00 00:00:00,,,0,
`

func gbk(t *testing.T, s string) string {
	t.Helper()
	out, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportOrdersWithExportQuirks(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	res, err := s.ImportOrders(ctx, models.SystemActor, strings.NewReader(gbk(t, orderReport)), "orders.csv", shanghai, nil)
	if err != nil {
		t.Fatalf("%v %+v", err, res.Problems)
	}
	if res.Added != 3 || res.Updated != 0 {
		t.Errorf("result %+v", res)
	}
	var o struct {
		Buyer        string
		PaidFen      int64
		Flag         int
		SellerRemark string
		PaidAt       *time.Time
	}
	s.DB().Raw(`SELECT buyer, paid_fen, flag, seller_remark, paid_at FROM orders WHERE order_no = '3850012345678901234'`).Scan(&o)
	if o.Buyer != "tb_小王" || o.PaidFen != 129900 || o.Flag != 1 || o.SellerRemark != "小美：要M码" || o.PaidAt == nil {
		t.Errorf("order 1: %+v", o)
	}
	var unpaid int64
	s.DB().Raw(`SELECT count(*) FROM orders WHERE order_no = '3850012345678901236' AND paid_at IS NULL`).Scan(&unpaid)
	if unpaid != 1 {
		t.Error("0000-00-00 payment time not read as unpaid")
	}
	// The next day's report: one order paid, the rest unchanged.
	next := strings.Replace(orderReport, "等待买家付款,2026-11-11 10:00:00,0000-00-00 00:00:00", "买家已付款，等待卖家发货,2026-11-11 10:00:00,2026-11-11 10:05:00", 1)
	res, err = s.ImportOrders(ctx, models.SystemActor, strings.NewReader(next), "orders2.csv", shanghai, nil)
	if err != nil || res.Added != 0 || res.Updated != 1 || res.Unchanged != 2 {
		t.Errorf("second report: %v %+v", err, res)
	}
	if n := count(t, s, `SELECT count(*) FROM orders`); n != 3 {
		t.Errorf("orders %d", n)
	}
}

func TestImportOrdersRejectsBadReportsWhole(t *testing.T) {
	s, _ := newStore(t)
	head := "order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark,flag\n"
	body := head + "A1,b,10,交易成功,2026-11-11 10:00:00,,,\n" + "A2,b,ten,交易成功,2026-11-11 10:00:00,,,\n" + "A3,b,10,交易成功,2026-11-11 10:00:00,,,orange\n"
	res, err := s.ImportOrders(context.Background(), models.SystemActor, strings.NewReader(body), "bad.csv", shanghai, nil)
	if !errors.Is(err, models.ErrImportRejected) || len(res.Problems) != 2 || res.Problems[0].Line != 3 || res.Problems[1].Line != 4 {
		t.Fatalf("%v %+v", err, res.Problems)
	}
	if n := count(t, s, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("a rejected report left %d orders", n)
	}
	_, err = s.ImportOrders(context.Background(), models.SystemActor, strings.NewReader("订单编号,买家会员名\n1,b\n"), "x.csv", shanghai, nil)
	if !errors.Is(err, models.ErrImportRejected) {
		t.Errorf("missing columns: %v", err)
	}
}

func TestImportOrdersFromXLSX(t *testing.T) {
	s, _ := newStore(t)
	x := excelize.NewFile()
	rows := [][]any{
		{"订单编号", "买家会员名", "买家实际支付金额", "订单状态", "订单创建时间", "订单付款时间", "商家备注", "旗帜"},
		{"3850099", "tb_x", 59.9, "交易成功", "2026-11-11 08:00:00", "2026-11-11 08:01:00", "", "黄"},
		{"3850100", "tb_y", 100, "交易关闭", "2026-11-11 09:00:00", "", "", ""},
	}
	for i, r := range rows {
		if err := x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportOrders(context.Background(), models.SystemActor, &buf, "orders.xlsx", shanghai, nil)
	if err != nil || res.Added != 2 {
		t.Fatalf("%v %+v", err, res)
	}
	if n := count(t, s, `SELECT count(*) FROM orders WHERE order_no = '3850099' AND paid_fen = 5990 AND flag = 2`); n != 1 {
		t.Error("xlsx values not read")
	}
}
