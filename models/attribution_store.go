package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"kefudesk/models/attribution"
)

// TopicAttribution is the live-update topic of credits and disputes.
const TopicAttribution = "attribution"

// OrderAttribution is the automatic decision stored for an order.
type OrderAttribution struct {
	OrderID    int64 `gorm:"primaryKey"`
	Rule       string
	Steps      json.RawMessage `gorm:"type:jsonb"`
	AutoCredit json.RawMessage `gorm:"type:jsonb"`
	Sig        string
	Involved   pq.Int64Array `gorm:"type:bigint[]"`
	OrderAt    time.Time
	ComputedAt time.Time
}

// StoredStep is one explanation line: a catalog key and its arguments,
// already written for people (names, shop-time times).
type StoredStep struct {
	Key  string   `json:"key"`
	Args []string `json:"args"`
}

// StepList decodes the explanation.
func (a OrderAttribution) StepList() []StoredStep {
	var out []StoredStep
	_ = json.Unmarshal(a.Steps, &out)
	return out
}

// OrderCredit is one agent's credit or assist on an order: the rows every
// figure reads, with rulings already applied.
type OrderCredit struct {
	OrderID   int64
	Kind      string // credit, assist
	Agent     string // engine key: u<user id>, or an unmapped nick
	UserID    *int64
	ShareBP   int
	AmountFen int64
	RefundFen int64
	Paid      bool
	Buyer     string
	OrderAt   time.Time
	Source    string // auto, ruling
}

// Credit kinds and sources.
const (
	KindCredit   = "credit"
	KindAssist   = "assist"
	SourceAuto   = "auto"
	SourceRuling = "ruling"
)

// attrBatch bounds one round of attribution: one read, one write.
const attrBatch = 2000

// attrRow is an order with every agent message to its buyer around it.
type attrRow struct {
	ID           int64
	Buyer        string
	PaidFen      int64
	CreatedAt    time.Time
	PaidAt       *time.Time
	SellerRemark string
	Flag         int
	RefundFen    int64
	OldSig       string
	Contacts     json.RawMessage
}

type attrContact struct {
	Nick string    `json:"a"`
	At   time.Time `json:"t"`
}

// attrEnv is what a run of attribution reads once.
type attrEnv struct {
	rules  attribution.Rules
	people AgentPeople
	loc    *time.Location
}

func (s *Store) attrEnv(ctx context.Context) (attrEnv, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return attrEnv{}, err
	}
	promos, err := s.PromotionPeriods(ctx)
	if err != nil {
		return attrEnv{}, err
	}
	people, err := s.AgentPeople(ctx)
	if err != nil {
		return attrEnv{}, err
	}
	return attrEnv{rules: AttributionRules(settings, promos), people: people, loc: settings.Location()}, nil
}

// compute applies the rules to one order; award, when the order has a
// final ruling, replaces the automatic credit (assists stay automatic).
func (e attrEnv) compute(r attrRow, award []AwardShare) (OrderAttribution, []OrderCredit) {
	var cs []attrContact
	_ = json.Unmarshal(r.Contacts, &cs)
	contacts := make([]attribution.Contact, len(cs))
	involved := pq.Int64Array{}
	for i, c := range cs {
		contacts[i] = attribution.Contact{Agent: e.people.KeyOfNick(c.Nick), At: c.At}
	}
	o := attribution.Order{CreatedAt: r.CreatedAt, PaidAt: r.PaidAt, Flag: r.Flag, Remark: r.SellerRemark}
	if r.PaidAt != nil {
		o.PaidFen = r.PaidFen // an unpaid order is no sale yet
	}
	res := attribution.Attribute(o, contacts, e.people.KeyOfName, e.rules)
	base := OrderCredit{OrderID: r.ID, Buyer: r.Buyer, OrderAt: r.CreatedAt, Paid: r.PaidAt != nil, Source: SourceAuto}
	var credits []OrderCredit
	add := func(kind string, list []attribution.Credit) {
		bps := sharesBP(list)
		refunds := splitFen(r.RefundFen, bps)
		for i, c := range list {
			oc := base
			oc.Kind, oc.Agent, oc.ShareBP, oc.AmountFen, oc.RefundFen = kind, c.Agent, bps[i], c.AmountFen, refunds[i]
			if id, ok := UserOfKey(c.Agent); ok {
				oc.UserID = &id
			}
			credits = append(credits, oc)
		}
	}
	add(KindCredit, res.Credits)
	add(KindAssist, res.Assists)
	for _, c := range append(append([]attribution.Contact{}, contacts...), creditContacts(credits)...) {
		if id, ok := UserOfKey(c.Agent); ok && !slices.Contains(involved, id) {
			involved = append(involved, id)
		}
	}
	auto, _ := json.Marshal(credits)
	a := OrderAttribution{OrderID: r.ID, Rule: res.Rule, Steps: e.steps(res.Steps), AutoCredit: auto,
		Sig: creditSig(res.Rule, credits), Involved: involved, OrderAt: r.CreatedAt, ComputedAt: time.Now()}
	if award != nil {
		// Assists keep their automatic part; the ruling shares the rest.
		var kept []OrderCredit
		rest := o.PaidFen
		for _, c := range credits {
			if c.Kind == KindAssist {
				kept = append(kept, c)
				rest -= c.AmountFen
			}
		}
		credits = append(kept, awardCredits(base, rest, r.RefundFen, award)...)
	}
	return a, credits
}

