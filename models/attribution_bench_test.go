package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kefudesk/models"
	"kefudesk/models/testdb"
)

// BenchmarkAttributeOrders decides 20,000 orders of 10,000 buyers who each
// had two chats (80,000 messages) with two of five agents.
//
//	go test -run '^$' -bench AttributeOrders -benchtime 3x ./models/
func BenchmarkAttributeOrders(b *testing.B) {
	db, _ := testdb.New(b)
	s := models.NewStore(db)
	ctx := context.Background()
	for i := range 5 {
		if _, err := s.CreateUser(ctx, models.SystemActor, models.UserForm{Username: fmt.Sprintf("agent%d", i), Role: models.RoleAgent,
			Password: "long-enough", Nicks: []string{fmt.Sprintf("店:客服%d", i)}}); err != nil {
			b.Fatal(err)
		}
	}
	var chats, orders strings.Builder
	chats.WriteString("会话ID,买家,客服,发送方,时间,内容\n")
	orders.WriteString("order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark,flag,refund_amount\n")
	day := time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai)
	for buyer := range 10000 {
		at := day.Add(time.Duration(buyer%14*24)*time.Hour + time.Duration(buyer%600)*time.Minute)
		for c := range 2 {
			t := at.Add(time.Duration(c*3) * time.Hour)
			nick := fmt.Sprintf("店:客服%d", (buyer+c)%5)
			for m := range 2 {
				fmt.Fprintf(&chats, "c%d-%d,tb_%d,%s,买家,%s,有货吗%d？\n", buyer, c, buyer, nick, t.Add(time.Duration(m*2)*time.Minute).Format(time.DateTime), m)
				fmt.Fprintf(&chats, "c%d-%d,tb_%d,%s,客服,%s,亲有的%d\n", buyer, c, buyer, nick, t.Add(time.Duration(m*2+1)*time.Minute).Format(time.DateTime), m)
			}
		}
		for o := range 2 {
			t := at.Add(time.Duration(4+o*20) * time.Hour)
			fmt.Fprintf(&orders, "B%d-%d,tb_%d,199,交易成功,%s,%s,,,0\n", buyer, o, buyer, t.Format(time.DateTime), t.Add(5*time.Minute).Format(time.DateTime))
		}
	}
	if _, err := s.ImportChats(ctx, models.SystemActor, strings.NewReader(chats.String()), "c.csv", shanghai, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportOrders(ctx, models.SystemActor, strings.NewReader(orders.String()), "o.csv", shanghai, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		n, err := s.AttributeOrders(ctx, day.AddDate(0, 0, -1), day.AddDate(0, 1, 0))
		if err != nil || n != 20000 {
			b.Fatalf("%d %v", n, err)
		}
	}
	b.ReportMetric(float64(20000*b.N)/b.Elapsed().Seconds(), "orders/s")
}
