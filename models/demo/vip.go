package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"time"

	"kefudesk/models"
)

// demoVIPList is the monthly rule's name; its presence means the VIP demo
// is loaded.
const demoVIPList = "VIP月度回访"

var (
	demoNames = []string{"王丽", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵雪", "黄磊", "周婷", "吴昊"}
	demoTags  = []string{"双11老客", "大码", "爱买连衣裙", "老客", "团购"}
)

// loadVIPs makes VIP customers of the demo orders' best buyers (leaving the
// two best as suggestions for the manager), a monthly list for this month
// half done, and a Double 11 care list begun three weeks ago whose unlogged
// visits are overdue. Loading again changes nothing.
func loadVIPs(ctx context.Context, store *models.Store, now time.Time) error {
	db := store.DB().WithContext(ctx)
	var n int64
	if err := db.Raw(`SELECT count(*) FROM visit_lists WHERE name = ?`, demoVIPList).Scan(&n).Error; err != nil {
		return fmt.Errorf("demo: vip: %w", err)
	}
	if n > 0 {
		return nil
	}
	var buyers []string
	err := db.Raw(`SELECT buyer FROM orders WHERE paid_at IS NOT NULL GROUP BY buyer
		ORDER BY sum(paid_fen - refund_fen) DESC, buyer LIMIT 14`).Scan(&buyers).Error
	if err != nil {
		return fmt.Errorf("demo: vip buyers: %w", err)
	}
	if len(buyers) < 4 {
		return nil // no orders to draw from
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"买家会员名", "姓名", "手机", "微信", "等级", "标签", "首选渠道", "联系时段", "勿扰", "备注"})
	for i, b := range buyers[2:] {
		tier := []string{"钻石", "黄金", "黄金", "白银"}[i%4]
		channel := []string{"电话", "旺旺", "电话", "微信"}[i%4]
		window := ""
		if i%5 == 1 {
			window = "工作日 19:00-21:00"
		}
		dnc := "否"
		if i == len(buyers)-3 {
			dnc = "是"
		}
		_ = w.Write([]string{b, demoNames[i%len(demoNames)], fmt.Sprintf("1380013%04d", 1000+i*37), "wx_demo" + fmt.Sprint(i), tier,
			demoTags[i%len(demoTags)] + "、" + demoTags[(i+2)%len(demoTags)], channel, window, dnc, ""})
	}
	w.Flush()
	demoActor := models.Actor{Name: "demo"}
	if _, err := store.ImportVIPs(ctx, demoActor, &buf, "demo-vips.csv", nil, nil); err != nil {
		return fmt.Errorf("demo: vips: %w", err)
	}
	boss, err := store.UserByUsername(ctx, "manager")
	if err != nil {
		return err
	}
	var agents []int64
	for _, name := range []string{"xiaomei", "ahua", "xiaoqing"} {
		u, err := store.UserByUsername(ctx, name)
		if err != nil {
			return err
		}
		agents = append(agents, u.ID)
	}
	set, err := store.Settings(ctx)
	if err != nil {
		return err
	}
	loc := set.Location()
	today := now.In(loc)
	month := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, loc)
	monthly, err := store.CreateVisitList(ctx, boss.Actor(""), models.VisitListForm{Name: demoVIPList, Purpose: "VIP月度回访",
		PeriodStart: month.Format(time.DateOnly), PeriodEnd: month.AddDate(0, 1, -1).Format(time.DateOnly),
		Tiers: []string{"diamond", "gold"}, AgentIDs: agents, Monthly: true,
		Script: "1. 问候并自我介绍（店铺+名字）\n2. 询问最近购买的衣服穿着是否合适\n3. 告知本月会员专享活动\n4. 记录客户的新需求"}, month)
	if err != nil {
		return fmt.Errorf("demo: monthly list: %w", err)
	}
	start := today.AddDate(0, 0, -20)
	if _, err := store.CreateVisitList(ctx, boss.Actor(""), models.VisitListForm{Name: "双11后关怀", Purpose: "双11后关怀",
		PeriodStart: start.Format(time.DateOnly), PeriodEnd: today.AddDate(0, 0, 10).Format(time.DateOnly),
		Tags: []string{"双11老客"}, AgentIDs: agents[1:],
		Script: "感谢双11的支持；确认收货和尺码；有问题当场登记售后。"}, start); err != nil {
		return fmt.Errorf("demo: care list: %w", err)
	}
	return logDemoVisits(ctx, store, monthly.ID, now, loc)
}

// logDemoVisits logs every other visit of the monthly list as its agent
// did it: mostly reached, some declined, one with no answer yet.
func logDemoVisits(ctx context.Context, store *models.Store, listID int64, now time.Time, loc *time.Location) error {
	visits, err := store.ListVisitsOf(ctx, listID)
	if err != nil {
		return err
	}
	for i, v := range visits {
		if i%2 == 1 {
			continue
		}
		at := time.Date(v.DueOn.Year(), v.DueOn.Month(), v.DueOn.Day(), 12, 30, 0, 0, loc)
		if at.After(now.Add(-time.Hour)) {
			at = now.Add(-time.Hour)
		}
		outcome, notes := "reached", "客户很满意，下月想看新款连衣裙"
		switch i % 8 {
		case 4:
			outcome, notes = "declined", "客户表示最近不需要"
		case 6:
			outcome, notes = "no_answer", ""
		}
		agent, err := store.UserByID(ctx, v.AgentID)
		if err != nil {
			return err
		}
		_, err = store.LogVisit(ctx, agent.Actor(""), models.VisitLogForm{VisitID: v.ID, Version: v.Version, Channel: "phone",
			ContactedAt: at.In(loc).Format("2006-01-02T15:04"), Outcome: outcome, Notes: notes, ConfirmOutside: true}, now)
		if err != nil {
			return fmt.Errorf("demo: log visit %d: %w", v.ID, err)
		}
	}
	return nil
}
