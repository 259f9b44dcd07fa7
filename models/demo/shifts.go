package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kefudesk/models"
	"kefudesk/models/rota"
)

// demoRotaStart is the first Monday of the demo rota: four weeks covering
// the demo chats (2026-11-01..14) and the days after, Double 11 included.
var demoRotaStart = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// demoToday is the "today" the demo's requests are made on.
var demoToday = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// loadShifts adds four published weeks of rota, two pending swaps (one
// waiting for the colleague, one for the manager), a pending leave request,
// a handover with items and the adherence cases of three chat days. It
// does nothing when the demo rota is already there.
func loadShifts(ctx context.Context, store *models.Store) error {
	var n int64
	if err := store.DB().WithContext(ctx).Raw(`SELECT count(*) FROM rota_weeks WHERE week_start = ?::date`, demoRotaStart.Format(time.DateOnly)).Scan(&n).Error; err != nil {
		return fmt.Errorf("demo: rota: %w", err)
	}
	if n > 0 {
		return nil
	}
	mgr, err := store.UserByUsername(ctx, "manager")
	if err != nil {
		return err
	}
	boss := mgr.Actor("")
	g, err := store.GenerateRota(ctx, boss, demoRotaStart, 4)
	if err != nil {
		return fmt.Errorf("demo: generate rota: %w", err)
	}
	for _, w := range g.Weeks {
		if err := store.PublishWeek(ctx, boss, w.WeekStart, w.Version); err != nil {
			return fmt.Errorf("demo: publish: %w", err)
		}
	}
	users := map[string]models.User{}
	for _, name := range []string{"xiaomei", "ahua", "xiaoqing", "dapeng", "lingling"} {
		if users[name], err = store.UserByUsername(ctx, name); err != nil {
			return err
		}
	}
	if err := demoSwap(ctx, store, g, users["xiaomei"], users["ahua"], false); err != nil {
		return err
	}
	if err := demoSwap(ctx, store, g, users["xiaoqing"], users["dapeng"], true); err != nil {
		return err
	}
	_, err = store.RequestLeave(ctx, users["lingling"].Actor(""), models.LeaveForm{First: "2026-11-27", Last: "2026-11-28", Reason: "回老家参加婚礼"}, demoToday)
	if err != nil {
		return fmt.Errorf("demo: leave: %w", err)
	}
	items := []struct {
		day         time.Time
		kind, ref   string
		body        string
		from, owner string
	}{
		{demoToday.AddDate(0, 0, -2), "follow_up", "tb_2233", "买家问的加长款到货时间，仓库说周三，记得回复", "ahua", "xiaomei"},
		{demoToday, "refund", "4012345678901234", "退货已签收，等财务打款，今天内确认到账", "xiaomei", "ahua"},
		{demoToday, "promise", "云朵买家_88", "答应晚上八点前把尺码表发给买家", "xiaomei", "ahua"},
		{demoToday, "bad_review", "4012345678905678", "中评：说物流慢，已道歉并发了 5 元券，等买家回复是否追评", "xiaoqing", "dapeng"},
	}
	for _, it := range items {
		f := models.HandoverForm{Kind: it.kind, OwnerID: users[it.owner].ID, Ref: it.ref, Body: it.body}
		if _, err := store.AddHandoverItem(ctx, users[it.from].Actor(""), it.day, f); err != nil {
			return fmt.Errorf("demo: handover: %w", err)
		}
	}
	if _, err := store.DetectAdherence(ctx, boss, time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)); err != nil {
		return fmt.Errorf("demo: adherence: %w", err)
	}
	return nil
}

// demoSwap proposes the first swap between a and b in the last demo week
// that passes every rule; byManager makes it on a's behalf, so it waits
// for approval.
func demoSwap(ctx context.Context, store *models.Store, g models.RotaGrid, a, b models.User, byManager bool) error {
	actor := a.Actor("")
	if byManager {
		mgr, err := store.UserByUsername(ctx, "manager")
		if err != nil {
			return err
		}
		actor = mgr.Actor("")
	}
	for d := 21; d < 28; d++ {
		ca, cb := g.Cell(a.ID, d), g.Cell(b.ID, d)
		if !rota.Working(ca) || !rota.Working(cb) || ca == cb {
			continue
		}
		f := models.SwapForm{Kind: models.SwapExchange, RequesterID: a.ID, ColleagueID: b.ID,
			Days: []string{g.Rota.Day(d).Format(time.DateOnly)}, Note: "家里有事，想换一下"}
		_, err := store.ProposeSwap(ctx, actor, byManager, f, demoToday)
		var broken *models.RuleError
		if errors.As(err, &broken) {
			continue
		}
		if _, invalid := models.AsValidation(err); invalid {
			continue
		}
		return err
	}
	return nil
}
