package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"kefudesk/models"
)

// demoOrders writes an order report for the demo chats' buyers: about a
// third order within the chat's credit window (that day or the next), some
// pay later, some stay unpaid, a few are refunded, flags as agents set them.
// The same bytes every time, so loading twice changes nothing.
func demoOrders(ctx context.Context, store *models.Store) ([]byte, error) {
	var chats []struct {
		Buyer      string
		StartedAt  time.Time
		ReceivedBy string
	}
	err := store.DB().WithContext(ctx).Raw(`SELECT buyer, started_at, received_by FROM chat_conversations
		WHERE external_id LIKE 'demo-%' ORDER BY external_id`).Scan(&chats).Error
	if err != nil {
		return nil, fmt.Errorf("demo: chats for orders: %w", err)
	}
	rng := rand.New(rand.NewPCG(1111, 2026))
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"订单编号", "买家会员名", "买家实际支付金额", "订单状态", "订单创建时间", "订单付款时间", "订单备注", "旗帜", "退款金额"})
	for i, c := range chats {
		if rng.IntN(100) >= 35 {
			continue
		}
		created := c.StartedAt.Add(time.Duration(5+rng.IntN(30*60)) * time.Minute)
		price := []int{129, 199, 259, 399, 599, 1299}[rng.IntN(6)]
		status, paid, refund, flag, remark := "交易成功", created.Add(time.Duration(1+rng.IntN(20))*time.Minute).Format("2006-01-02 15:04:05"), "0", "红", remarkName(c.ReceivedBy)+"：尺码已确认"
		switch r := rng.IntN(100); {
		case r < 10:
			status, paid, flag, remark = "等待买家付款", "0000-00-00 00:00:00", "黄", ""
		case r < 16:
			status, refund, flag, remark = "交易关闭", fmt.Sprint(price), "蓝", created.Format("01-02")+" 不想要了 退款"
		case r < 24:
			// Paid hours later after the assistance team's reminder (催付).
			paid, flag, remark = created.Add(time.Duration(3+i%5)*time.Hour).Format("2006-01-02 15:04:05"), "黄", "玲玲：已催付"
		}
		_ = w.Write([]string{fmt.Sprintf(`="38500%010d"`, i), c.Buyer, fmt.Sprintf("%d.00", price), status,
			created.Format("2006-01-02 15:04:05"), paid, remark, flag, refund})
	}
	w.Flush()
	return buf.Bytes(), nil
}

func loadOrders(ctx context.Context, store *models.Store) error {
	b, err := demoOrders(ctx, store)
	if err != nil {
		return err
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := store.ImportOrders(ctx, models.Actor{Name: "demo"}, bytes.NewReader(b), "demo-orders.csv", shanghai, nil); err != nil {
		return fmt.Errorf("demo: orders: %w", err)
	}
	return nil
}

// remarkName is how agents sign a remark: the sub-account's name without
// the shop ("云裳旗舰店:小美" signs "小美").
func remarkName(nick string) string {
	if i := strings.LastIndexAny(nick, ":："); i >= 0 {
		return strings.TrimLeft(nick[i:], ":：")
	}
	return nick
}
