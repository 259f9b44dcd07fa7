-- +goose Up
-- Calibration rounds: the same chats scored blind by several inspectors.
-- Their scores live apart from reviews, so they never count toward an
-- agent's quality and never block the chat from being reviewed for real.
CREATE TABLE calibration_rounds (
    id                   bigserial   PRIMARY KEY,
    name                 text        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    scorecard_version_id bigint      NOT NULL REFERENCES scorecard_versions (id),
    inspectors           bigint[]    NOT NULL,
    closed               boolean     NOT NULL DEFAULT false,
    created_by           bigint      REFERENCES users (id),
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE calibration_items (
    id              bigserial PRIMARY KEY,
    round_id        bigint    NOT NULL REFERENCES calibration_rounds (id) ON DELETE CASCADE,
    conversation_id bigint    NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
    agent_nick      text      NOT NULL,
    UNIQUE (round_id, conversation_id, agent_nick)
);
CREATE TABLE calibration_scores (
    item_id      bigint      NOT NULL REFERENCES calibration_items (id) ON DELETE CASCADE,
    inspector_id bigint      NOT NULL REFERENCES users (id),
    ratings      jsonb       NOT NULL,
    score        numeric(5, 2),
    opened_at    timestamptz NOT NULL,
    submitted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, inspector_id)
);

-- +goose Down
DROP TABLE calibration_scores;
DROP TABLE calibration_items;
DROP TABLE calibration_rounds;
