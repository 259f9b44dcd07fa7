package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"kefudesk/models"
)

// demoPromotion is Double 11 itself: that day's orders are split evenly.
const demoPromotion = "双十一"

// silentOrders are orders from buyers nobody chatted with (静默下单).
var silentOrders = []string{
	"order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark,flag,refund_amount",
	"38599000001,tb_路人甲,199.00,交易成功,2026-11-03 21:15:00,2026-11-03 21:16:10,,,0",
	"38599000002,tb_夜猫子,599.00,交易成功,2026-11-06 01:40:00,2026-11-06 01:41:00,,,0",
	"38599000003,tb_老顾客,259.00,交易成功,2026-11-09 12:05:00,2026-11-09 12:05:40,,,0",
	"38599000004,tb_路人乙,129.00,等待买家付款,2026-11-10 23:10:00,0000-00-00 00:00:00,,,0",
	"38599000005,tb_囤货达人,1299.00,交易成功,2026-11-11 00:01:00,2026-11-11 00:01:30,,,0",
	"38599000006,tb_默默,399.00,交易成功,2026-11-12 15:30:00,2026-11-12 15:31:00,,,0",
}

// demoClaims are the agents' reasons, in the shop's words.
var demoClaims = []string{
	"买家是我先接待的，尺码和面料都是我介绍的，最后只是问了一句发货时间。",
	"买家犹豫了很久，是我推荐的搭配并给了优惠券才下单。",
	"这位买家是我的老客户，前一天聊了半小时，今天直接拍的。",
}

// loadAttribution adds silent orders, the Double 11 promotion (with that
// day's orders decided again) and a few open disputes. Skipped once the
// promotion exists, so loading twice changes nothing.
func loadAttribution(ctx context.Context, store *models.Store) error {
	promos, err := store.PromotionPeriods(ctx)
	if err != nil {
		return err
	}
	for _, p := range promos {
		if p.Name == demoPromotion {
			return nil
		}
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	actor := models.Actor{Name: "demo"}
	body := strings.Join(silentOrders, "\n") + "\n"
	if _, err := store.ImportOrders(ctx, actor, bytes.NewReader([]byte(body)), "demo-silent-orders.csv", shanghai, nil); err != nil {
		return fmt.Errorf("demo: silent orders: %w", err)
	}
	manager, err := store.UserByUsername(ctx, "manager")
	if err != nil {
		return err
	}
	if _, err := store.SavePromotion(ctx, manager.Actor(""), models.PromotionForm{Name: demoPromotion, From: "2026-11-11", To: "2026-11-11"}); err != nil {
		return fmt.Errorf("demo: promotion: %w", err)
	}
	day := time.Date(2026, 11, 11, 0, 0, 0, 0, shanghai)
	run, err := store.StartReapply(ctx, manager.Actor(""), day, day.AddDate(0, 0, 1), "2026-11-11")
	if err != nil {
		return fmt.Errorf("demo: promotion re-apply: %w", err)
	}
	if err := store.RunReapply(ctx, manager.Actor(""), run.ID, day, day.AddDate(0, 0, 1)); err != nil {
		return fmt.Errorf("demo: promotion re-apply: %w", err)
	}
	return demoDisputes(ctx, store)
}

// demoDisputes files claims on orders two or more agents served, outside
// the promotion, by an agent who does not hold the order.
func demoDisputes(ctx context.Context, store *models.Store) error {
	var cands []struct {
		OrderID int64
		UserID  int64
	}
	err := store.DB().WithContext(ctx).Raw(`
		SELECT a.order_id, u.id AS user_id
		  FROM order_attributions a JOIN orders o ON o.id = a.order_id
		  CROSS JOIN LATERAL unnest(a.involved) AS u(id)
		 WHERE cardinality(a.involved) >= 2 AND a.rule = 'last_chat' AND o.paid_at IS NOT NULL
		   AND NOT EXISTS (SELECT 1 FROM order_credits c WHERE c.order_id = a.order_id AND c.user_id = u.id)
		 ORDER BY o.created_at DESC, o.id, u.id LIMIT 40`).Scan(&cands).Error
	if err != nil {
		return fmt.Errorf("demo: dispute candidates: %w", err)
	}
	filed := map[int64]bool{}
	for _, c := range cands {
		if len(filed) == len(demoClaims) {
			break
		}
		if filed[c.OrderID] {
			continue
		}
		u, err := store.UserByID(ctx, c.UserID)
		if err != nil {
			return err
		}
		if _, err := store.FileDispute(ctx, u.Actor(""), c.OrderID, demoClaims[len(filed)], time.Now()); err != nil {
			return fmt.Errorf("demo: dispute on order %d: %w", c.OrderID, err)
		}
		filed[c.OrderID] = true
	}
	return nil
}
