package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/attribution"
)

// OrderDetail is an order with its automatic decision, the credit that
// counts and its disputes.
type OrderDetail struct {
	Order       Order
	Attribution *OrderAttribution // nil until attributed
	Credits     []OrderCredit
	Disputes    []AttributionDispute
	People      AgentPeople
}

// Involves reports whether the user chatted with the buyer around the order
// or is named in its credit: who may see it and dispute it.
func (d OrderDetail) Involves(userID int64) bool {
	return d.Attribution != nil && slices.Contains(d.Attribution.Involved, userID)
}

// OrderDetail loads one order for its page.
func (s *Store) OrderDetail(ctx context.Context, orderID int64) (OrderDetail, error) {
	var d OrderDetail
	if err := s.conn(ctx).Take(&d.Order, orderID).Error; err != nil {
		return d, notFound(err, fmt.Sprintf("order %d", orderID))
	}
	var a OrderAttribution
	err := s.conn(ctx).Take(&a, orderID).Error
	switch {
	case err == nil:
		d.Attribution = &a
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return d, fmt.Errorf("models: attribution of order %d: %w", orderID, err)
	}
	if err := s.conn(ctx).Where("order_id = ?", orderID).Order("kind, share_bp DESC, agent").Find(&d.Credits).Error; err != nil {
		return d, fmt.Errorf("models: credit of order %d: %w", orderID, err)
	}
	if err := s.conn(ctx).Where("order_id = ?", orderID).Order("id DESC").Find(&d.Disputes).Error; err != nil {
		return d, fmt.Errorf("models: disputes of order %d: %w", orderID, err)
	}
	d.People, err = s.AgentPeople(ctx)
	return d, err
}

// EvidenceLine is one message of the transcript shown for an agent.
type EvidenceLine struct {
	ConversationID int64
	Sender         string
	AgentNick      string
	SentAt         time.Time
	Body           string
	Question       bool // a buyer's product question (see IsProductQuestion)
	Answer         bool // the agent's first reply to one
}

// AgentEvidence is what the manager compares for one agent in a dispute.
type AgentEvidence struct {
	Key                          string // engine key
	UserID                       int64
	Name                         string
	Claimant, Holder             bool
	Lines                        []EvidenceLine
	AgentMessages, BuyerMessages int // BuyerMessages: buyer lines in the agent's chats
	Chats                        int
	First, Last                  time.Time
	QuestionsAnswered            int
	Reminder                     bool // wrote after the order and before payment, or named on a yellow flag
	AutoShareBP                  int  // the automatic rule's share
	AutoAssist                   bool
}

// Duration is the time from the agent's first to last line to the buyer.
func (e AgentEvidence) Duration() time.Duration { return e.Last.Sub(e.First) }

// DisputeCase is the ruling page: the dispute, its order and the evidence
// side by side.
type DisputeCase struct {
	Dispute  AttributionDispute
	Detail   OrderDetail
	Answers  []DisputeAnswer
	Agents   []AgentEvidence
	From, To time.Time // the transcript's window
}

// questionWords mark a buyer's line as a product question, besides a
// question mark: the words buyers use to ask about size, stock, price.
var questionWords = []string{"?", "？", "吗", "呢", "多少", "怎么", "什么", "哪", "有没有", "能不能", "会不会", "是不是", "几"}

// IsProductQuestion is the simple rule the ruling page uses: a buyer's
// line with a question mark or a question word. Whoever sends the first
// agent line after it in the same chat answered it.
func IsProductQuestion(body string) bool {
	for _, w := range questionWords {
		if strings.Contains(body, w) {
			return true
		}
	}
	return false
}

