-- +goose Up
-- An agent's appeal against a finished review: per category, the rating
-- they think is right and why. Both versions stay: the review keeps its
-- original ratings and score here once a decision changes them.
CREATE TABLE review_appeals (
    id                bigserial   PRIMARY KEY,
    review_id         bigint      NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    agent_id          bigint      NOT NULL REFERENCES users (id),
    items             jsonb       NOT NULL,
    status            text        NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'accepted', 'partly_accepted', 'rejected')),
    resolver_id       bigint      REFERENCES users (id),
    resolution_reason text        NOT NULL DEFAULT '',
    original_ratings  jsonb,
    original_score    numeric(5, 2),
    due_at            timestamptz NOT NULL,
    version           integer     NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    resolved_at       timestamptz
);
CREATE UNIQUE INDEX review_appeals_review_key ON review_appeals (review_id);
-- Open appeals by deadline: the managers' today page and the appeals list.
CREATE INDEX review_appeals_open_idx ON review_appeals (due_at) WHERE status = 'open';

-- +goose Down
DROP TABLE review_appeals;
