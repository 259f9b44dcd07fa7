// Package attribution decides which agent converted an order, by rules the
// shop sets, and explains each decision step by step. Evaluated in order:
//
//  1. Promotion: when the decision time falls in a promotion period, the
//     order is split evenly among the agents who served the buyer in the
//     window (seed 003: during promotions orders are divided evenly).
//  2. Remark: a red-flag order whose remark starts with "name:" or "name："
//     naming a known agent goes to that agent.
//  3. Last chat: otherwise the last agent who chatted with the buyer in the
//     window before the decision time gets it. The window runs from the
//     start of the day WindowDays before the decision day (default 1: an
//     inquiry the same day or the day before, as the platform counts); the
//     decision time is the order time, or the payment time if the shop says.
//     A shop may count the window in hours instead (WindowHours before the
//     decision time).
//  4. Assists: agents other than the credited ones who reminded the buyer
//     (a yellow flag naming them, or a chat after the order and before
//     payment) get an assist; with AssistShare > 0 they also share that
//     part of the amount, taken from the credit.
//  5. Silent: no chat in the window and no remark: a silent order (静默下单),
//     credited to no one.
package attribution

import (
	"sort"
	"strings"
	"time"
)

// Contact is an agent writing to the buyer at a moment.
type Contact struct {
	Agent string // the agent's key (user or unmapped nick)
	At    time.Time
}

// Order is what the rules read of an order.
type Order struct {
	CreatedAt time.Time
	PaidAt    *time.Time
	PaidFen   int64
	Flag      int // 1 red, 2 yellow, ...
	Remark    string
}

// Period is a promotion, [From, To).
type Period struct{ From, To time.Time }

// Rules are the shop's settings.
type Rules struct {
	WindowDays     int
	WindowHours    int // when > 0, the window is this many hours before the decision time instead
	UsePaymentTime bool
	Promotions     []Period
	AssistShare    float64 // 0..1 of the amount shared by assists
	Loc            *time.Location
}

// Credit is a share of an order.
type Credit struct {
	Agent     string
	Share     float64
	AmountFen int64
}

// Step is one line of the explanation: a message key and its arguments.
type Step struct {
	Key  string
	Args []any
}

// Result is the decision.
type Result struct {
	Rule    string // promotion, remark, last_chat, silent
	Credits []Credit
	Assists []Credit
	Steps   []Step
}

// Rule names.
const (
	RulePromotion = "promotion"
	RuleRemark    = "remark"
	RuleLastChat  = "last_chat"
	RuleSilent    = "silent"
)

// RemarkName returns the name at the start of a remark ("小美：要M码" →
// "小美"), or "".
func RemarkName(remark string) string {
	remark = strings.TrimSpace(remark)
	i := strings.IndexAny(remark, ":：")
	if i <= 0 {
		return ""
	}
	return strings.TrimSpace(remark[:i])
}

