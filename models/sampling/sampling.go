// Package sampling draws the chats QC inspectors review (抽查):
//
//   - Each agent gets a quota of chats per period; an agent whose response
//     rate is below the team average gets the quota times the plan's weight
//     (default x2), as the shop's rules ask (seed 001 §5).
//   - Within an agent's candidates the draw is random but reproducible: the
//     same seed, candidates and plan always pick the same chats, and one
//     agent's picks do not change when another agent's candidates do.
//   - Candidates already reviewed or assigned are the caller's to leave out,
//     so a chat is never drawn twice.
//   - Picks are spread over the inspectors: each goes to the inspector with
//     the fewest open assignments so far (ties to the lower id), so work
//     stays even within one, counting what they already have.
package sampling

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
)

// Candidate is a chat that may be drawn for the agent who received it.
type Candidate struct {
	ChatID int64
	Agent  string
}

// Plan is how many to draw.
type Plan struct {
	PerAgent  int
	LowWeight float64 // quota multiplier for agents below the team's response rate
	Seed      uint64
}

// Pick is one drawn chat and who reviews it.
type Pick struct {
	ChatID    int64
	Agent     string
	Inspector int64
}

// Quota is how many chats an agent gets.
func Quota(p Plan, rate, teamAvg float64, hasRate bool) int {
	q := float64(p.PerAgent)
	if hasRate && rate < teamAvg && p.LowWeight > 0 {
		q *= p.LowWeight
	}
	return int(math.Round(q))
}

// Draw picks chats per agent and assigns them to inspectors. rates holds
// each agent's response rate (0..1) for the period; teamAvg their mean.
// load is the inspectors' open assignments before this draw.
func Draw(cands []Candidate, rates map[string]float64, teamAvg float64, p Plan, inspectors []int64, load map[int64]int) []Pick {
	if len(inspectors) == 0 || p.PerAgent <= 0 {
		return nil
	}
	byAgent := map[string][]int64{}
	for _, c := range cands {
		byAgent[c.Agent] = append(byAgent[c.Agent], c.ChatID)
	}
	agents := make([]string, 0, len(byAgent))
	for a := range byAgent {
		agents = append(agents, a)
	}
	sort.Strings(agents)
	var picks []Pick
	for _, a := range agents {
		ids := byAgent[a]
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		rate, ok := rates[a]
		n := min(Quota(p, rate, teamAvg, ok), len(ids))
		rng := rand.New(rand.NewPCG(p.Seed, agentHash(a)))
		// A partial Fisher-Yates shuffle: the first n are the draw.
		for i := 0; i < n; i++ {
			j := i + rng.IntN(len(ids)-i)
			ids[i], ids[j] = ids[j], ids[i]
		}
		chosen := append([]int64{}, ids[:n]...)
		sort.Slice(chosen, func(i, j int) bool { return chosen[i] < chosen[j] })
		for _, id := range chosen {
			picks = append(picks, Pick{ChatID: id, Agent: a})
		}
	}
	spread(picks, inspectors, load)
	return picks
}

func spread(picks []Pick, inspectors []int64, load map[int64]int) {
	ins := append([]int64{}, inspectors...)
	sort.Slice(ins, func(i, j int) bool { return ins[i] < ins[j] })
	count := map[int64]int{}
	for _, id := range ins {
		count[id] = load[id]
	}
	for i := range picks {
		best := ins[0]
		for _, id := range ins[1:] {
			if count[id] < count[best] {
				best = id
			}
		}
		picks[i].Inspector = best
		count[best]++
	}
}

func agentHash(a string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(a))
	return h.Sum64()
}
