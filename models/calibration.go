package models

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"

	"kefudesk/models/scoring"
)

// CalibrationRound is a set of chats several inspectors score blind.
type CalibrationRound struct {
	ID                 int64
	Name               string
	ScorecardVersionID int64
	Inspectors         pq.Int64Array `gorm:"type:bigint[]"`
	Closed             bool
	CreatedBy          *int64
	CreatedAt          time.Time
}

// CalibrationItem is one chat (and agent) of a round.
type CalibrationItem struct {
	ID             int64
	RoundID        int64
	ConversationID int64
	AgentNick      string
	Buyer          string
	Scored         int  // how many inspectors scored it
	Mine           bool // whether the asking inspector did
}

// RoundForm starts a round: N chats drawn from one day, and who scores.
type RoundForm struct {
	Name       string
	Day        time.Time // chats that started that day (shop time)
	Chats      int
	Inspectors []int64
}

// StartRound draws the round's chats at random (seeded by the day) from
// chats with an agent and at least four messages, on the active scorecard.
func (s *Store) StartRound(ctx context.Context, a Actor, f RoundForm) (CalibrationRound, error) {
	errs := FieldErrors{}
	if n := len([]rune(strings.TrimSpace(f.Name))); n < 1 || n > 80 {
		errs.Add("name", "settings.err.len", 1, 80)
	}
	if f.Chats < 1 || f.Chats > 50 {
		errs.Add("chats", "settings.err.range", 1, 50)
	}
	if len(f.Inspectors) < 2 {
		errs.Add("inspectors", "calibration.err.inspectors")
	}
	if f.Day.IsZero() {
		errs.Add("day", "audit.err.date")
	}
	if err := errs.Err(); err != nil {
		return CalibrationRound{}, err
	}
	card, err := s.ActiveScorecard(ctx)
	if err != nil {
		return CalibrationRound{}, err
	}
	var r CalibrationRound
	err = s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var cands []struct {
			ID         int64
			ReceivedBy string
		}
		err := tx.Raw(`SELECT id, received_by FROM chat_conversations
			WHERE started_at >= ? AND started_at < ? AND received_by <> '' AND messages >= 4 ORDER BY id`,
			f.Day, f.Day.AddDate(0, 0, 1)).Scan(&cands).Error
		if err != nil {
			return fmt.Errorf("models: calibration candidates: %w", err)
		}
		if len(cands) == 0 {
			return Invalid("day", "calibration.err.no_chats")
		}
		rng := rand.New(rand.NewPCG(uint64(f.Day.Unix()), 7715))
		rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		r = CalibrationRound{Name: strings.TrimSpace(f.Name), ScorecardVersionID: card.ID, Inspectors: f.Inspectors, CreatedBy: nullID(a)}
		if err := tx.Omit("ID", "CreatedAt", "Closed").Create(&r).Error; err != nil {
			return fmt.Errorf("models: create round: %w", err)
		}
		for _, c := range cands[:min(f.Chats, len(cands))] {
			if err := tx.Exec(`INSERT INTO calibration_items (round_id, conversation_id, agent_nick) VALUES (?, ?, ?)`, r.ID, c.ID, c.ReceivedBy).Error; err != nil {
				return fmt.Errorf("models: add round item: %w", err)
			}
		}
		return audit(tx, a, "create", "calibration", r.ID, nil, map[string]any{"name": r.Name, "chats": min(f.Chats, len(cands)), "inspectors": f.Inspectors})
	})
	return r, err
}

// ListRounds lists rounds, newest first.
func (s *Store) ListRounds(ctx context.Context) ([]CalibrationRound, error) {
	var out []CalibrationRound
	if err := s.conn(ctx).Order("id DESC").Limit(100).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list rounds: %w", err)
	}
	return out, nil
}

// RoundByID loads a round.
func (s *Store) RoundByID(ctx context.Context, id int64) (CalibrationRound, error) {
	var r CalibrationRound
	if err := s.conn(ctx).Take(&r, id).Error; err != nil {
		return r, notFound(err, fmt.Sprintf("calibration round %d", id))
	}
	return r, nil
}

