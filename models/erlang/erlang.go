// Package erlang turns a chat volume into the agents needed to answer it:
// Erlang C per interval, with the chat concurrency factor, and the Double 11
// forecast of the seeds (domain digest, shifts). Pure: no database, no clock.
//
// The formulas, as the issue and the page state them:
//
//	traffic        A  = contacts per interval x handling time / interval length
//	Erlang B       B0 = 1, Bk = A Bk-1 / (k + A Bk-1)
//	wait chance    Pw = N BN / (N - A (1 - BN))
//	service level  SL = 1 - Pw e^(-(N-A) t / AHT)
//	answer speed  ASA = Pw AHT / (N - A)
//	scheduled         = ceil(N / (1 - shrinkage))
//
// For chat the handling time is the effective one, AHT / concurrency factor,
// because an agent answers several buyers at once.
package erlang

import "math"

// ErlangB is the blocking probability of n servers under traffic a, by the
// recursion, which stays stable where the factorial formula overflows.
func ErlangB(n int, a float64) float64 {
	b := 1.0
	for k := 1; k <= n; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// Wait is the probability that a contact waits (Erlang C) with n agents
// under traffic a. With n <= a the queue never empties: 1.
func Wait(n int, a float64) float64 {
	if float64(n) <= a {
		return 1
	}
	b := ErlangB(n, a)
	return float64(n) * b / (float64(n) - a*(1-b))
}

// ServiceLevel is the share of contacts answered within target seconds.
func ServiceLevel(n int, a, aht, target float64) float64 {
	if float64(n) <= a {
		return 0
	}
	return 1 - Wait(n, a)*math.Exp(-(float64(n)-a)*target/aht)
}

// ASA is the average speed of answer in seconds.
func ASA(n int, a, aht float64) float64 {
	if float64(n) <= a {
		return math.Inf(1)
	}
	return Wait(n, a) * aht / (float64(n) - a)
}

// Traffic is the offered load in erlangs.
func Traffic(contacts, aht, intervalSeconds float64) float64 {
	if intervalSeconds <= 0 {
		return 0
	}
	return contacts * aht / intervalSeconds
}

// Target is what the shop promises: a share of contacts answered within a
// time, the handling time, the shrinkage (breaks, meetings, leave) and, for
// chat, how many chats an agent holds at once.
type Target struct {
	AnswerSeconds float64   // t: first reply within this
	Share         float64   // 0.8 = 80%
	AHTSeconds    float64   // handling time of one chat handled alone
	Shrinkage     float64   // 0.3 = 30%
	Concurrency   int       // chats at once (1 = phone-like)
	Factors       []float64 // factor for 1, 2, 3, ... chats at once
}

// DefaultFactors is the productivity of an agent holding 1..5 chats at once
// (a shop setting): three chats are worth 2.5 agents, not 3.
var DefaultFactors = []float64{1.0, 1.7, 2.5, 2.9, 3.5}

// Factor is the concurrency factor for c chats at once; beyond the table the
// last factor holds, below 1 it is 1.
func (t Target) Factor() float64 {
	f := t.Factors
	if len(f) == 0 {
		f = DefaultFactors
	}
	c := t.Concurrency
	if c < 1 {
		return 1
	}
	if c > len(f) {
		c = len(f)
	}
	return f[c-1]
}

// EffectiveAHT is the handling time per chat once concurrency is counted.
func (t Target) EffectiveAHT() float64 { return t.AHTSeconds / t.Factor() }

// Need is the staffing answer for one interval.
type Need struct {
	Contacts     float64
	Traffic      float64 // A, erlangs
	Agents       int     // N on line
	Scheduled    int     // N grossed up for shrinkage
	Wait         float64 // Pw at N
	ServiceLevel float64 // at N
	ASA          float64 // seconds, at N
}

// maxAgents bounds the search: a target no number of agents reaches (a share
// of 100% with t = 0) must not loop for ever.
const maxAgents = 10000

// Agents finds the smallest N > A whose service level reaches the target for
// contacts arriving in an interval of intervalSeconds.
func Agents(contacts, intervalSeconds float64, t Target) Need {
	aht := t.EffectiveAHT()
	a := Traffic(contacts, aht, intervalSeconds)
	need := Need{Contacts: contacts, Traffic: a}
	if contacts <= 0 || aht <= 0 {
		return need
	}
	n := int(math.Floor(a)) + 1
	for ; n < maxAgents; n++ {
		if ServiceLevel(n, a, aht, t.AnswerSeconds) >= t.Share {
			break
		}
	}
	need.Agents = n
	need.Wait = Wait(n, a)
	need.ServiceLevel = ServiceLevel(n, a, aht, t.AnswerSeconds)
	need.ASA = ASA(n, a, aht)
	need.Scheduled = Gross(n, t.Shrinkage)
	return need
}

// Gross turns agents on line into agents to schedule: ceil(N / (1 - s)).
func Gross(n int, shrinkage float64) int {
	if shrinkage <= 0 {
		return n
	}
	if shrinkage >= 1 {
		shrinkage = 0.99
	}
	// A tiny epsilon so 7/0.7 gives 10, not 11 from floating error.
	return int(math.Ceil(float64(n)/(1-shrinkage) - 1e-9))
}
