-- +goose Up
-- An agent's open cases, soonest due first: the shift handover reads them
-- for the agent and for each team-mate who is off, on every today page
-- and my shifts (issue 7). The agent index (00020) holds every case an
-- agent ever had and filters the open ones out of them row by row; this
-- one holds only the open ones. Queries name the statuses as literals, as
-- here, so even a generic plan can use it.
CREATE INDEX bad_reviews_open_agent_idx ON bad_reviews (agent_id, due_at)
    WHERE status IN ('assigned', 'contacting', 'agreed', 'escalated');

-- +goose Down
DROP INDEX bad_reviews_open_agent_idx;