// RoundItems lists a round's chats with how many inspectors scored each.
func (s *Store) RoundItems(ctx context.Context, roundID, inspectorID int64) ([]CalibrationItem, error) {
	var out []CalibrationItem
	err := s.conn(ctx).Raw(`
		SELECT i.id, i.round_id, i.conversation_id, i.agent_nick, c.buyer,
		       (SELECT count(*) FROM calibration_scores s WHERE s.item_id = i.id) AS scored,
		       EXISTS (SELECT 1 FROM calibration_scores s WHERE s.item_id = i.id AND s.inspector_id = ?) AS mine
		  FROM calibration_items i JOIN chat_conversations c ON c.id = i.conversation_id
		 WHERE i.round_id = ? ORDER BY i.id`, inspectorID, roundID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: round items: %w", err)
	}
	return out, nil
}

// CalibrationScore is one inspector's blind score of one item.
type CalibrationScore struct {
	ItemID      int64
	InspectorID int64
	Ratings     json.RawMessage `gorm:"type:jsonb"`
	Score       *float64
	OpenedAt    time.Time
	SubmittedAt time.Time
}

// ScoreCalibration stores an inspector's blind score: every category rated
// or N/A, once. openedAt is when they opened the chat, for time per review.
func (s *Store) ScoreCalibration(ctx context.Context, a Actor, itemID int64, ratings map[string]scoring.Rating, openedAt time.Time) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var it struct {
			RoundID            int64
			ScorecardVersionID int64
			Inspectors         pq.Int64Array `gorm:"type:bigint[]"`
			Closed             bool
		}
		err := tx.Raw(`SELECT i.round_id, r.scorecard_version_id, r.inspectors, r.closed FROM calibration_items i
			JOIN calibration_rounds r ON r.id = i.round_id WHERE i.id = ?`, itemID).Scan(&it).Error
		if err != nil || it.RoundID == 0 {
			return fmt.Errorf("models: calibration item %d: %w", itemID, ErrNotFound)
		}
		if !slices.Contains(it.Inspectors, a.ID) || it.Closed {
			return ErrNotYours
		}
		card, err := s.ScorecardVersionByID(ctx, it.ScorecardVersionID)
		if err != nil {
			return err
		}
		if errs := (ReviewForm{Ratings: ratings}).check(card.Card, true); len(errs) > 0 {
			return errs.Err()
		}
		res, err := scoring.Score(card.Card, ratings)
		if err != nil {
			return Invalid("ratings", "reviews.err.range", 0, 5)
		}
		b, _ := json.Marshal(ratings)
		sc := CalibrationScore{ItemID: itemID, InspectorID: a.ID, Ratings: b, Score: &res.Percent, OpenedAt: openedAt}
		if err := tx.Omit("SubmittedAt").Create(&sc).Error; err != nil {
			return Invalid("ratings", "calibration.err.twice")
		}
		return audit(tx, a, "score", "calibration", it.RoundID, nil, map[string]any{"item": itemID, "score": res.Percent})
	})
}

// ItemScores returns an item's scores; asking is an inspector of the round
// and sees others' scores only once they scored it themselves (or the round
// is closed): scoring stays blind.
func (s *Store) ItemScores(ctx context.Context, itemID, asking int64) ([]CalibrationScore, bool, error) {
	var all []CalibrationScore
	if err := s.conn(ctx).Where("item_id = ?", itemID).Order("inspector_id").Find(&all).Error; err != nil {
		return nil, false, fmt.Errorf("models: item scores: %w", err)
	}
	var closed bool
	if err := s.conn(ctx).Raw(`SELECT r.closed FROM calibration_items i JOIN calibration_rounds r ON r.id = i.round_id WHERE i.id = ?`, itemID).Scan(&closed).Error; err != nil {
		return nil, false, fmt.Errorf("models: item round: %w", err)
	}
	mine := slices.ContainsFunc(all, func(c CalibrationScore) bool { return c.InspectorID == asking })
	if !mine && !closed {
		return nil, false, nil
	}
	return all, true, nil
}

