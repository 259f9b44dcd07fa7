-- +goose Up
-- Two reads the scale-1 shop showed under load (issue 7):
--
-- An agent's today page counts their finished reviews not yet read. The
-- agent index (00004) holds every review they ever had (1,100 a year),
-- and acknowledged_at is only in the table, so the count visited them
-- all: 8.5 ms a page under load. This one holds only the unread ones.
CREATE INDEX reviews_unread_idx ON reviews (agent_id)
    WHERE status = 'submitted' AND acknowledged_at IS NULL;

-- An agent's bad-review board lists their cases newest first. The agent
-- index (00020) has the status before the date, so every case the agent
-- ever had (330 a year) was read and sorted for a page of 50.
CREATE INDEX bad_reviews_agent_recent_idx ON bad_reviews (agent_id, reviewed_at DESC, id DESC);

-- +goose Down
DROP INDEX bad_reviews_agent_recent_idx;
DROP INDEX reviews_unread_idx;
