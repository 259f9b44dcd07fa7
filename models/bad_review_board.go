package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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

// badReviewCasesQuery is a page of cases under f (its Limit and Loc
// already defaulted), one more than the page to know whether there is a
// next; setCases takes what it read.
func (s *Store) badReviewCasesQuery(ctx context.Context, f BadReviewFilter) *gorm.DB {
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
	return q.Order("reviewed_at DESC, id DESC").Limit(f.Limit + 1)
}

// setCases keeps the first limit of cases and the cursor after them.
func (page *BadReviewPage) setCases(cases []BadReview, limit int) {
	page.Cases = cases
	if len(cases) > limit {
		page.Cases = cases[:limit]
		last := page.Cases[limit-1]
		page.Next = AuditCursor{At: last.ReviewedAt, ID: last.ID}
	}
}

// BadReviewBoard is the board: a page of cases with the counts, the items
// for the item filter and, for those who assign, the agents by open cases.
type BadReviewBoard struct {
	BadReviewPage
	Items  []string
	Agents []CaseAgent // nil unless asked for
}

// ListBadReviewBoard reads the board, newest review first, keyset-paged on
// (reviewed_at, id), in two statements and one round trip (readBatch)
// whatever it shows: the counts, the items and the agents' open cases come
// from the tallies in one (they were three round trips, and a live count
// of every agent's open cases), the cases in the other. The agents
// themselves are the directory's kept copy. withAgents is for managers and
// QC, who assign.
func (s *Store) ListBadReviewBoard(ctx context.Context, f BadReviewFilter, withAgents bool) (BadReviewBoard, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Loc == nil {
		f.Loc = time.UTC
	}
	b := BadReviewBoard{BadReviewPage: BadReviewPage{Counts: map[string]int64{}}}
	// kind 'count': cases per status under the filter; 'item': an item
	// with cases, pos its place in the database's order of item names;
	// 'agent': open cases per agent id.
	agents := `SELECT 'agent', o.key, o.n, 0 FROM (` + openCasesByAgentSQL + `) o`
	if !withAgents {
		agents = `SELECT '', '', 0, 0 WHERE false`
	}
	type item struct {
		key string
		pos int64
	}
	var items []item
	var cases []BadReview
	open := openCases{}
	batch := s.newReadBatch(ctx)
	batch.rows("the board's counts", `
		SELECT 'count' AS kind, status AS key, n::bigint AS n, 0::bigint AS pos FROM (?) c
		UNION ALL
		SELECT 'item', key, 0, row_number() OVER (ORDER BY key)
		  FROM (SELECT key FROM bad_review_tallies WHERE dim = 'item' AND key <> '' AND status <> 'praise'
		         GROUP BY key HAVING sum(n) > 0 ORDER BY key LIMIT 500) i
		UNION ALL
		`+agents, []any{s.badReviewCounts(ctx, f)}, func(rows rowScanner) error {
		for rows.Next() {
			var kind, key string
			var n, pos int64
			if err := rows.Scan(&kind, &key, &n, &pos); err != nil {
				return err
			}
			switch kind {
			case "count":
				b.Counts[key] = n
			case "item":
				items = append(items, item{key, pos})
			case "agent":
				if err := open.add(key, n); err != nil {
					return err
				}
			}
		}
		return nil
	})
	batch.badReviews("the board's cases", s.badReviewCasesQuery(ctx, f), &cases)
	if err := batch.run(); err != nil {
		return b, fmt.Errorf("models: bad-review board: %w", err)
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.pos, b.pos) })
	b.Items = make([]string, len(items))
	for i, it := range items {
		b.Items[i] = it.key
	}
	b.setCases(cases, f.Limit)
	if withAgents {
		var err error
		if b.Agents, err = s.caseAgents(ctx, open); err != nil {
			return b, err
		}
	}
	return b, nil
}

// CaseAgent is an agent who can be given cases, with their open load.
type CaseAgent struct {
	ID        int64
	Name      string
	OpenCases int
}

// openCasesByAgentSQL is each agent's open cases from the tallies, as
// (key, n) with key the agent's id: one row per agent with any.
const openCasesByAgentSQL = `SELECT key, sum(n)::bigint AS n FROM bad_review_tallies
	WHERE dim = 'agent' AND status IN ` + openStatusesSQL + ` GROUP BY key HAVING sum(n) > 0`

// openCases is open cases by agent id, read from openCasesByAgentSQL.
type openCases map[int64]int

func (o openCases) add(key string, n int64) error {
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return fmt.Errorf("models: bad review tally of agent %q: %w", key, err)
	}
	o[id] = int(n)
	return nil
}

// CaseAgents lists active agents with their open cases, fewest first: the
// agents from the directory's kept copy, their open cases from the
// tallies (the board reads the same in its counts' statement).
func (s *Store) CaseAgents(ctx context.Context) ([]CaseAgent, error) {
	var rows []struct {
		Key string
		N   int64
	}
	if err := s.conn(ctx).Raw(openCasesByAgentSQL).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: unable to count open cases by agent: %w", err)
	}
	open := openCases{}
	for _, r := range rows {
		if err := open.add(r.Key, r.N); err != nil {
			return nil, err
		}
	}
	return s.caseAgents(ctx, open)
}

// caseAgents is the active agents with their open cases, fewest first,
// then by id.
func (s *Store) caseAgents(ctx context.Context, open openCases) ([]CaseAgent, error) {
	users, err := s.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	var out []CaseAgent
	for _, u := range users {
		if u.Role == RoleAgent && !u.Disabled {
			out = append(out, CaseAgent{ID: u.ID, Name: u.Name(), OpenCases: open[u.ID]})
		}
	}
	slices.SortFunc(out, func(x, y CaseAgent) int {
		return cmp.Or(cmp.Compare(x.OpenCases, y.OpenCases), cmp.Compare(x.ID, y.ID))
	})
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
	out, err := findBadReviews(s.openCasesOfQuery(ctx, agentID, limit))
	if err != nil {
		return nil, fmt.Errorf("models: unable to list open cases: %w", err)
	}
	return out, nil
}

func (s *Store) openCasesOfQuery(ctx context.Context, agentID int64, limit int) *gorm.DB {
	q := s.conn(ctx).Model(&BadReview{}).Where("status IN " + openStatusesSQL)
	if agentID != 0 {
		q = q.Where("agent_id = ?", agentID)
	}
	return q.Order("due_at NULLS LAST, id").Limit(limit)
}

// OverdueCases lists open cases past their deadline, most overdue first
// (the manager's today page).
func (s *Store) OverdueCases(ctx context.Context, now time.Time, limit int) ([]BadReview, error) {
	out, err := findBadReviews(s.overdueCasesQuery(ctx, now, limit))
	if err != nil {
		return nil, fmt.Errorf("models: unable to list overdue cases: %w", err)
	}
	return out, nil
}

func (s *Store) overdueCasesQuery(ctx context.Context, now time.Time, limit int) *gorm.DB {
	return s.conn(ctx).Model(&BadReview{}).Where("status IN "+openStatusesSQL+" AND due_at < ?", now).Order("due_at, id").Limit(limit)
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
