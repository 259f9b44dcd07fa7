package models

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"kefudesk/models/scoring"
)

// AgentQuality is one agent's figures over a period.
type AgentQuality struct {
	Nick          string
	AgentID       *int64
	Name          string
	Team          Team
	Reviews       int
	MeanScore     float64 // mean of review scores, percent
	Appeals       int
	AppealsUpheld int // accepted or partly accepted
	Received      int64
	ResponseRate  float64
	HasRate       bool
	Attention     bool // below the team's mean on both response rate and quality
	Weeks         []WeekScore
}

// AppealRate is the share of the agent's reviews appealed.
func (a AgentQuality) AppealRate() float64 {
	if a.Reviews == 0 {
		return 0
	}
	return float64(a.Appeals) / float64(a.Reviews)
}

// TeamQuality is a team's mean over its agents' reviews.
type TeamQuality struct {
	Team      Team
	Reviews   int
	MeanScore float64
}

// CategoryFailures is how often a scorecard category was failed (rated at
// its scale's minimum) among the reviews that rated it.
type CategoryFailures struct {
	ID, Name, NameEN string
	Rated, Failed    int
}

// Rate is the share failed.
func (c CategoryFailures) Rate() float64 {
	if c.Rated == 0 {
		return 0
	}
	return float64(c.Failed) / float64(c.Rated)
}

// WeekScore is the mean review score of one week.
type WeekScore struct {
	Week      time.Time
	Reviews   int
	MeanScore float64
}

// QualityReport is the quality of service over a period: chats started in
// [From, To), reviewed and submitted.
type QualityReport struct {
	From, To         time.Time
	PassMark         int
	Agents           []AgentQuality
	Teams            []TeamQuality
	Categories       []CategoryFailures
	Weeks            []WeekScore
	TeamMean         float64
	TeamResponseRate float64
	Planned, Done    int
}

type reviewRow struct {
	ID                 int64
	AgentNick          string
	AgentID            *int64
	Score              float64
	ScorecardVersionID int64
	Ratings            json.RawMessage
	StartedAt          time.Time
	AppealStatus       *string
}