// Attribute applies the rules. agentOf resolves a name from a remark to an
// agent key (users' names, usernames and nicks).
func Attribute(o Order, contacts []Contact, agentOf func(name string) (string, bool), r Rules) Result {
	if r.Loc == nil {
		r.Loc = time.UTC
	}
	if r.WindowDays < 0 {
		r.WindowDays = 0
	}
	decide := o.CreatedAt
	if r.UsePaymentTime && o.PaidAt != nil {
		decide = *o.PaidAt
	}
	d := decide.In(r.Loc)
	from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, r.Loc).AddDate(0, 0, -r.WindowDays)
	if r.WindowHours > 0 {
		from = decide.Add(-time.Duration(r.WindowHours) * time.Hour)
	}
	var res Result
	res.Steps = append(res.Steps, Step{Key: "attr.step.window", Args: []any{from, decide}})
	var inWindow []Contact
	for _, c := range contacts {
		if !c.At.Before(from) && !c.At.After(decide) {
			inWindow = append(inWindow, c)
		}
	}
	sort.SliceStable(inWindow, func(i, j int) bool { return inWindow[i].At.Before(inWindow[j].At) })
	served := distinct(inWindow)
	var credited []string
	switch {
	case inPromotion(decide, r.Promotions) && len(served) > 0:
		res.Rule, credited = RulePromotion, served
		res.Steps = append(res.Steps, Step{Key: "attr.step.promotion", Args: []any{len(served)}})
	case o.Flag == 1 && remarkAgent(o.Remark, agentOf) != "":
		res.Rule, credited = RuleRemark, []string{remarkAgent(o.Remark, agentOf)}
		res.Steps = append(res.Steps, Step{Key: "attr.step.remark", Args: []any{RemarkName(o.Remark)}})
	case len(inWindow) > 0:
		last := inWindow[len(inWindow)-1]
		res.Rule, credited = RuleLastChat, []string{last.Agent}
		res.Steps = append(res.Steps, Step{Key: "attr.step.last_chat", Args: []any{last.Agent, last.At}})
	default:
		res.Rule = RuleSilent
		res.Steps = append(res.Steps, Step{Key: "attr.step.silent"})
		return res
	}
	assists := assistAgents(o, contacts, agentOf, credited)
	creditPart := 1.0
	if len(assists) > 0 && r.AssistShare > 0 {
		creditPart = 1 - min(r.AssistShare, 1)
	}
	creditFen := int64(float64(o.PaidFen)*creditPart + 0.5)
	res.Credits = split(credited, creditPart, creditFen)
	if len(assists) > 0 {
		res.Assists = split(assists, 1-creditPart, o.PaidFen-creditFen)
		res.Steps = append(res.Steps, Step{Key: "attr.step.assists", Args: []any{strings.Join(assists, ", ")}})
	}
	return res
}

func remarkAgent(remark string, agentOf func(string) (string, bool)) string {
	name := RemarkName(remark)
	if name == "" || agentOf == nil {
		return ""
	}
	a, ok := agentOf(name)
	if !ok {
		return ""
	}
	return a
}

// assistAgents: a yellow flag naming an agent, or agents who chatted after
// the order and before payment; never the credited agents themselves.
func assistAgents(o Order, contacts []Contact, agentOf func(string) (string, bool), credited []string) []string {
	var out []string
	add := func(a string) {
		for _, x := range append(credited, out...) {
			if x == a {
				return
			}
		}
		out = append(out, a)
	}
	if o.Flag == 2 {
		if a := remarkAgent(o.Remark, agentOf); a != "" {
			add(a)
		}
	}
	if o.PaidAt != nil {
		var after []Contact
		for _, c := range contacts {
			if c.At.After(o.CreatedAt) && !c.At.After(*o.PaidAt) {
				after = append(after, c)
			}
		}
		sort.SliceStable(after, func(i, j int) bool { return after[i].At.Before(after[j].At) })
		for _, a := range distinct(after) {
			add(a)
		}
	}
	return out
}

// split shares part of an order (total fen) evenly; the fen that do not
// divide go to the first agents, so the parts always add up to total.
func split(agents []string, part float64, total int64) []Credit {
	if len(agents) == 0 {
		return nil
	}
	each, rest := total/int64(len(agents)), total%int64(len(agents))
	out := make([]Credit, len(agents))
	for i, a := range agents {
		out[i] = Credit{Agent: a, Share: part / float64(len(agents)), AmountFen: each}
		if int64(i) < rest {
			out[i].AmountFen++
		}
	}
	return out
}

// distinct lists agents in the order they first appear.
func distinct(cs []Contact) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		if !seen[c.Agent] {
			seen[c.Agent] = true
			out = append(out, c.Agent)
		}
	}
	return out
}

func inPromotion(t time.Time, ps []Period) bool {
	for _, p := range ps {
		if !t.Before(p.From) && t.Before(p.To) {
			return true
		}
	}
	return false
}
