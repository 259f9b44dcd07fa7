package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ScaleAreaCounts is what GenerateScaleAreas wrote.
type ScaleAreaCounts struct {
	BadReviews, Praise, VIPs, Visits, RotaDays int64
}

// GenerateScaleAreas fills the bad-review tracker, the VIP lists and the
// rota of a *_bench database from the orders GenerateScale wrote and
// AttributeOrders credited: at scale 1, 100,000 medium/bad reviews (as many
// good ones for the praise count), 20,000 VIPs with a visit list a month,
// and a published year of rota for every agent. It is set-based SQL inside
// the server (INSERT … SELECT over the generated orders), deterministic
// for the same orders, and empties the tables it fills first.
//
// now is "today" for the generated shop: the age of a review decides its
// status, so the board has new, open, due-today, overdue and closed cases
// the way a real one does.
func (s *Store) GenerateScaleAreas(ctx context.Context, o ScaleOptions, loc *time.Location, now time.Time, progress ScaleProgress) (ScaleAreaCounts, error) {
	var out ScaleAreaCounts
	var name string
	if err := s.conn(ctx).Raw(`SELECT current_database()`).Scan(&name).Error; err != nil {
		return out, fmt.Errorf("models: scale: database name: %w", err)
	}
	if !strings.HasSuffix(name, "_bench") {
		return out, ErrNotABenchDatabase
	}
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	db := s.conn(ctx)
	if err := db.Exec(`TRUNCATE bad_reviews, bad_review_tallies, bad_review_mentions, vip_customers, vip_suggestion_decisions, visit_lists,
	                       shift_assignments, rota_weeks RESTART IDENTITY CASCADE`).Error; err != nil {
		return out, fmt.Errorf("models: scale: empty area tables: %w", err)
	}
	var orders int64
	if err := db.Raw(`SELECT count(*) FROM orders WHERE paid_at IS NOT NULL`).Scan(&orders).Error; err != nil {
		return out, fmt.Errorf("models: scale: count orders: %w", err)
	}
	want := int64(100000 * o.Scale)
	if orders == 0 || want == 0 {
		return out, nil
	}
	every := max(orders/want, 2)

	// Bad reviews: one paid order in `every`, posted 1-7 days after payment;
	// every fourth is medium. The agent who was credited served the buyer
	// and, on most cases, is the one handling it. Status by age: today's
	// are new, this week's are being worked (some past their 3 days),
	// older ones closed with a result.
	progress("bad reviews", 0, want)
	res := db.Exec(`
		WITH picked AS (
			SELECT o.id / ? AS id, o.order_no, o.buyer, o.paid_at + make_interval(days => 1 + (o.id % 7)::int, secs => (o.id % 36000)::int) AS at,
			       (SELECT c.user_id FROM order_credits c WHERE c.order_id = o.id AND c.kind = 'credit' ORDER BY c.share_bp DESC LIMIT 1) AS served
			  FROM orders o
			 WHERE o.paid_at IS NOT NULL AND o.id % ? = 0),
		agents AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE role = 'agent' AND NOT disabled),
		aged AS (
			SELECT p.*, extract(epoch FROM (?::timestamptz - p.at)) / 86400 AS age,
			       coalesce(p.served, a.ids[1 + (p.id % array_length(a.ids, 1))]) AS agent
			  FROM picked p, agents a
			 WHERE p.at < ?::timestamptz)
		INSERT INTO bad_reviews (review_no, order_no, buyer, rating, first_rating, content, item, reviewed_at, status,
		                         agent_id, served_by, causes, assigned_at, due_at, escalation, outcome, final_rating,
		                         compensation_fen, account, resolved_at, created_at, updated_at)
		SELECT 'S' || id, order_no, buyer, r.rating, r.rating,
		       -- Complaints about attitude name the agent, as buyers do.
		       CASE WHEN id % 9 = 6 THEN '客服' || coalesce((SELECT display_name FROM users WHERE users.id = agent), '') || '态度很差，问了半天没人理'
		       ELSE (ARRAY['快递太慢了，等了一个星期','收到的时候盒子压坏了','质量一般，洗了一次就起球','尺码偏小，穿不上','发错颜色了','和图片差别很大','','买完就降价了，不开心','一般般吧'])[1 + (id % 9)::int] END,
		       (ARRAY['羊毛大衣','真丝衬衫','牛仔裤','羽绒服','针织开衫','连衣裙','运动鞋','围巾','卫衣','西装外套'])[1 + (id / 7 % 10)::int],
		       at, st.status,
		       CASE WHEN st.status = 'new' THEN NULL ELSE agent END, served,
		       ARRAY[(ARRAY['logistics','damaged','quality','size','wrong_item','mismatch','attitude','price','other'])[1 + (id % 9)::int]],
		       CASE WHEN st.status = 'new' THEN NULL ELSE at + interval '3 hours' END,
		       CASE WHEN st.status = 'new' THEN NULL ELSE at + interval '3 hours' + interval '3 days' END,
		       CASE WHEN st.status = 'escalated' THEN '买家要求退一赔三，已申请平台介入' ELSE '' END,
		       st.outcome,
		       CASE WHEN st.outcome = 'revised' THEN 'good' ELSE '' END,
		       CASE WHEN st.outcome = 'compensated' THEN 1000 + (id % 40) * 500 ELSE 0 END,
		       CASE WHEN st.outcome <> '' THEN '已联系买家处理' ELSE '' END,
		       CASE WHEN st.outcome <> '' THEN at + make_interval(hours => 5 + (id % 60)::int) END,
		       at, at
		  FROM aged,
		       LATERAL (SELECT CASE WHEN id % 4 = 0 THEN 'medium' ELSE 'bad' END AS rating) r,
		       LATERAL (SELECT CASE
		           WHEN age < 1 THEN 'new'
		           WHEN age < 8 THEN (ARRAY['assigned','contacting','contacting','agreed','escalated','resolved'])[1 + (id % 6)::int]
		           WHEN id % 10 < 2 THEN 'unresolved'
		           ELSE 'resolved' END AS status) s0,
		       LATERAL (SELECT s0.status AS status, CASE
		           WHEN s0.status = 'unresolved' THEN 'unresolved'
		           WHEN s0.status = 'resolved' THEN (ARRAY['revised','revised','explained','compensated'])[1 + (id / 3 % 4)::int]
		           ELSE '' END AS outcome) st`, every, every, now, now)
	if res.Error != nil {
		return out, fmt.Errorf("models: scale: bad reviews: %w", res.Error)
	}
	out.BadReviews = res.RowsAffected
	progress("bad reviews", out.BadReviews, want)

	// Praise: as many good reviews, on other orders, for the praise count.
	res = db.Exec(`
		WITH agents AS (SELECT array_agg(display_name ORDER BY id) AS names FROM users
		                 WHERE role = 'agent' AND NOT disabled AND char_length(display_name) >= 2)
		INSERT INTO bad_reviews (review_no, order_no, buyer, rating, first_rating, content, item, reviewed_at, status, created_at, updated_at)
		SELECT 'G' || o.id, o.order_no, o.buyer, 'good', 'good',
		       -- One in five praises an agent by name.
		       CASE WHEN (o.id / ?) % 5 = 0 AND a.names IS NOT NULL THEN a.names[1 + (o.id / ? / 5 % array_length(a.names, 1))::int] || '服务很好，很耐心'
		       ELSE '质量很好，客服很耐心' END,
		       (ARRAY['羊毛大衣','真丝衬衫','牛仔裤','羽绒服','针织开衫','连衣裙','运动鞋','围巾','卫衣','西装外套'])[1 + (o.id / 7 % 10)::int],
		       o.paid_at + interval '2 days', 'praise', o.paid_at + interval '2 days', o.paid_at + interval '2 days'
		  FROM orders o, agents a
		 WHERE o.paid_at IS NOT NULL AND o.id % ? = 1 AND o.paid_at + interval '2 days' < ?::timestamptz`, every, every, every, now)
	if res.Error != nil {
		return out, fmt.Errorf("models: scale: praise: %w", res.Error)
	}
	out.Praise = res.RowsAffected

	if err := s.scaleVIPs(ctx, o, loc, now, &out, progress); err != nil {
		return out, err
	}
	if err := s.scaleRota(ctx, o, loc, now, &out, progress); err != nil {
		return out, err
	}
	if err := db.Exec(`ANALYZE`).Error; err != nil {
		return out, fmt.Errorf("models: scale: analyze: %w", err)
	}
	return out, nil
}