// Quality builds the report. Reviews are counted by when the chat took
// place, so a period's quality is that period's service, whenever checked.
func (s *Store) Quality(ctx context.Context, from, to time.Time, loc *time.Location, passMark int) (QualityReport, error) {
	rep := QualityReport{From: from, To: to, PassMark: passMark}
	var rows []reviewRow
	err := s.conn(ctx).Raw(`
		SELECT r.id, r.agent_nick, r.agent_id, r.score, r.scorecard_version_id, r.ratings, c.started_at, a.status AS appeal_status
		  FROM reviews r
		  JOIN chat_conversations c ON c.id = r.conversation_id
		  LEFT JOIN review_appeals a ON a.review_id = r.id
		 WHERE r.status = 'submitted' AND c.started_at >= ? AND c.started_at < ?
		 ORDER BY r.id`, from, to).Scan(&rows).Error
	if err != nil {
		return rep, fmt.Errorf("models: quality: reviews: %w", err)
	}
	users, err := s.ListUsers(ctx)
	if err != nil {
		return rep, err
	}
	byID := map[int64]User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	cards := map[int64]scoring.Card{}
	agents := map[string]*AgentQuality{}
	cats := map[string]*CategoryFailures{}
	var catOrder []string
	weeks := map[time.Time]*WeekScore{}
	var sum float64
	for _, r := range rows {
		a := agents[r.AgentNick]
		if a == nil {
			a = &AgentQuality{Nick: r.AgentNick, AgentID: r.AgentID, Name: r.AgentNick}
			if r.AgentID != nil {
				if u, ok := byID[*r.AgentID]; ok {
					a.Name, a.Team = u.Name(), u.Team
				}
			}
			agents[r.AgentNick] = a
		}
		a.Reviews++
		a.MeanScore += r.Score
		if n := len(a.Weeks); n == 0 || !a.Weeks[n-1].Week.Equal(weekStart(r.StartedAt, loc)) {
			a.Weeks = append(a.Weeks, WeekScore{Week: weekStart(r.StartedAt, loc)})
		}
		aw := &a.Weeks[len(a.Weeks)-1]
		aw.Reviews++
		aw.MeanScore += r.Score
		sum += r.Score
		if r.AppealStatus != nil {
			a.Appeals++
			if *r.AppealStatus == "accepted" || *r.AppealStatus == "partly_accepted" {
				a.AppealsUpheld++
			}
		}
		wk := weekStart(r.StartedAt, loc)
		w := weeks[wk]
		if w == nil {
			w = &WeekScore{Week: wk}
			weeks[wk] = w
		}
		w.Reviews++
		w.MeanScore += r.Score
		card, ok := cards[r.ScorecardVersionID]
		if !ok {
			v, err := s.ScorecardVersionByID(ctx, r.ScorecardVersionID)
			if err != nil {
				return rep, err
			}
			card, cards[r.ScorecardVersionID] = v.Card, v.Card
		}
		var ratings map[string]scoring.Rating
		_ = json.Unmarshal(r.Ratings, &ratings)
		for _, c := range card.Categories() {
			rt, ok := ratings[c.ID]
			if !ok || rt.NA {
				continue
			}
			cf := cats[c.ID]
			if cf == nil {
				cf = &CategoryFailures{ID: c.ID, Name: c.Name, NameEN: c.NameEN}
				cats[c.ID] = cf
				catOrder = append(catOrder, c.ID)
			}
			cf.Rated++
			if lo, _ := c.Scale.Bounds(); rt.Value == lo {
				cf.Failed++
			}
		}
	}
	if len(rows) > 0 {
		rep.TeamMean = sum / float64(len(rows))
	}
	rates, avgRate, err := s.AgentRates(ctx, from, to)
	if err != nil {
		return rep, err
	}
	rep.TeamResponseRate = avgRate
	for _, r := range rates {
		a := agents[r.Nick]
		if a == nil {
			continue // received chats but has no review yet: not in a quality table
		}
		a.Received, a.ResponseRate, a.HasRate = r.Received, r.Rate(), true
	}
	teams := map[Team]*TeamQuality{}
	for _, a := range agents {
		a.MeanScore /= float64(a.Reviews)
		for i := range a.Weeks {
			a.Weeks[i].MeanScore /= float64(a.Weeks[i].Reviews)
		}
		a.Attention = a.HasRate && a.ResponseRate < avgRate && a.MeanScore < rep.TeamMean
		rep.Agents = append(rep.Agents, *a)
		t := teams[a.Team]
		if t == nil {
			t = &TeamQuality{Team: a.Team}
			teams[a.Team] = t
		}
		t.MeanScore += a.MeanScore * float64(a.Reviews)
		t.Reviews += a.Reviews
	}
	sort.Slice(rep.Agents, func(i, j int) bool { return rep.Agents[i].MeanScore < rep.Agents[j].MeanScore })
	for _, t := range teams {
		t.MeanScore /= float64(t.Reviews)
		rep.Teams = append(rep.Teams, *t)
	}
	sort.Slice(rep.Teams, func(i, j int) bool { return rep.Teams[i].Team < rep.Teams[j].Team })
	for _, id := range catOrder {
		rep.Categories = append(rep.Categories, *cats[id])
	}
	sort.SliceStable(rep.Categories, func(i, j int) bool { return rep.Categories[i].Rate() > rep.Categories[j].Rate() })
	for _, w := range weeks {
		w.MeanScore /= float64(w.Reviews)
		rep.Weeks = append(rep.Weeks, *w)
	}
	sort.Slice(rep.Weeks, func(i, j int) bool { return rep.Weeks[i].Week.Before(rep.Weeks[j].Week) })
	err = s.conn(ctx).Raw(`
		SELECT count(*) AS planned, count(r.id) FILTER (WHERE r.status = 'submitted') AS done
		  FROM review_assignments x
		  LEFT JOIN reviews r ON r.conversation_id = x.conversation_id AND r.agent_nick = x.agent_nick
		 WHERE x.period_start >= ? AND x.period_start < ?`,
		from.In(loc).Format(time.DateOnly), to.In(loc).Format(time.DateOnly)).Row().Scan(&rep.Planned, &rep.Done)
	if err != nil {
		return rep, fmt.Errorf("models: quality: planned: %w", err)
	}
	return rep, nil
}

func weekStart(t time.Time, loc *time.Location) time.Time {
	d := t.In(loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

// ReviewExportRow is one review in the period's export.
type ReviewExportRow struct {
	ID             int64
	SubmittedAt    time.Time
	ChatStartedAt  time.Time
	Buyer          string
	AgentNick      string
	InspectorID    int64
	Score          float64
	CriticalFailed bool
	Summary        string
	Teaching       string
	AppealStatus   *string
}

// ReviewsForExport lists the period's submitted reviews, oldest chat first.
func (s *Store) ReviewsForExport(ctx context.Context, from, to time.Time) ([]ReviewExportRow, error) {
	var out []ReviewExportRow
	err := s.conn(ctx).Raw(`
		SELECT r.id, r.submitted_at, c.started_at AS chat_started_at, c.buyer, r.agent_nick, r.inspector_id,
		       r.score, r.critical_failed, r.summary, r.teaching, a.status AS appeal_status
		  FROM reviews r JOIN chat_conversations c ON c.id = r.conversation_id
		  LEFT JOIN review_appeals a ON a.review_id = r.id
		 WHERE r.status = 'submitted' AND c.started_at >= ? AND c.started_at < ?
		 ORDER BY c.started_at, r.id`, from, to).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: reviews for export: %w", err)
	}
	return out, nil
}

// WeekStartOf is the Monday 00:00 of t's week in the shop's time zone.
func WeekStartOf(t time.Time, loc *time.Location) time.Time { return weekStart(t, loc) }