// DisputeCase loads a dispute with the evidence: every agent's chats with
// the buyer from the start of the window's first day (one day more than
// the window) to the later of order and payment.
func (s *Store) DisputeCase(ctx context.Context, id int64) (DisputeCase, error) {
	var c DisputeCase
	if err := s.conn(ctx).Take(&c.Dispute, id).Error; err != nil {
		return c, notFound(err, fmt.Sprintf("dispute %d", id))
	}
	var err error
	if c.Detail, err = s.OrderDetail(ctx, c.Dispute.OrderID); err != nil {
		return c, err
	}
	if err := s.conn(ctx).Where("dispute_id = ?", id).Order("id").Find(&c.Answers).Error; err != nil {
		return c, fmt.Errorf("models: answers of dispute %d: %w", id, err)
	}
	env, err := s.attrEnv(ctx)
	if err != nil {
		return c, err
	}
	o := c.Detail.Order
	c.To = o.CreatedAt
	if o.PaidAt != nil && o.PaidAt.After(c.To) {
		c.To = *o.PaidAt
	}
	d := o.CreatedAt.In(env.loc)
	c.From = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, env.loc).Add(-attributionLookback(env.rules))
	var lines []EvidenceLine
	err = s.conn(ctx).Raw(`SELECT m.conversation_id, m.sender, m.agent_nick, m.sent_at, m.body
		FROM chat_conversations c JOIN chat_messages m ON m.conversation_id = c.id
		WHERE c.buyer = ? AND c.started_at >= ? AND c.started_at <= ? AND m.sent_at BETWEEN ? AND ? AND m.sender <> 'system'
		ORDER BY m.sent_at, m.id LIMIT 2000`, o.Buyer, c.From.AddDate(0, 0, -7), c.To, c.From, c.To).Scan(&lines).Error
	if err != nil {
		return c, fmt.Errorf("models: transcript of dispute %d: %w", id, err)
	}
	c.Agents = buildEvidence(c, lines, env.people)
	return c, nil
}

// buildEvidence groups the transcript per agent and counts the figures.
func buildEvidence(c DisputeCase, lines []EvidenceLine, people AgentPeople) []AgentEvidence {
	byKey := map[string]*AgentEvidence{}
	var order []string
	get := func(key string) *AgentEvidence {
		if e, ok := byKey[key]; ok {
			return e
		}
		e := &AgentEvidence{Key: key, Name: people.NameOfKey(key)}
		e.UserID, _ = UserOfKey(key)
		byKey[key], order = e, append(order, key)
		return e
	}
	get(userKey(c.Dispute.ClaimantID)).Claimant = true
	for _, h := range c.Dispute.Holders {
		get(userKey(h)).Holder = true
	}
	// Mark questions and who answered them, per chat.
	open := map[int64][]int{} // chat -> unanswered question lines
	for i := range lines {
		l := &lines[i]
		switch l.Sender {
		case "buyer":
			if IsProductQuestion(l.Body) {
				l.Question = true
				open[l.ConversationID] = append(open[l.ConversationID], i)
			}
		case "agent":
			if len(open[l.ConversationID]) > 0 {
				l.Answer = true
				get(people.KeyOfNick(l.AgentNick)).QuestionsAnswered += len(open[l.ConversationID])
				open[l.ConversationID] = nil
			}
		}
	}
	chatsOf := map[string]map[int64]bool{}
	o := c.Detail.Order
	for _, l := range lines {
		if l.Sender != "agent" {
			continue
		}
		key := people.KeyOfNick(l.AgentNick)
		e := get(key)
		if chatsOf[key] == nil {
			chatsOf[key] = map[int64]bool{}
		}
		chatsOf[key][l.ConversationID] = true
		e.AgentMessages++
		if e.First.IsZero() {
			e.First = l.SentAt
		}
		e.Last = l.SentAt
		if o.PaidAt != nil && l.SentAt.After(o.CreatedAt) && !l.SentAt.After(*o.PaidAt) {
			e.Reminder = true
		}
	}
	if o.Flag == 2 {
		if key, ok := people.KeyOfName(attribution.RemarkName(o.SellerRemark)); ok {
			get(key).Reminder = true
		}
	}
	if c.Detail.Attribution != nil {
		for _, oc := range autoCredits(*c.Detail.Attribution) {
			e := get(oc.Agent)
			if oc.Kind == KindCredit {
				e.AutoShareBP = oc.ShareBP
			} else {
				e.AutoAssist = true
			}
		}
	}
	out := make([]AgentEvidence, 0, len(order))
	for _, key := range order {
		e := byKey[key]
		e.Chats = len(chatsOf[key])
		for _, l := range lines {
			if !chatsOf[key][l.ConversationID] || (l.Sender == "agent" && people.KeyOfNick(l.AgentNick) != key) {
				continue
			}
			if l.Sender == "buyer" {
				e.BuyerMessages++
			}
			e.Lines = append(e.Lines, l)
		}
		out = append(out, *e)
	}
	return out
}
