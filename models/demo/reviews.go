package demo

import (
	"context"
	"fmt"
	"time"

	"kefudesk/models"
	"kefudesk/models/scoring"
)

const demoPlan = "每日抽查（示例）"

// loadReviews gives the spot-check pages something to show: a daily plan
// drawn for Double 11, most of the QC user's queue scored (the slow
// newcomer lower), comments with better replies, teaching cases and one
// open appeal. Skipped when the demo plan exists already.
func loadReviews(ctx context.Context, store *models.Store) error {
	plans, err := store.ListPlans(ctx)
	if err != nil {
		return err
	}
	for _, p := range plans {
		if p.Name == demoPlan {
			return nil
		}
	}
	qc, err := store.UserByUsername(ctx, "qc")
	if err != nil {
		return err
	}
	plan, err := store.CreatePlan(ctx, qc.Actor(""), models.PlanForm{Name: demoPlan, Period: "day", PerAgent: 3, LowWeight: 2,
		MinMessages: 3, Inspectors: []int64{qc.ID}, DueDays: 2})
	if err != nil {
		return fmt.Errorf("demo: plan: %w", err)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := store.RunPlan(ctx, qc.Actor(""), plan.ID, time.Date(2026, 11, 12, 9, 0, 0, 0, shanghai), shanghai); err != nil {
		return fmt.Errorf("demo: draw: %w", err)
	}
	queue, err := store.InspectorQueue(ctx, qc.ID, 100)
	if err != nil {
		return err
	}
	settings, err := store.Settings(ctx)
	if err != nil {
		return err
	}
	for i, q := range queue {
		if i >= len(queue)-3 {
			break // leave a few in the queue
		}
		r, err := store.StartReview(ctx, qc.Actor(""), q.ConversationID, q.AgentNick, settings)
		if err != nil {
			return fmt.Errorf("demo: review: %w", err)
		}
		ratings := r.RatingMap()
		for _, c := range scoring.Default().Categories() {
			if _, ok := ratings[c.ID]; ok {
				continue // keep what the automatic checks found
			}
			lo, hi := c.Scale.Bounds()
			v := hi
			if q.AgentNick == "云裳旗舰店:新人01" && c.Scale == scoring.OneToFive {
				v = lo + 1
			}
			ratings[c.ID] = scoring.Rating{Value: v}
		}
		form := models.ReviewForm{Version: r.Version, Ratings: ratings, Summary: "整体流程完整。"}
		if i%4 == 0 {
			form.Teaching, form.TeachingNote = "bad", "回复慢且未致歉，周会讨论"
		}
		if i%5 == 1 {
			form.Teaching, form.TeachingNote = "good", "开场和结束语标准"
		}
		checks, err := store.CheckChat(ctx, q.ConversationID, settings)
		if err != nil {
			return err
		}
		for _, m := range checks.Messages {
			if m.Sender == "agent" && m.AgentNick == q.AgentNick && len(checks.Flags) > 0 {
				if _, err := store.AddReviewComment(ctx, qc.Actor(""), r.ID, m.ID, "可以更主动地安抚买家",
					"亲，非常抱歉让您久等了，我马上为您处理，有结果第一时间告诉您哦~"); err != nil {
					return err
				}
				break
			}
		}
		if _, err := store.SaveReview(ctx, qc.Actor(""), r.ID, form, true); err != nil {
			return fmt.Errorf("demo: submit: %w", err)
		}
	}
	// One agent appeals a lowered rating; the manager sees it on the today page.
	for _, name := range []string{"xiaomei", "ahua", "xiaoqing", "dapeng", "lingling"} {
		u, err := store.UserByUsername(ctx, name)
		if err != nil {
			return err
		}
		mine, err := store.AgentReviews(ctx, u.ID, 10)
		if err != nil {
			return err
		}
		for _, r := range mine {
			for _, c := range scoring.Default().Categories() {
				_, hi := c.Scale.Bounds()
				if rt, ok := r.RatingMap()[c.ID]; ok && !rt.NA && rt.Value < hi {
					_, err := store.FileAppeal(ctx, u.Actor(""), r.ID, map[string]scoring.Rating{c.ID: {Value: hi}},
						map[string]string{c.ID: "双十一当天咨询量是平时的五倍，已尽快回复并致歉"}, time.Now())
					return err
				}
			}
		}
	}
	return nil
}
