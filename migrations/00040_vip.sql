-- +goose Up
-- VIP customers the team visits (issue 6). One row per buyer nick; contact
-- details are personal data: pages mask them and every reveal is audited.
CREATE TABLE vip_customers (
    id                bigserial   PRIMARY KEY,
    buyer             text        NOT NULL CHECK (length(buyer) BETWEEN 1 AND 64),
    real_name         text        NOT NULL DEFAULT '',
    phone             text        NOT NULL DEFAULT '',
    wechat            text        NOT NULL DEFAULT '',
    tier              text        NOT NULL DEFAULT 'gold' CHECK (tier IN ('diamond', 'gold', 'silver')),
    tags              text[]      NOT NULL DEFAULT '{}',
    notes             text        NOT NULL DEFAULT '',
    preferred_channel text        NOT NULL DEFAULT 'wangwang' CHECK (preferred_channel IN ('phone', 'wangwang', 'sms', 'wechat')),
    contact_window    text        NOT NULL DEFAULT '', -- '' = the shop's default window
    do_not_contact    boolean     NOT NULL DEFAULT false,
    source            text        NOT NULL DEFAULT 'form' CHECK (source IN ('form', 'import', 'suggestion')),
    version           integer     NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        bigint      REFERENCES users (id)
);
CREATE UNIQUE INDEX vip_customers_buyer_key ON vip_customers (buyer);
-- The customer list pages by (buyer, id); lists choose customers by tier and tag.
CREATE INDEX vip_customers_tier_idx ON vip_customers (tier, buyer);
CREATE INDEX vip_customers_tags_idx ON vip_customers USING gin (tags);

-- A manager's answer to a suggested VIP, so a dismissed buyer is not
-- suggested again (and an accepted one is a customer already).
CREATE TABLE vip_suggestion_decisions (
    buyer      text        PRIMARY KEY,
    decision   text        NOT NULL CHECK (decision IN ('accepted', 'dismissed')),
    decided_by bigint      REFERENCES users (id),
    decided_at timestamptz NOT NULL DEFAULT now()
);

-- A visit list: a purpose, a period, who is in it and how they were
-- chosen, and a script. A monthly list is copied for each new month from
-- its rule (the same choice of customers and agents); month_of points at
-- the list it was generated from.
CREATE TABLE visit_lists (
    id             bigserial   PRIMARY KEY,
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    purpose        text        NOT NULL DEFAULT '',
    period_start   date        NOT NULL,
    period_end     date        NOT NULL CHECK (period_end >= period_start),
    script         text        NOT NULL DEFAULT '',
    tiers          text[]      NOT NULL DEFAULT '{}',
    tags           text[]      NOT NULL DEFAULT '{}',
    from_suggested boolean     NOT NULL DEFAULT false,
    picked_ids     bigint[]    NOT NULL DEFAULT '{}',
    agent_ids      bigint[]    NOT NULL DEFAULT '{}',
    monthly        boolean     NOT NULL DEFAULT false,
    month_of       bigint      REFERENCES visit_lists (id) ON DELETE SET NULL,
    version        integer     NOT NULL DEFAULT 1,
    created_by     bigint      REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     bigint      REFERENCES users (id)
);
CREATE INDEX visit_lists_period_idx ON visit_lists (period_start DESC, id DESC);
-- One generated list per rule and month, however often generation runs.
CREATE UNIQUE INDEX visit_lists_month_key ON visit_lists (month_of, period_start) WHERE month_of IS NOT NULL;

-- One visit: a customer of a list, the agent who does it, by when. A
-- follow-up date logged on a visit becomes a new visit (follow_up_of).
CREATE TABLE vip_visits (
    id            bigserial   PRIMARY KEY,
    list_id       bigint      NOT NULL REFERENCES visit_lists (id) ON DELETE CASCADE,
    customer_id   bigint      NOT NULL REFERENCES vip_customers (id) ON DELETE CASCADE,
    agent_id      bigint      NOT NULL REFERENCES users (id),
    due_on        date        NOT NULL,
    status        text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'unreachable', 'closed')),
    last_outcome  text        NOT NULL DEFAULT '',
    no_answers    integer     NOT NULL DEFAULT 0,
    call_back_at  timestamptz,
    follow_up_of  bigint      REFERENCES vip_visits (id) ON DELETE SET NULL,
    first_reached_at timestamptz,
    version       integer     NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint      REFERENCES users (id),
    closed_at     timestamptz
);
-- A customer is in a list once; follow-ups are extra visits.
CREATE UNIQUE INDEX vip_visits_list_customer_key ON vip_visits (list_id, customer_id) WHERE follow_up_of IS NULL;
-- "My visits due" and "overdue visits": open visits by agent and due day.
CREATE INDEX vip_visits_agent_due_idx ON vip_visits (agent_id, due_on) WHERE status = 'open';
CREATE INDEX vip_visits_due_idx ON vip_visits (due_on) WHERE status = 'open';
CREATE INDEX vip_visits_customer_idx ON vip_visits (customer_id, created_at);

-- Every contact attempt of a visit, as the agent logged it.
CREATE TABLE vip_visit_logs (
    id             bigserial   PRIMARY KEY,
    visit_id       bigint      NOT NULL REFERENCES vip_visits (id) ON DELETE CASCADE,
    agent_id       bigint      NOT NULL REFERENCES users (id),
    channel        text        NOT NULL CHECK (channel IN ('phone', 'wangwang', 'sms', 'wechat')),
    contacted_at   timestamptz NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'call_back', 'declined', 'wrong_number')),
    call_back_at   timestamptz,
    notes          text        NOT NULL DEFAULT '',
    follow_up_on   date,
    outside_window boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vip_visit_logs_visit_idx ON vip_visit_logs (visit_id, contacted_at);

-- +goose Down
DROP TABLE vip_visit_logs;
DROP TABLE vip_visits;
DROP TABLE visit_lists;
DROP TABLE vip_suggestion_decisions;
DROP TABLE vip_customers;
