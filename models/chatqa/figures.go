// Package chatqa computes the reply-speed figures of one customer-service
// chat transcript: the numbers shown above a transcript and stored per
// conversation for QC inspectors.
//
// How the figures are computed:
//
//   - Messages are taken in the order given (the caller sorts them by send
//     time, then import order); they are never reordered.
//   - A buyer message starts a "run" of waiting buyer messages when no run is
//     open; further buyer messages join the open run.
//   - The next agent message closes the open run and is a reply. Its wait is
//     measured from the FIRST buyer message of the run to the agent message,
//     so a buyer who writes three times and then gets an answer waited since
//     the first of the three.
//   - An agent message when no run is open (a greeting before the buyer
//     writes, a follow-up after a reply) is not a reply and has no wait.
//   - System messages (and any sender other than buyer or agent) neither open
//     nor close runs; they are ignored for waits but are counted in the
//     message totals and in the conversation's duration and longest gap.
//   - A reply is slow when its wait is strictly longer than the shop's slow
//     reply limit (5 minutes by default): a wait of exactly 5 minutes is not
//     slow. A non-positive limit means the default.
//   - A negative wait or gap (clock skew between systems) counts as 0.
//   - When several agents served one chat, each figure belongs to the agent
//     who wrote the message: a reply belongs to the agent whose message
//     closed the run. Agents are identified by their sub-account nick and
//     listed in order of their first message.
//   - First response is the wait of the first reply (of the conversation, or
//     of one agent); average wait is the mean wait over replies.
//   - The conversation is unanswered when a run of buyer messages is still
//     open at the end, i.e. the last buyer message has no agent message
//     after it.
//   - Duration runs from the first to the last message; longest gap is the
//     longest time between two consecutive messages, whoever sent them.
//   - No messages gives all-zero figures.
package chatqa

import "time"

// Sender of a message.
type Sender string

const (
	Buyer  Sender = "buyer"
	Agent  Sender = "agent"
	System Sender = "system"
)

// Message is one line of a chat transcript.
type Message struct {
	Sender    Sender
	AgentNick string // who wrote it, for agent messages (Wangwang sub-account nick)
	SentAt    time.Time
	Text      string
}

// Rules are the shop settings the figures depend on.
type Rules struct {
	SlowReply time.Duration // a reply wait over this is "slow" (default 5 minutes)
}

// DefaultRules returns the default shop rules: a reply is slow after 5 minutes.
func DefaultRules() Rules {
	return Rules{SlowReply: 5 * time.Minute}
}

// Reply is an agent message that answered buyer messages waiting for it.
type Reply struct {
	Index     int // index in the messages slice of the agent message
	AgentNick string
	Wait      time.Duration // from the FIRST buyer message of the unanswered run to this reply
	Slow      bool          // Wait > Rules.SlowReply
}

// AgentFigures are the figures of one agent within one conversation.
type AgentFigures struct {
	Nick             string
	Messages         int
	Replies          int
	SlowReplies      int
	FirstResponse    time.Duration // wait of this agent's first reply
	HasFirstResponse bool
	AvgWait          time.Duration // mean wait over this agent's replies (0 if none)
}

// Figures are the figures of one conversation.
type Figures struct {
	Messages, BuyerMessages, AgentMessages, SystemMessages int
	Start, End                                             time.Time
	Duration                                               time.Duration
	FirstResponse                                          time.Duration // wait of the conversation's first reply
	HasFirstResponse                                       bool
	LongestGap                                             time.Duration // longest time between two consecutive messages (any senders)
	Replies                                                []Reply
	SlowReplies                                            int
	Unanswered                                             bool                  // the last buyer message has no agent message after it
	Agents                                                 []AgentFigures        // one per agent nick, in order of first appearance
	Waits                                                  map[int]time.Duration // message index -> wait, only for agent messages that are replies (convenience for the transcript view); nil when there are none
}

// kind maps a sender to Buyer, Agent or System; unknown senders act as System.
func kind(s Sender) Sender {
	switch s {
	case Buyer, Agent:
		return s
	}
	return System
}

func nonNeg(d time.Duration) time.Duration {
	if d < 0 {
		return 0
	}
	return d
}

// Compute returns the figures of one conversation. msgs must already be in
// chronological order; see the package documentation for the rules.
// Compute does not modify msgs.
func Compute(msgs []Message, r Rules) Figures {
	var f Figures
	if len(msgs) == 0 {
		return f
	}
	limit := r.SlowReply
	if limit <= 0 {
		limit = DefaultRules().SlowReply
	}

	// First pass: count replies so Replies and Waits are allocated once.
	n, open := 0, false
	for i := range msgs {
		switch kind(msgs[i].Sender) {
		case Buyer:
			open = true
		case Agent:
			if open {
				n++
				open = false
			}
		}
	}
	if n > 0 {
		f.Replies = make([]Reply, 0, n)
		f.Waits = make(map[int]time.Duration, n)
	}

	f.Messages = len(msgs)
	f.Start = msgs[0].SentAt
	f.End = msgs[len(msgs)-1].SentAt
	f.Duration = nonNeg(f.End.Sub(f.Start))

	var runStart time.Time
	open = false
	for i := range msgs {
		m := &msgs[i]
		if i > 0 {
			if g := m.SentAt.Sub(msgs[i-1].SentAt); g > f.LongestGap {
				f.LongestGap = g
			}
		}
		switch kind(m.Sender) {
		case Buyer:
			f.BuyerMessages++
			if !open {
				open = true
				runStart = m.SentAt
			}
		case Agent:
			f.AgentMessages++
			a := agentIndex(&f.Agents, m.AgentNick)
			ag := &f.Agents[a]
			ag.Messages++
			if !open {
				continue
			}
			open = false
			wait := nonNeg(m.SentAt.Sub(runStart))
			slow := wait > limit
			f.Replies = append(f.Replies, Reply{Index: i, AgentNick: m.AgentNick, Wait: wait, Slow: slow})
			f.Waits[i] = wait
			if !f.HasFirstResponse {
				f.FirstResponse, f.HasFirstResponse = wait, true
			}
			if !ag.HasFirstResponse {
				ag.FirstResponse, ag.HasFirstResponse = wait, true
			}
			ag.Replies++
			ag.AvgWait += wait // running sum; divided below
			if slow {
				f.SlowReplies++
				ag.SlowReplies++
			}
		default:
			f.SystemMessages++
		}
	}
	f.Unanswered = open
	for i := range f.Agents {
		if ag := &f.Agents[i]; ag.Replies > 0 {
			ag.AvgWait /= time.Duration(ag.Replies)
		}
	}
	return f
}

// agentIndex returns the index of nick in *agents, appending it if new.
// Chats have few agents, so a linear scan beats a map.
func agentIndex(agents *[]AgentFigures, nick string) int {
	for i := range *agents {
		if (*agents)[i].Nick == nick {
			return i
		}
	}
	*agents = append(*agents, AgentFigures{Nick: nick})
	return len(*agents) - 1
}
