package models

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"
)

// BadReviewTotals are a period's headline figures.
type BadReviewTotals struct {
	Reviews, Good, Medium, Bad int64
	Closed, Resolved, Revised  int64
	Open, Overdue              int64
	CompensationFen            int64
	MedianResolveHours         *float64
}

// ResolutionRate is resolved cases over closed cases (0 when none closed).
func (t BadReviewTotals) ResolutionRate() float64 { return ratio(t.Resolved, t.Closed) }

// RevisionRate is cases the buyer revised over closed cases.
func (t BadReviewTotals) RevisionRate() float64 { return ratio(t.Revised, t.Closed) }

// CountBy is one row of a breakdown.
type CountBy struct {
	Key      string
	Count    int64
	Resolved int64
	Flagged  bool // an item complained about repeatedly in the period
}

// AgentCases is one agent's cases in a period and what reviews said of them.
type AgentCases struct {
	AgentID         int64
	Name            string
	Cases, Resolved int64
	Revised         int64
	Overdue         int64
	CompensationFen int64
	Praise          int64 // reviews naming the agent kindly
	Criticism       int64 // medium/bad reviews naming the agent
}

// ServiceScore is what reviews add to the agent's service score: one point
// per praise, minus one per criticism (domain: praise or criticism of an
// agent in a review counts in that agent's performance).
func (a AgentCases) ServiceScore() int64 { return a.Praise - a.Criticism }

// DayCount is one day of the trend.
type DayCount struct {
	Day         time.Time
	Medium, Bad int64
}

// BadReviewReport is what managers learn from a period's reviews.
type BadReviewReport struct {
	From, To time.Time
	Totals   BadReviewTotals
	ByCause  []CountBy
	ByItem   []CountBy
	ByAgent  []AgentCases
	Days     []DayCount
	// CauseWeeks, ItemWeeks and AgentWeeks count the medium/bad reviews of
	// each cause, of the most complained-about items (the first
	// trendItems of ByItem) and of each agent's cases (key: the agent's id)
	// per week (weeks start on Monday, shop time): the trend, not only
	// the total.
	CauseWeeks, ItemWeeks, AgentWeeks []WeekCount
}

// trendItems is how many items get a weekly trend.
const trendItems = 10

// WeekCount is one key's medium/bad reviews in one week.
type WeekCount struct {
	Key   string
	Week  time.Time // Monday 00:00 of the week, in the shop's time zone
	Count int64
}

// BadReviewReportFor reads the reviews posted in [from, to), days counted
// in loc; items with at least repeat complaints are flagged.
func (s *Store) BadReviewReportFor(ctx context.Context, from, to time.Time, loc *time.Location, repeat int, now time.Time) (BadReviewReport, error) {
	r := BadReviewReport{From: from, To: to}
	db := s.conn(ctx)
	err := db.Raw(`
		SELECT count(*) AS reviews,
		       count(*) FILTER (WHERE rating = 'good' AND status = 'praise') AS good,
		       count(*) FILTER (WHERE first_rating = 'medium' AND status <> 'praise') AS medium,
		       count(*) FILTER (WHERE first_rating = 'bad' AND status <> 'praise') AS bad,
		       count(*) FILTER (WHERE status IN ('resolved', 'unresolved')) AS closed,
		       count(*) FILTER (WHERE status = 'resolved') AS resolved,
		       count(*) FILTER (WHERE outcome = 'revised') AS revised,
		       count(*) FILTER (WHERE status IN ?) AS open,
		       count(*) FILTER (WHERE status IN ? AND due_at < ?) AS overdue,
		       coalesce(sum(compensation_fen), 0) AS compensation_fen,
		       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - assigned_at) / 3600)
		           FILTER (WHERE resolved_at IS NOT NULL AND assigned_at IS NOT NULL) AS median_resolve_hours
		  FROM bad_reviews WHERE reviewed_at >= ? AND reviewed_at < ?`,
		BadReviewOpenStatuses, BadReviewOpenStatuses, now, from, to).Scan(&r.Totals).Error
	if err != nil {
		return r, fmt.Errorf("models: bad review totals: %w", err)
	}
	err = db.Raw(`
		SELECT cause AS key, count(*) AS count, count(*) FILTER (WHERE status = 'resolved') AS resolved
		  FROM bad_reviews, unnest(causes) AS cause
		 WHERE reviewed_at >= ? AND reviewed_at < ? AND status <> 'praise'
		 GROUP BY cause ORDER BY count DESC, cause`, from, to).Scan(&r.ByCause).Error
	if err != nil {
		return r, fmt.Errorf("models: bad reviews by cause: %w", err)
	}
	err = db.Raw(`
		SELECT item AS key, count(*) AS count, count(*) FILTER (WHERE status = 'resolved') AS resolved, count(*) >= ? AS flagged
		  FROM bad_reviews
		 WHERE reviewed_at >= ? AND reviewed_at < ? AND status <> 'praise' AND item <> ''
		 GROUP BY item ORDER BY count DESC, item LIMIT 50`, repeat, from, to).Scan(&r.ByItem).Error
	if err != nil {
		return r, fmt.Errorf("models: bad reviews by item: %w", err)
	}
	err = db.Raw(`
		SELECT date_trunc('day', reviewed_at AT TIME ZONE ?) AS day,
		       count(*) FILTER (WHERE first_rating = 'medium') AS medium, count(*) FILTER (WHERE first_rating = 'bad') AS bad
		  FROM bad_reviews
		 WHERE reviewed_at >= ? AND reviewed_at < ? AND status <> 'praise'
		 GROUP BY 1 ORDER BY 1`, loc.String(), from, to).Scan(&r.Days).Error
	if err != nil {
		return r, fmt.Errorf("models: bad reviews by day: %w", err)
	}
	r.Days = everyDay(r.Days, from, to, loc)
	if r.CauseWeeks, err = weekCounts(db, loc, from, to, "cause", "FROM bad_reviews, unnest(causes) AS cause", ""); err != nil {
		return r, err
	}
	items := []string{}
	for _, it := range r.ByItem[:min(trendItems, len(r.ByItem))] {
		items = append(items, it.Key)
	}
	if r.ItemWeeks, err = weekCounts(db, loc, from, to, "item", "FROM bad_reviews", "AND item = ANY(?)", pq.StringArray(items)); err != nil {
		return r, err
	}
	if r.AgentWeeks, err = weekCounts(db, loc, from, to, "agent_id::text", "FROM bad_reviews", "AND agent_id IS NOT NULL"); err != nil {
		return r, err
	}
	r.ByAgent, err = s.agentCases(ctx, from, to, now)
	return r, err
}