func creditContacts(cs []OrderCredit) []attribution.Contact {
	out := make([]attribution.Contact, len(cs))
	for i, c := range cs {
		out[i] = attribution.Contact{Agent: c.Agent}
	}
	return out
}

// steps writes the engine's steps for people: names instead of keys,
// times in the shop's zone.
func (e attrEnv) steps(in []attribution.Step) json.RawMessage {
	out := make([]StoredStep, len(in))
	for i, st := range in {
		out[i].Key = st.Key
		for _, a := range st.Args {
			switch v := a.(type) {
			case time.Time:
				out[i].Args = append(out[i].Args, v.In(e.loc).Format("2006-01-02 15:04"))
			case string:
				parts := strings.Split(v, ", ")
				for j, p := range parts {
					parts[j] = e.people.NameOfKey(p)
				}
				out[i].Args = append(out[i].Args, strings.Join(parts, "、"))
			default:
				out[i].Args = append(out[i].Args, fmt.Sprint(v))
			}
		}
	}
	b, _ := json.Marshal(out)
	return b
}

// creditSig is the credit in comparable form: a re-apply changes an order
// when its signature changes.
func creditSig(rule string, cs []OrderCredit) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s:%s:%d", c.Kind, c.Agent, c.AmountFen)
	}
	sort.Strings(parts)
	return rule + "|" + strings.Join(parts, ",")
}

// sharesBP turns the engine's shares into basis points that add up to the
// part of the order they share (the first ones take the rounding).
func sharesBP(list []attribution.Credit) []int {
	out := make([]int, len(list))
	total, part := 0, 0.0
	for i, c := range list {
		out[i] = int(c.Share * 10000)
		total += out[i]
		part += c.Share
	}
	for i := 0; total < int(part*10000+0.5) && len(out) > 0; i = (i + 1) % len(out) {
		out[i]++
		total++
	}
	return out
}

// splitFen shares total fen by basis points; the fen left by rounding go
// to the first shares, so the parts add up to total when the points add up
// to 10000.
func splitFen(total int64, bps []int) []int64 {
	out := make([]int64, len(bps))
	sumBP, given := 0, int64(0)
	for i, bp := range bps {
		out[i] = total * int64(bp) / 10000
		given += out[i]
		sumBP += bp
	}
	want := total * int64(sumBP) / 10000
	for i := 0; given < want; i = (i + 1) % len(out) {
		out[i]++
		given++
	}
	return out
}

// writeAttrBatch replaces the batch's decisions and credit rows in one
// statement each.
func writeAttrBatch(tx *gorm.DB, attrs []OrderAttribution, credits []OrderCredit) error {
	if len(attrs) == 0 {
		return nil
	}
	ids := make([]int64, len(attrs))
	for i, a := range attrs {
		ids[i] = a.OrderID
	}
	err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "order_id"}}, UpdateAll: true}).CreateInBatches(attrs, 1000).Error
	if err != nil {
		return fmt.Errorf("models: unable to store attributions: %w", err)
	}
	if err := tx.Exec(`DELETE FROM order_credits WHERE order_id IN ?`, ids).Error; err != nil {
		return fmt.Errorf("models: unable to clear credits: %w", err)
	}
	if len(credits) > 0 {
		if err := tx.CreateInBatches(credits, 1000).Error; err != nil {
			return fmt.Errorf("models: unable to store credits: %w", err)
		}
	}
	return nil
}

// rulingAwards reads the final rulings of the batch's orders.
func rulingAwards(tx *gorm.DB, ids []int64) (map[int64][]AwardShare, error) {
	var rows []struct {
		OrderID int64
		Award   json.RawMessage
	}
	if err := tx.Raw(`SELECT order_id, award FROM attribution_disputes WHERE status = 'ruled' AND order_id IN ?`, ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: unable to read rulings: %w", err)
	}
	out := map[int64][]AwardShare{}
	for _, r := range rows {
		var a []AwardShare
		_ = json.Unmarshal(r.Award, &a)
		out[r.OrderID] = a
	}
	return out, nil
}

// autoCredits decodes what the automatic rule decided, before any ruling.
func autoCredits(a OrderAttribution) []OrderCredit {
	var out []OrderCredit
	_ = json.Unmarshal(a.AutoCredit, &out)
	return out
}

// AutoCredits is what the automatic rule decided for the order.
func (a OrderAttribution) AutoCredits() []OrderCredit { return autoCredits(a) }
