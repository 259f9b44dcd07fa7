-- +goose Up
-- Promotion periods: while one runs, orders are split evenly among the
-- agents who served the buyer (seed 003 §7). Days in the shop's time zone,
-- both ends included.
CREATE TABLE promotion_periods (
    id         bigserial   PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    starts_on  date        NOT NULL,
    ends_on    date        NOT NULL CHECK (ends_on >= starts_on),
    version    integer     NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint      REFERENCES users (id)
);
CREATE INDEX promotion_periods_starts_idx ON promotion_periods (starts_on DESC, id DESC);

-- The automatic decision for each order: which rule decided it, the
-- explanation steps (message keys and arguments) and who was involved (the
-- users who chatted with the buyer in the window or before payment), so an
-- agent's own orders and disputes can be found. sig is the credit in a
-- comparable form, for the preview of a re-apply.
CREATE TABLE order_attributions (
    order_id    bigint      PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    rule        text        NOT NULL CHECK (rule IN ('promotion', 'remark', 'last_chat', 'silent')),
    steps       jsonb       NOT NULL DEFAULT '[]',
    auto_credit jsonb       NOT NULL DEFAULT '[]',
    sig         text        NOT NULL DEFAULT '',
    involved    bigint[]    NOT NULL DEFAULT '{}',
    order_at    timestamptz NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_attributions_involved_idx ON order_attributions USING gin (involved);
-- Silent orders of a period (performance page).
CREATE INDEX order_attributions_silent_idx ON order_attributions (order_at) WHERE rule = 'silent';

-- The credit that counts: the automatic one, or a manager's ruling, which
-- replaces the order's credit rows. One row per agent and kind. Agents not
-- mapped to a user keep their nick (user_id NULL). share is in basis points
-- (10000 = the whole order); amounts in fen; paid/refund copied from the
-- order so the performance page reads this table alone.
CREATE TABLE order_credits (
    order_id   bigint      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind       text        NOT NULL CHECK (kind IN ('credit', 'assist')),
    agent      text        NOT NULL,
    user_id    bigint      REFERENCES users (id) ON DELETE SET NULL,
    share_bp   integer     NOT NULL CHECK (share_bp BETWEEN 0 AND 10000),
    amount_fen bigint      NOT NULL DEFAULT 0,
    refund_fen bigint      NOT NULL DEFAULT 0,
    paid       boolean     NOT NULL DEFAULT false,
    buyer      text        NOT NULL,
    order_at   timestamptz NOT NULL,
    source     text        NOT NULL CHECK (source IN ('auto', 'ruling')),
    PRIMARY KEY (order_id, kind, agent)
);
-- The performance page reads a period (all agents), or one agent's period.
CREATE INDEX order_credits_period_idx ON order_credits (order_at, kind) INCLUDE (agent, user_id, share_bp, amount_fen, refund_fen, paid, buyer);
CREATE INDEX order_credits_user_idx ON order_credits (user_id, order_at);

-- An agent's claim to an order, the holders' answers and the manager's
-- ruling. open -> ruled -> (reopened) open. One open dispute per order.
CREATE TABLE attribution_disputes (
    id            bigserial   PRIMARY KEY,
    order_id      bigint      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    claimant_id   bigint      NOT NULL REFERENCES users (id),
    reason        text        NOT NULL,
    holders       bigint[]    NOT NULL DEFAULT '{}',
    status        text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'ruled')),
    answer_due_at timestamptz NOT NULL,
    award         jsonb,       -- [{"user_id":1,"share_bp":6000}, ...]
    ruling_reason text        NOT NULL DEFAULT '',
    ruled_by      bigint      REFERENCES users (id),
    ruled_at      timestamptz,
    reopen_reason text        NOT NULL DEFAULT '',
    version       integer     NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint      REFERENCES users (id)
);
CREATE UNIQUE INDEX attribution_disputes_open_key ON attribution_disputes (order_id) WHERE status = 'open';
CREATE INDEX attribution_disputes_order_idx ON attribution_disputes (order_id, id);
CREATE INDEX attribution_disputes_list_idx ON attribution_disputes (status, created_at, id);
CREATE INDEX attribution_disputes_holders_idx ON attribution_disputes USING gin (holders) WHERE status = 'open';

CREATE TABLE dispute_answers (
    id         bigserial   PRIMARY KEY,
    dispute_id bigint      NOT NULL REFERENCES attribution_disputes (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id),
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dispute_answers_dispute_idx ON dispute_answers (dispute_id, id);

-- +goose Down
DROP TABLE dispute_answers;
DROP TABLE attribution_disputes;
DROP TABLE order_credits;
DROP TABLE order_attributions;
DROP TABLE promotion_periods;
