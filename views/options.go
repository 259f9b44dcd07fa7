package views

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"

	"kefudesk/models"
)

// options writes a long select's n options in one pass, as
// <option value="V" selected>L</option>; opt gives the i-th value and
// label. The board's filters and bulk assignment list every agent and item
// (300 agents and up to 500 items in a big shop). Written in templ, each
// option passed its value and label through fmt.Sprint (templ's
// JoinStringErrs) and its selected attribute through a branch of its own:
// 18% of the board's rendering. Like weekCell, the hot loop is Go and the
// page around it stays templ.
func options(n int, selected string, opt func(i int) (value, label string)) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for i := range n {
			value, label := opt(i)
			end := `">`
			if value == selected && selected != "" {
				end = `" selected>`
			}
			for _, part := range [...]string{`<option value="`, templ.EscapeString(value), end, templ.EscapeString(label), `</option>`} {
				if _, err := io.WriteString(w, part); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// agentOptions are the board's agents to filter by, the chosen one
// selected.
func agentOptions(agents []models.CaseAgent, selected string) templ.Component {
	return options(len(agents), selected, func(i int) (string, string) {
		return strconv.FormatInt(agents[i].ID, 10), agents[i].Name
	})
}

// loadOptions are the agents to assign ticked cases to, each with the
// open cases they hold.
func loadOptions(ctx context.Context, agents []models.CaseAgent) templ.Component {
	return options(len(agents), "", func(i int) (string, string) {
		return strconv.FormatInt(agents[i].ID, 10), T(ctx, "badreviews.agent_load", agents[i].Name, agents[i].OpenCases)
	})
}

// itemOptions are the items with cases, the chosen one selected.
func itemOptions(items []string, selected string) templ.Component {
	return options(len(items), selected, func(i int) (string, string) { return items[i], items[i] })
}