// scaleVIPs makes the shop's best buyers by money its VIPs (20,000 at
// scale 1), and gives each month of the year a visit list over them: past
// months done (a few unreachable), this month half done, some overdue.
func (s *Store) scaleVIPs(ctx context.Context, o ScaleOptions, loc *time.Location, now time.Time, out *ScaleAreaCounts, progress ScaleProgress) error {
	db := s.conn(ctx)
	want := max(int64(20000*o.Scale), 10)
	progress("vips", 0, want)
	res := db.Exec(`
		INSERT INTO vip_customers (buyer, real_name, phone, tier, tags, preferred_channel, source, created_at, updated_at)
		SELECT buyer,
		       (ARRAY['张','王','李','赵','刘','陈','杨','黄'])[1 + (rn % 8)::int] || (ARRAY['女士','先生'])[1 + (rn % 2)::int],
		       '13' || lpad(((rn * 7919) % 1000000000)::text, 9, '0'),
		       CASE WHEN rn <= ? / 10 THEN 'diamond' WHEN rn <= ? / 3 THEN 'gold' ELSE 'silver' END,
		       CASE WHEN rn % 5 = 0 THEN ARRAY['老客户','大促'] ELSE ARRAY['老客户'] END,
		       (ARRAY['phone','wangwang','wechat'])[1 + (rn % 3)::int], 'import', ?::timestamptz, ?::timestamptz
		  FROM (SELECT buyer, row_number() OVER (ORDER BY sum(paid_fen - refund_fen) DESC, buyer) AS rn
		          FROM orders WHERE paid_at IS NOT NULL GROUP BY buyer) b
		 WHERE rn <= ?`, want, want, now, now, want)
	if res.Error != nil {
		return fmt.Errorf("models: scale: vips: %w", res.Error)
	}
	out.VIPs = res.RowsAffected
	progress("vips", out.VIPs, want)

	// One monthly list per month of the year, every VIP in it, spread over
	// the agents round-robin with due dates through the month.
	res = db.Exec(`
		WITH months AS (
			SELECT m::date AS start, (m + interval '1 month - 1 day')::date AS stop, row_number() OVER (ORDER BY m) AS n
			  FROM generate_series(date_trunc('month', (?::timestamptz AT TIME ZONE ?) - interval '11 months'),
			                       date_trunc('month', ?::timestamptz AT TIME ZONE ?), interval '1 month') AS m),
		agents AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE role = 'agent' AND NOT disabled)
		INSERT INTO visit_lists (name, purpose, period_start, period_end, script, tiers, monthly, agent_ids, created_at, updated_at)
		SELECT to_char(start, 'YYYY-MM') || ' VIP月度回访', 'VIP monthly', start, stop, '问候近况，介绍新品，记录意见', '{}', true,
		       agents.ids[1:least(30, array_length(agents.ids, 1))], start, start
		  FROM months, agents ORDER BY start`, now, loc.String(), now, loc.String())
	if res.Error != nil {
		return fmt.Errorf("models: scale: visit lists: %w", res.Error)
	}
	today := now.In(loc).Format(time.DateOnly)
	res = db.Exec(`
		INSERT INTO vip_visits (list_id, customer_id, agent_id, due_on, status, last_outcome, no_answers, first_reached_at, created_at, updated_at, closed_at)
		SELECT l.id, c.id, l.agent_ids[1 + (c.id % array_length(l.agent_ids, 1))::int],
		       least(l.period_start + (c.id % 28)::int, l.period_end), v.status,
		       CASE v.status WHEN 'done' THEN 'reached' WHEN 'unreachable' THEN 'no_answer' ELSE '' END,
		       CASE v.status WHEN 'unreachable' THEN 3 ELSE 0 END,
		       CASE WHEN v.status = 'done' THEN l.period_start + (c.id % 28)::int + time '12:30' END,
		       l.created_at, l.created_at,
		       CASE WHEN v.status <> 'open' THEN l.period_start + (c.id % 28)::int + time '19:00' END
		  FROM visit_lists l CROSS JOIN vip_customers c,
		       LATERAL (SELECT CASE
		           WHEN l.period_end < ?::date THEN CASE WHEN c.id % 20 = 0 THEN 'unreachable' ELSE 'done' END
		           WHEN least(l.period_start + (c.id % 28)::int, l.period_end) < ?::date AND c.id % 3 <> 0 THEN 'done'
		           ELSE 'open' END AS status) v`, today, today)
	if res.Error != nil {
		return fmt.Errorf("models: scale: visits: %w", res.Error)
	}
	out.Visits = res.RowsAffected
	err := db.Exec(`
		INSERT INTO vip_visit_logs (visit_id, agent_id, channel, contacted_at, outcome, notes)
		SELECT v.id, v.agent_id, 'phone', coalesce(v.first_reached_at, v.closed_at),
		       CASE v.status WHEN 'done' THEN 'reached' ELSE 'no_answer' END, '已回访'
		  FROM vip_visits v WHERE v.status <> 'open'`).Error
	if err != nil {
		return fmt.Errorf("models: scale: visit logs: %w", err)
	}
	progress("visits", out.Visits, out.Visits)
	return nil
}

