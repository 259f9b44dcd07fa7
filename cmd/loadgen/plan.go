package main

import (
	"fmt"
	"strings"
)

// step is one page a user opens; a plan is walked in order, round and round.
type step struct {
	user, password, path string
}

// defaultPlan is what the demo shop's (and the scale generator's) people
// open most on a busy day. A line may repeat to weigh a page. "FROM ->
// PREFIX" opens the first link on FROM that starts with PREFIX.
const defaultPlan = `
manager  kefudesk /
manager  kefudesk /orders
manager  kefudesk /orders/performance
manager  kefudesk /spot-checks/appeals
manager  kefudesk /reviews
manager  kefudesk /reviews?due=overdue
manager  kefudesk /reviews?status=contacting&cause=quality
manager  kefudesk /vip/customers
manager  kefudesk /shifts/team
qc       kefudesk /
qc       kefudesk /spot-checks/queue
qc       kefudesk /spot-checks/queue -> /spot-checks/reviews/
qc       kefudesk /spot-checks/chats
qc       kefudesk /spot-checks/chats -> /spot-checks/chats/
xiaomei  kefudesk /
xiaomei  kefudesk /spot-checks/mine
xiaomei  kefudesk /spot-checks/mine -> /spot-checks/reviews/
xiaomei  kefudesk /shifts/me
xiaomei  kefudesk /reviews
xiaomei  kefudesk /vip/me
xiaomei  kefudesk /orders/performance
`

func parsePlan(text string) ([]step, error) {
	var out []step
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 || !strings.HasPrefix(f[2], "/") {
			return nil, fmt.Errorf("plan line %d: want 'user password /path', got %q", n+1, line)
		}
		out = append(out, step{user: f[0], password: f[1], path: strings.Join(f[2:], " ")})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the plan has no pages")
	}
	return out, nil
}
