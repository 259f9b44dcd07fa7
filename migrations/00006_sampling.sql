-- +goose Up
-- Sampling plans (抽查计划): how many chats per agent per period, which
-- ones qualify, who reviews them.
CREATE TABLE sampling_plans (
    id            bigserial   PRIMARY KEY,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    period        text        NOT NULL DEFAULT 'day' CHECK (period IN ('day', 'week')),
    per_agent     integer     NOT NULL DEFAULT 3 CHECK (per_agent BETWEEN 1 AND 100),
    low_weight    numeric(4,2) NOT NULL DEFAULT 2 CHECK (low_weight BETWEEN 1 AND 10),
    min_messages  integer     NOT NULL DEFAULT 0,
    team          text        NOT NULL DEFAULT '',
    keywords      text        NOT NULL DEFAULT '',
    slow_only     boolean     NOT NULL DEFAULT false,
    flag          text        NOT NULL DEFAULT '',
    inspectors    bigint[]    NOT NULL DEFAULT '{}',
    due_days      integer     NOT NULL DEFAULT 2 CHECK (due_days BETWEEN 0 AND 30),
    active        boolean     NOT NULL DEFAULT true,
    version       integer     NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint      REFERENCES users (id)
);

-- What each inspector has to review. A chat and agent is drawn once ever.
CREATE TABLE review_assignments (
    id              bigserial   PRIMARY KEY,
    plan_id         bigint      NOT NULL REFERENCES sampling_plans (id),
    period_start    date        NOT NULL,
    conversation_id bigint      NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
    agent_nick      text        NOT NULL,
    inspector_id    bigint      NOT NULL REFERENCES users (id),
    due_on          date        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX review_assignments_chat_agent_key ON review_assignments (conversation_id, agent_nick);
-- An inspector's queue, soonest due first.
CREATE INDEX review_assignments_inspector_idx ON review_assignments (inspector_id, due_on, id);
CREATE INDEX review_assignments_plan_idx ON review_assignments (plan_id, period_start);

-- +goose Down
DROP TABLE review_assignments;
DROP TABLE sampling_plans;
