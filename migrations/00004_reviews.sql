-- +goose Up
-- Scorecards are versioned: a review points at the version it was scored
-- on, so editing a scorecard never changes a finished review.
CREATE TABLE scorecards (
    id         bigserial   PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    active     boolean     NOT NULL DEFAULT true,
    version    integer     NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint      REFERENCES users (id)
);
CREATE TABLE scorecard_versions (
    id           bigserial   PRIMARY KEY,
    scorecard_id bigint      NOT NULL REFERENCES scorecards (id),
    number       integer     NOT NULL,
    card         jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint      REFERENCES users (id),
    UNIQUE (scorecard_id, number)
);

-- One review per chat and agent: the sampler never draws a reviewed chat
-- again, and two inspectors cannot score the same chat by accident.
CREATE TABLE reviews (
    id                   bigserial   PRIMARY KEY,
    conversation_id      bigint      NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
    scorecard_version_id bigint      NOT NULL REFERENCES scorecard_versions (id),
    agent_nick           text        NOT NULL,
    agent_id             bigint      REFERENCES users (id),
    inspector_id         bigint      NOT NULL REFERENCES users (id),
    status               text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    ratings              jsonb       NOT NULL DEFAULT '{}',
    prefilled            text[]      NOT NULL DEFAULT '{}',
    summary              text        NOT NULL DEFAULT '',
    score                numeric(5, 2),
    critical_failed      boolean     NOT NULL DEFAULT false,
    teaching             text        NOT NULL DEFAULT '' CHECK (teaching IN ('', 'good', 'bad')),
    teaching_note        text        NOT NULL DEFAULT '',
    version              integer     NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    submitted_at         timestamptz,
    acknowledged_at      timestamptz
);
CREATE UNIQUE INDEX reviews_chat_agent_key ON reviews (conversation_id, agent_nick);
-- An agent's finished reviews, newest first.
CREATE INDEX reviews_agent_idx ON reviews (agent_id, submitted_at DESC) WHERE status = 'submitted';
-- An inspector's queue and drafts.
CREATE INDEX reviews_inspector_idx ON reviews (inspector_id, status, updated_at DESC);

-- What the agent should have said, at a given message: the reply library.
CREATE TABLE review_comments (
    id              bigserial   PRIMARY KEY,
    review_id       bigint      NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    message_id      bigint      NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
    problem         text        NOT NULL DEFAULT '',
    suggested_reply text        NOT NULL DEFAULT '',
    created_by      bigint      REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (problem <> '' OR suggested_reply <> '')
);
CREATE INDEX review_comments_review_idx ON review_comments (review_id, message_id);

-- +goose Down
DROP TABLE review_comments;
DROP TABLE reviews;
DROP TABLE scorecard_versions;
DROP TABLE scorecards;
