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

// demoBadReview is one made-up review: what the buyer wrote and why.
type demoBadReview struct {
	rating, text, followUp string
	causes                 []string
}

var demoReviewTexts = []demoBadReview{
	{"差评", "等了六天才到，物流太慢了，催了客服也没用", "", []string{"logistics"}},
	{"中评", "衣服还行，就是快递比说好的晚了三天", "", []string{"logistics"}},
	{"差评", "收到的时候包装破了，衣服上有一块污渍", "洗了也洗不掉，要求换货没人理", []string{"damaged", "quality"}},
	{"差评", "起球很严重，穿了两次就不能看了，质量太差", "", []string{"quality"}},
	{"中评", "尺码偏小一码，按平时的尺码买的穿不上", "", []string{"size"}},
	{"差评", "买的是杏色发来的是灰色，发错货了", "", []string{"wrong_item"}},
	{"差评", "和图片完全不一样，颜色暗很多，有色差", "", []string{"mismatch"}},
	{"中评", "面料没有详情页说的那么厚，冬天穿不了", "", []string{"mismatch", "quality"}},
	{"差评", "客服阿华态度很差，问了三遍才回我一句", "", []string{"attitude"}},
	{"中评", "刚买完就降价了五十块，找客服也不给补差价", "", []string{"price"}},
	{"差评", "线头很多，袖口还开线了", "", []string{"quality"}},
	{"中评", "裤长偏长，腰围合适，要自己去改裤脚", "", []string{"size"}},
	{"差评", "快递员没打电话直接放驿站，衣服被压坏了", "", []string{"logistics", "damaged"}},
	{"中评", "一般般吧，对得起这个价格", "", []string{"other"}},
	{"差评", "洗了一次就缩水了，完全穿不了", "卖家说可以退，但是来回运费要我自己出", []string{"quality"}},
	{"中评", "味道很大，晾了三天还有味道", "", []string{"quality"}},
	{"差评", "说好送的赠品没有收到，问客服说漏发了", "", []string{"wrong_item", "attitude"}},
	{"中评", "拉链不太顺滑，其他还好", "", []string{"quality"}},
}

var demoPraise = []string{
	"小美服务很好，耐心帮我选尺码，衣服也很合身",
	"质量不错，物流很快，会回购",
	"小晴处理售后很及时，换货很顺利，点赞",
	"面料舒服，颜色正，和图片一样",
	"大鹏很耐心，帮我查了物流，好评",
}

var demoItems = []string{"羊毛针织开衫", "加绒连帽卫衣", "高腰阔腿牛仔裤", "真丝衬衫", "短款羽绒服", "纯棉圆领T恤"}

// demoReviewExport writes a month of reviews ending at now, from the demo
// chats' buyers (so the agent who served them is linked): about 60 medium
// and bad ones and some good ones, some naming agents. Seeded, so the same
// day gives the same file.
func demoReviewExport(ctx context.Context, store *models.Store, now time.Time) ([]byte, error) {
	var buyers []string
	err := store.DB().WithContext(ctx).Raw(`SELECT DISTINCT buyer FROM chat_conversations WHERE external_id LIKE 'demo-%' ORDER BY buyer`).Scan(&buyers).Error
	if err != nil {
		return nil, fmt.Errorf("demo: buyers for reviews: %w", err)
	}
	if len(buyers) == 0 {
		buyers = []string{"tb_demo"}
	}
	rng := rand.New(rand.NewPCG(4, 2026))
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"评价ID", "订单编号", "买家", "评价", "评价内容", "评价时间", "宝贝", "追评", "图片"})
	for i := range 75 {
		at := now.Add(-time.Duration(rng.IntN(30*24*60)) * time.Minute)
		item := demoItems[rng.IntN(len(demoItems))]
		// One item gets complaints again and again, as the report should flag.
		if i%5 == 0 {
			item = demoItems[0]
		}
		rating, text, follow, photos := "好评", demoPraise[rng.IntN(len(demoPraise))], "", ""
		if i%5 != 4 {
			d := demoReviewTexts[rng.IntN(len(demoReviewTexts))]
			rating, text, follow = d.rating, d.text, d.followUp
			if rng.IntN(3) == 0 {
				photos = fmt.Sprintf("https://img.example.com/demo/%d-1.jpg;https://img.example.com/demo/%d-2.jpg", i, i)
			}
		}
		if i == 70 { // a rights complaint three days ago: the manager's
			at, rating, text, follow, item = now.Add(-80*time.Hour), "差评", "发错货还不给换，已经投诉到平台维权了", "", demoItems[3]
		}
		_ = w.Write([]string{fmt.Sprintf("DEMO-R%04d", i), fmt.Sprintf("38600%08d", i), buyers[rng.IntN(len(buyers))], rating, text,
			at.Format("2006-01-02 15:04:05"), item, follow, photos})
	}
	w.Flush()
	return buf.Bytes(), nil
}