// CloseRound ends a round: everyone sees every score.
func (s *Store) CloseRound(ctx context.Context, a Actor, id int64) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE calibration_rounds SET closed = true WHERE id = ?`, id).Error; err != nil {
			return fmt.Errorf("models: close round %d: %w", id, err)
		}
		return audit(tx, a, "close", "calibration", id, nil, nil)
	})
}

// CategoryAgreement is how much inspectors disagreed on one category.
type CategoryAgreement struct {
	ID, Name, NameEN string
	Spread           float64 // mean standard deviation of the category score across inspectors, per chat
}

// InspectorBias is how one inspector scores against the group.
type InspectorBias struct {
	InspectorID int64
	Items       int
	Bias        float64 // mean of (their score − the chat's mean score), points
	MinutesEach float64 // median minutes from opening to submitting
}

// RoundResult is a round's agreement figures.
type RoundResult struct {
	Alpha      float64
	HasAlpha   bool
	Categories []CategoryAgreement
	Inspectors []InspectorBias
}

// RoundResults computes the round's agreement from the scores given so far.
func (s *Store) RoundResults(ctx context.Context, r CalibrationRound) (RoundResult, error) {
	var rows []CalibrationScore
	err := s.conn(ctx).Raw(`SELECT s.* FROM calibration_scores s JOIN calibration_items i ON i.id = s.item_id
		WHERE i.round_id = ? ORDER BY s.item_id, s.inspector_id`, r.ID).Scan(&rows).Error
	if err != nil {
		return RoundResult{}, fmt.Errorf("models: round scores: %w", err)
	}
	card, err := s.ScorecardVersionByID(ctx, r.ScorecardVersionID)
	if err != nil {
		return RoundResult{}, err
	}
	byItem := map[int64][]CalibrationScore{}
	for _, sc := range rows {
		byItem[sc.ItemID] = append(byItem[sc.ItemID], sc)
	}
	var units [][]float64
	var res RoundResult
	for _, c := range card.Card.Categories() {
		lo, hi := c.Scale.Bounds()
		var spreads []float64
		for _, scores := range byItem {
			var vals []float64
			for _, sc := range scores {
				var m map[string]scoring.Rating
				_ = json.Unmarshal(sc.Ratings, &m)
				if rt, ok := m[c.ID]; ok && !rt.NA {
					vals = append(vals, float64(rt.Value-lo)/float64(hi-lo))
				}
			}
			if len(vals) >= 2 {
				units = append(units, vals)
				spreads = append(spreads, scoring.Spread(vals))
			}
		}
		var mean float64
		for _, sp := range spreads {
			mean += sp
		}
		if len(spreads) > 0 {
			mean /= float64(len(spreads))
		}
		res.Categories = append(res.Categories, CategoryAgreement{ID: c.ID, Name: c.Name, NameEN: c.NameEN, Spread: mean})
	}
	sort.SliceStable(res.Categories, func(i, j int) bool { return res.Categories[i].Spread > res.Categories[j].Spread })
	res.Alpha, res.HasAlpha = scoring.Alpha(units)
	bias := map[int64]*InspectorBias{}
	mins := map[int64][]float64{}
	for _, scores := range byItem {
		var mean float64
		for _, sc := range scores {
			mean += deref(sc.Score)
		}
		mean /= float64(len(scores))
		for _, sc := range scores {
			b := bias[sc.InspectorID]
			if b == nil {
				b = &InspectorBias{InspectorID: sc.InspectorID}
				bias[sc.InspectorID] = b
			}
			b.Items++
			b.Bias += deref(sc.Score) - mean
			mins[sc.InspectorID] = append(mins[sc.InspectorID], sc.SubmittedAt.Sub(sc.OpenedAt).Minutes())
		}
	}
	for id, b := range bias {
		b.Bias /= float64(b.Items)
		m := mins[id]
		sort.Float64s(m)
		b.MinutesEach = m[len(m)/2]
		res.Inspectors = append(res.Inspectors, *b)
	}
	sort.Slice(res.Inspectors, func(i, j int) bool { return res.Inspectors[i].Bias < res.Inspectors[j].Bias })
	return res, nil
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// InspectorPace is an inspector's real reviews over a period.
type InspectorPace struct {
	InspectorID   int64
	Reviews       int
	PerDay        float64
	MedianMinutes float64
}

// InspectorPaces counts each inspector's submitted reviews in [from, to):
// reviews a day over the days they reviewed, median minutes from opening
// the chat to submitting.
func (s *Store) InspectorPaces(ctx context.Context, from, to time.Time) ([]InspectorPace, error) {
	var out []InspectorPace
	err := s.conn(ctx).Raw(`
		SELECT inspector_id, count(*) AS reviews,
		       count(*)::float / count(DISTINCT date_trunc('day', submitted_at)) AS per_day,
		       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM submitted_at - created_at) / 60) AS median_minutes
		  FROM reviews WHERE status = 'submitted' AND submitted_at >= ? AND submitted_at < ?
		 GROUP BY inspector_id ORDER BY inspector_id`, from, to).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: inspector paces: %w", err)
	}
	return out, nil
}

// HasInspector reports whether id scores in this round.
func (r CalibrationRound) HasInspector(id int64) bool { return slices.Contains(r.Inspectors, id) }
