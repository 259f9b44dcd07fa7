package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// BadReviewFilter narrows the board; zero fields do not filter.
type BadReviewFilter struct {
	Status  string // a status, "open" for every worked status, "" for every case
	AgentID int64
	Cause   string
	Item    string
	Due     string // DueToday or DueOverdue
	// Viewer limits an agent to their own cases (and unassigned ones when
	// Unassigned, i.e. the shop lets agents take cases).
	Viewer     int64
	Unassigned bool
	Now        time.Time
	Loc        *time.Location
	Before     AuditCursor
	Limit      int
}

// BadReviewPage is one page of the board.
type BadReviewPage struct {
	Cases  []BadReview
	Next   AuditCursor
	Counts map[string]int64 // cases per status under the other filters
}

// scope applies every filter but the status and the cursor.
func (f BadReviewFilter) scope(q *gorm.DB) *gorm.DB {
	q = q.Where("status <> ?", BadReviewPraise)
	if f.Viewer != 0 {
		if f.Unassigned {
			q = q.Where("(agent_id = ? OR status = ?)", f.Viewer, BadReviewNew)
		} else {
			q = q.Where("agent_id = ?", f.Viewer)
		}
	}
	if f.AgentID != 0 {
		q = q.Where("agent_id = ?", f.AgentID)
	}
	if f.Cause != "" {
		q = q.Where("causes @> ARRAY[?]::text[]", f.Cause)
	}
	if f.Item != "" {
		q = q.Where("item = ?", f.Item)
	}
	switch f.Due {
	case DueOverdue:
		q = q.Where("status IN "+openStatusesSQL+" AND due_at < ?", f.Now)
	case DueToday:
		y, m, d := f.Now.In(f.Loc).Date()
		start := time.Date(y, m, d, 0, 0, 0, 0, f.Loc)
		q = q.Where("status IN "+openStatusesSQL+" AND due_at >= ? AND due_at < ?", maxTime(start, f.Now), start.AddDate(0, 0, 1))
	}
	return q
}

// ListBadReviews reads the board newest review first, keyset-paged on
// (reviewed_at, id), with the count of cases per status.
func (s *Store) ListBadReviews(ctx context.Context, f BadReviewFilter) (BadReviewPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Loc == nil {
		f.Loc = time.UTC
	}
	page := BadReviewPage{Counts: map[string]int64{}}
	var counts []struct {
		Status string
		N      int64
	}
	if err := s.badReviewCounts(ctx, f).Scan(&counts).Error; err != nil {
		return page, fmt.Errorf("models: unable to count bad reviews: %w", err)
	}
	for _, c := range counts {
		page.Counts[c.Status] = c.N
	}
	q := f.scope(s.conn(ctx).Model(&BadReview{}))
	switch f.Status {
	case "":
	case "open":
		q = q.Where("status IN " + openStatusesSQL)
	default:
		q = q.Where("status = ?", f.Status)
	}
	if !f.Before.IsZero() {
		q = q.Where("(reviewed_at, id) < (?, ?)", f.Before.At, f.Before.ID)
	}
	var err error
	if page.Cases, err = findBadReviews(q.Order("reviewed_at DESC, id DESC").Limit(f.Limit + 1)); err != nil {
		return page, fmt.Errorf("models: unable to list bad reviews: %w", err)
	}
	if len(page.Cases) > f.Limit {
		page.Cases = page.Cases[:f.Limit]
		last := page.Cases[f.Limit-1]
		page.Next = AuditCursor{At: last.ReviewedAt, ID: last.ID}
	}
	return page, nil
}

// CaseAgent is an agent who can be given cases, with their open load.
type CaseAgent struct {
	ID        int64
	Name      string
	OpenCases int
}