// scaleRota publishes a year of weeks up to four weeks ahead: early and
// late alternate weekly (half the team on each), two rest days a week
// spread over the team, as the rota generator would leave them.
func (s *Store) scaleRota(ctx context.Context, o ScaleOptions, loc *time.Location, now time.Time, out *ScaleAreaCounts, progress ScaleProgress) error {
	db := s.conn(ctx)
	local := now.In(loc)
	monday := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	monday = monday.AddDate(0, 0, -((int(monday.Weekday()) + 6) % 7))
	first := monday.AddDate(0, 0, -7*(o.Days/7))
	last := monday.AddDate(0, 0, 7*4)
	err := db.Exec(`
		INSERT INTO rota_weeks (week_start, status, published_at)
		SELECT w::date, 'published', w FROM generate_series(?::date, ?::date, interval '7 days') AS w`,
		first.Format(time.DateOnly), last.Format(time.DateOnly)).Error
	if err != nil {
		return fmt.Errorf("models: scale: rota weeks: %w", err)
	}
	res := db.Exec(`
		INSERT INTO shift_assignments (user_id, day, shift)
		SELECT u.id, d::date,
		       CASE WHEN (extract(isodow FROM d)::int + u.id) % 7 IN (0, 1) THEN ''
		            WHEN ((d::date - ?::date) / 7 + u.id) % 2 = 0 THEN 'early' ELSE 'late' END
		  FROM users u, generate_series(?::date, ?::date + 6, interval '1 day') AS d
		 WHERE u.role = 'agent' AND NOT u.disabled`,
		first.Format(time.DateOnly), first.Format(time.DateOnly), last.Format(time.DateOnly))
	if res.Error != nil {
		return fmt.Errorf("models: scale: rota: %w", res.Error)
	}
	out.RotaDays = res.RowsAffected
	progress("rota days", out.RotaDays, out.RotaDays)
	return nil
}