// loadBadReviews imports the demo reviews and, the first time only, moves
// the cases along as a month of work would: older ones resolved or closed,
// some overdue, recent ones still new.
func loadBadReviews(ctx context.Context, store *models.Store, now time.Time) error {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	b, err := demoReviewExport(ctx, store, now)
	if err != nil {
		return err
	}
	res, err := store.ImportBadReviews(ctx, models.Actor{Name: "demo"}, bytes.NewReader(b), "demo-reviews.csv", shanghai, nil)
	if err != nil {
		return fmt.Errorf("demo: reviews: %w", err)
	}
	if res.Added == 0 {
		return nil // loaded before: leave the cases as people left them
	}
	mgr, err := store.UserByUsername(ctx, "manager")
	if err != nil {
		return err
	}
	agents, err := store.CaseAgents(ctx)
	if err != nil || len(agents) == 0 {
		return err
	}
	var cases []models.BadReview
	if err := store.DB().WithContext(ctx).Where("review_no LIKE 'DEMO-%' AND status = 'new'").Order("reviewed_at, id").Find(&cases).Error; err != nil {
		return fmt.Errorf("demo: cases: %w", err)
	}
	rng := rand.New(rand.NewPCG(5, 2026))
	for i, c := range cases {
		age := now.Sub(c.ReviewedAt)
		if age < 48*time.Hour {
			continue // today's and yesterday's wait on the board
		}
		if err := progressCase(ctx, store, mgr, agents[i%len(agents)], c, rng, now); err != nil {
			return fmt.Errorf("demo: case %s: %w", c.ReviewNo, err)
		}
	}
	return nil
}

// progressCase works one case the way the team would: assigned the next
// morning, contacted, and for older ones a result.
func progressCase(ctx context.Context, store *models.Store, mgr models.User, agent models.CaseAgent, c models.BadReview, rng *rand.Rand, now time.Time) error {
	m := mgr.Actor("")
	ag := models.Actor{ID: agent.ID, Name: agent.Name}
	assigned := c.ReviewedAt.Add(time.Duration(10+rng.IntN(14)) * time.Hour)
	if err := store.AssignBadReviews(ctx, m, []models.CaseVersion{{ID: c.ID, Version: c.Version}}, agent.ID, assigned); err != nil {
		return err
	}
	version := c.Version + 1
	var causes []string
	for _, d := range demoReviewTexts {
		if d.text == c.Content {
			causes = d.causes
		}
	}
	if err := store.SaveCaseDetails(ctx, ag, models.CaseVersion{ID: c.ID, Version: version}, models.CaseDetails{Causes: causes, Item: c.Item, OrderNo: c.OrderNo, ServedBy: c.ServedBy}); err != nil {
		return err
	}
	version++
	if strings.Contains(c.Content, "维权") {
		// Rights complaints go to the store manager first (domain digest).
		return store.EscalateBadReview(ctx, ag, models.CaseVersion{ID: c.ID, Version: version}, "买家已在平台发起维权")
	}
	age := now.Sub(assigned)
	roll := rng.IntN(100)
	if roll < 3 || age < 4*24*time.Hour && roll < 30 {
		return nil // assigned, not yet contacted (some of these are overdue)
	}
	when := assigned.Add(time.Duration(1+rng.IntN(5)) * time.Hour)
	if when.After(now) {
		return nil
	}
	channels := models.BadReviewChannels
	first := models.ContactForm{Channel: channels[rng.IntN(len(channels))], ContactedAt: when, Reached: rng.IntN(4) > 0, Note: "说明情况并道歉"}
	if first.Reached {
		first.Offer, first.Answer = "apology", "thinking"
	} else {
		first.Note = "未联系上，已留言"
	}
	if err := store.LogContact(ctx, ag, c.ID, first, when); err != nil {
		return err
	}
	version++
	if strings.Contains(c.Content, "态度") || roll%11 == 0 {
		// A difficult buyer goes to the manager, who settles the older ones.
		if err := store.EscalateBadReview(ctx, ag, models.CaseVersion{ID: c.ID, Version: version}, "买家情绪激动，要求店长处理"); err != nil {
			return err
		}
		settled := when.Add(20 * time.Hour)
		if age < 8*24*time.Hour || settled.After(now) {
			return nil
		}
		return store.HandInResult(ctx, m, models.CaseVersion{ID: c.ID, Version: version + 1},
			models.ResultForm{Outcome: "explained", Account: "店长致电买家说明情况，买家接受解释"}, settled)
	}
	if roll < 5 || age < 2*24*time.Hour || age < 5*24*time.Hour && roll < 45 {
		return nil
	}
	when = when.Add(time.Duration(3+rng.IntN(20)) * time.Hour)
	if when.After(now) {
		return nil
	}
	offer := models.ContactForm{Channel: "wangwang", ContactedAt: when, Reached: true, Offer: "coupon", OfferFen: int64(5+rng.IntN(4)*5) * 100,
		Answer: "agreed", Note: "送优惠券，买家答应修改评价"}
	if roll%3 == 0 {
		offer.Offer, offer.OfferFen, offer.Answer, offer.Note = "partial_refund", 2000, "refused", "买家不接受补偿"
	}
	if err := store.LogContact(ctx, ag, c.ID, offer, when); err != nil {
		return err
	}
	version++
	if roll < 8 || age < 3*24*time.Hour || age < 6*24*time.Hour && roll < 60 {
		return nil
	}
	done := when.Add(time.Duration(2+rng.IntN(30)) * time.Hour)
	if done.After(now) {
		return nil
	}
	r := models.ResultForm{Outcome: "revised", FinalRating: "good", CompensationFen: offer.OfferFen, Account: "道歉并送优惠券，买家已改为好评"}
	switch {
	case offer.Answer == "refused" && roll%2 == 0:
		r = models.ResultForm{Outcome: "unresolved", Account: "买家坚持差评，不接受补偿"}
	case offer.Answer == "refused":
		r = models.ResultForm{Outcome: "explained", Account: "在评价下回复解释了原因"}
	case roll > 85:
		r = models.ResultForm{Outcome: "compensated", CompensationFen: offer.OfferFen, Account: "已补偿，买家表示满意但未改评"}
	}
	return store.HandInResult(ctx, ag, models.CaseVersion{ID: c.ID, Version: version}, r, done)
}