// CaseAgents lists active agents with their open cases, fewest first.
// Scanned by hand: the board reads the whole team on every manager's view.
// The open cases are counted over the partial index of open cases
// (migration 00056), and the statement has no parameters, so it is
// planned once per connection instead of on every view.
func (s *Store) CaseAgents(ctx context.Context) ([]CaseAgent, error) {
	rows, err := s.conn(ctx).Raw(`
		SELECT u.id, coalesce(nullif(u.display_name, ''), u.username) AS name, coalesce(o.n, 0) AS open_cases
		  FROM users u
		  LEFT JOIN (SELECT agent_id, count(*) AS n FROM bad_reviews
		              WHERE status IN ` + openStatusesSQL + ` GROUP BY agent_id) o ON o.agent_id = u.id
		 WHERE u.role = 'agent' AND NOT u.disabled
		 ORDER BY open_cases, u.id`).Rows()
	if err != nil {
		return nil, fmt.Errorf("models: unable to list case agents: %w", err)
	}
	defer rows.Close()
	var out []CaseAgent
	for rows.Next() {
		var a CaseAgent
		if err := rows.Scan(&a.ID, &a.Name, &a.OpenCases); err != nil {
			return nil, fmt.Errorf("models: unable to list case agents: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("models: unable to list case agents: %w", err)
	}
	return out, nil
}

// Suggestion is the agent suggested for a new case, with why (the board
// shows the reasons).
type Suggestion struct {
	CaseAgent
	Duty   string // Duty.Reason: "on_duty", "next_shift", or "" without a rota
	Served bool   // this agent served the buyer
	Fewest bool   // picked for having the fewest open cases
}

// SuggestAgents picks an agent for each new case. With a published rota
// only agents on duty now or on the next shift are considered (a case given
// to someone off for days would miss its deadline); among them the agent
// who served the buyer, else whoever has the fewest open cases, counting
// the suggestions already made so a page of new cases is spread out (on a
// tie, on duty now before next shift). Without a published rota, or when
// nobody is on it, every active agent is considered, as before shifts
// existed.
func SuggestAgents(cases []BadReview, agents []CaseAgent, duty Duty) map[int64]Suggestion {
	pool := agents
	if duty.Published {
		var on []CaseAgent
		for _, a := range agents {
			if duty.Reason(a.ID) != "" {
				on = append(on, a)
			}
		}
		if len(on) > 0 {
			pool = on
		}
	}
	rank := func(id int64) int {
		switch duty.Reason(id) {
		case "on_duty":
			return 0
		case "next_shift":
			return 1
		}
		return 2
	}
	out := map[int64]Suggestion{}
	load := map[int64]int{}
	byID := map[int64]CaseAgent{}
	for _, a := range pool {
		load[a.ID], byID[a.ID] = a.OpenCases, a
	}
	for _, c := range cases {
		if c.Status != BadReviewNew || len(pool) == 0 {
			continue
		}
		var sug Suggestion
		if c.ServedBy != nil {
			sug.CaseAgent, sug.Served = byID[*c.ServedBy]
		}
		if !sug.Served {
			pick := pool[0]
			for _, a := range pool[1:] {
				if load[a.ID] < load[pick.ID] || load[a.ID] == load[pick.ID] && rank(a.ID) < rank(pick.ID) {
					pick = a
				}
			}
			sug.CaseAgent, sug.Fewest = pick, true
		}
		sug.Duty = duty.Reason(sug.ID)
		load[sug.ID]++
		out[c.ID] = sug
	}
	return out
}

// OpenCasesOf lists an agent's open cases, soonest due first (today page,
// handover).
func (s *Store) OpenCasesOf(ctx context.Context, agentID int64, limit int) ([]BadReview, error) {
	q := s.conn(ctx).Model(&BadReview{}).Where("status IN " + openStatusesSQL)
	if agentID != 0 {
		q = q.Where("agent_id = ?", agentID)
	}
	out, err := findBadReviews(q.Order("due_at NULLS LAST, id").Limit(limit))
	if err != nil {
		return nil, fmt.Errorf("models: unable to list open cases: %w", err)
	}
	return out, nil
}

// OverdueCases lists open cases past their deadline, most overdue first
// (the manager's today page).
func (s *Store) OverdueCases(ctx context.Context, now time.Time, limit int) ([]BadReview, error) {
	out, err := findBadReviews(s.conn(ctx).Model(&BadReview{}).
		Where("status IN "+openStatusesSQL+" AND due_at < ?", now).Order("due_at, id").Limit(limit))
	if err != nil {
		return nil, fmt.Errorf("models: unable to list overdue cases: %w", err)
	}
	return out, nil
}

// HandoverCase is an unfinished case with its latest contact, for the next shift.
type HandoverCase struct {
	BadReview
	LastChannel string
	LastAt      *time.Time
	LastNote    string
	LastAnswer  string
	Attempts    int
}

// HandoverCases lists every unfinished case with what was last tried, by
// agent then deadline: what the next shift picks up.
func (s *Store) HandoverCases(ctx context.Context) ([]HandoverCase, error) {
	var out []HandoverCase
	err := s.conn(ctx).Raw(`
		SELECT b.*, l.channel AS last_channel, l.contacted_at AS last_at, l.note AS last_note, l.answer AS last_answer,
		       (SELECT count(*) FROM bad_review_contacts c WHERE c.bad_review_id = b.id) AS attempts
		  FROM bad_reviews b
		  LEFT JOIN LATERAL (SELECT channel, contacted_at, note, answer FROM bad_review_contacts c
		                      WHERE c.bad_review_id = b.id ORDER BY contacted_at DESC, id DESC LIMIT 1) l ON true
		 WHERE b.status IN ?
		 ORDER BY b.agent_id, b.due_at, b.id`, BadReviewOpenStatuses).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list handover cases: %w", err)
	}
	return out, nil
}

// badReviewCounts counts the cases per status under every filter but the
// status. With at most one of agent, viewer, item or cause (what the board
// is opened with nearly always) the counts come from bad_review_tallies,
// kept by a trigger as cases change (migration 00051): a handful of rows
// instead of every case. A due filter depends on the clock and a
// combination of filters is narrow: those are counted live, through the
// indexes.
func (s *Store) badReviewCounts(ctx context.Context, f BadReviewFilter) *gorm.DB {
	filters := 0
	for _, set := range []bool{f.AgentID != 0, f.Viewer != 0, f.Cause != "", f.Item != ""} {
		if set {
			filters++
		}
	}
	if f.Due != "" || filters > 1 {
		return f.scope(s.conn(ctx).Model(&BadReview{})).Select("status, count(*) AS n").Group("status")
	}
	q := s.conn(ctx).Table("bad_review_tallies").Select("status, sum(n) AS n").Where("status <> ?", BadReviewPraise)
	switch {
	case f.Viewer != 0 && f.Unassigned:
		// Unassigned cases are the new ones, which have no agent.
		q = q.Where("(dim = 'agent' AND key = ?) OR (dim = 'all' AND status = ?)", strconv.FormatInt(f.Viewer, 10), BadReviewNew)
	case f.Viewer != 0:
		q = q.Where("dim = 'agent' AND key = ?", strconv.FormatInt(f.Viewer, 10))
	case f.AgentID != 0:
		q = q.Where("dim = 'agent' AND key = ?", strconv.FormatInt(f.AgentID, 10))
	case f.Cause != "":
		q = q.Where("dim = 'cause' AND key = ?", f.Cause)
	case f.Item != "":
		q = q.Where("dim = 'item' AND key = ?", f.Item)
	default:
		q = q.Where("dim = 'all'")
	}
	return q.Group("status").Having("sum(n) > 0")
}

// BadReviewItems lists the items with cases, for the board's item filter
// (from the tallies: one row per item and status).
func (s *Store) BadReviewItems(ctx context.Context) ([]string, error) {
	var out []string
	err := s.conn(ctx).Raw(`SELECT key FROM bad_review_tallies WHERE dim = 'item' AND key <> '' AND status <> 'praise'
		GROUP BY key HAVING sum(n) > 0 ORDER BY key LIMIT 500`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: unable to list items: %w", err)
	}
	return out, nil
}