// weekCounts counts the period's medium/bad reviews per key and week.
func weekCounts(db *gorm.DB, loc *time.Location, from, to time.Time, key, fromClause, extra string, args ...any) ([]WeekCount, error) {
	var rows []WeekCount
	q := `SELECT ` + key + ` AS key, date_trunc('week', reviewed_at AT TIME ZONE ?) AS week, count(*) AS count ` + fromClause + `
		 WHERE reviewed_at >= ? AND reviewed_at < ? AND status <> 'praise' ` + extra + `
		 GROUP BY 1, 2 ORDER BY 2, 1`
	if err := db.Raw(q, append([]any{loc.String(), from, to}, args...)...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: bad reviews by %s and week: %w", key, err)
	}
	for i, w := range rows {
		// The database gives the shop's wall-clock Monday; pin it to loc.
		d := w.Week
		rows[i].Week = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	}
	return rows, nil
}

// everyDay fills the days without reviews so the trend's time axis is even.
func everyDay(days []DayCount, from, to time.Time, loc *time.Location) []DayCount {
	have := map[string]DayCount{}
	for _, d := range days {
		have[d.Day.Format(time.DateOnly)] = d
	}
	var out []DayCount
	for d := from.In(loc); d.Before(to) && len(out) < 400; d = d.AddDate(0, 0, 1) {
		y, m, dd := d.Date()
		day := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		c := have[day.Format(time.DateOnly)]
		c.Day = day
		out = append(out, c)
	}
	return out
}

// agentCases is each agent's cases in the period and the reviews naming them.
func (s *Store) agentCases(ctx context.Context, from, to, now time.Time) ([]AgentCases, error) {
	var out []AgentCases
	// Reviews naming an agent are kept in bad_review_mentions by triggers
	// (migration 00054) as reviews and names change.
	err := s.conn(ctx).Raw(`
	WITH mentions AS (
		SELECT m.user_id, count(*) FILTER (WHERE b.rating = 'good') AS praise, count(*) FILTER (WHERE b.rating <> 'good') AS criticism
		  FROM bad_reviews b JOIN bad_review_mentions m ON m.review_id = b.id
		 WHERE b.reviewed_at >= ? AND b.reviewed_at < ?
		 GROUP BY m.user_id
	), cases AS (
		SELECT agent_id, count(*) AS cases, count(*) FILTER (WHERE status = 'resolved') AS resolved,
		       count(*) FILTER (WHERE outcome = 'revised') AS revised,
		       count(*) FILTER (WHERE status IN ? AND due_at < ?) AS overdue,
		       coalesce(sum(compensation_fen), 0) AS compensation_fen
		  FROM bad_reviews WHERE agent_id IS NOT NULL AND reviewed_at >= ? AND reviewed_at < ?
		 GROUP BY agent_id
	)
	SELECT u.id AS agent_id, coalesce(nullif(u.display_name, ''), u.username) AS name,
	       coalesce(c.cases, 0) AS cases, coalesce(c.resolved, 0) AS resolved, coalesce(c.revised, 0) AS revised,
	       coalesce(c.overdue, 0) AS overdue, coalesce(c.compensation_fen, 0) AS compensation_fen,
	       coalesce(m.praise, 0) AS praise, coalesce(m.criticism, 0) AS criticism
	  FROM users u LEFT JOIN cases c ON c.agent_id = u.id LEFT JOIN mentions m ON m.user_id = u.id
	 WHERE u.role = 'agent' AND (NOT u.disabled OR c.cases > 0)
	 ORDER BY cases DESC, u.id`, from, to, BadReviewOpenStatuses, now, from, to).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: bad reviews by agent: %w", err)
	}
	return out, nil
}

// AgentMentions lists the latest reviews naming an agent, for their page.
func (s *Store) AgentMentions(ctx context.Context, agentID int64, limit int) ([]BadReview, error) {
	var out []BadReview
	err := s.conn(ctx).Raw(`
		SELECT b.* FROM bad_review_mentions m JOIN bad_reviews b ON b.id = m.review_id
		 WHERE m.user_id = ?
		 ORDER BY b.reviewed_at DESC, b.id DESC LIMIT ?`, agentID, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: reviews naming agent %d: %w", agentID, err)
	}
	return out, nil
}
