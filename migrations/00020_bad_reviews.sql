-- +goose Up
-- Buyers' reviews as exported by the platform. Good ones are kept only for
-- the praise count (status 'praise'); medium and bad ones open a case that
-- an agent works until a result is handed in.
CREATE TABLE bad_reviews (
    id               bigserial   PRIMARY KEY,
    review_no        text        NOT NULL UNIQUE,               -- the platform's 评价ID
    order_no         text        NOT NULL DEFAULT '',
    buyer            text        NOT NULL,
    rating           text        NOT NULL CHECK (rating IN ('good', 'medium', 'bad')),
    first_rating     text        NOT NULL CHECK (first_rating IN ('good', 'medium', 'bad')),
    content          text        NOT NULL DEFAULT '',
    follow_up        text        NOT NULL DEFAULT '',           -- 追评
    follow_up_at     timestamptz,
    photos           text[]      NOT NULL DEFAULT '{}',
    item             text        NOT NULL DEFAULT '',
    reviewed_at      timestamptz NOT NULL,
    status           text        NOT NULL CHECK (status IN ('praise', 'new', 'assigned', 'contacting', 'agreed',
                                                            'escalated', 'resolved', 'unresolved')),
    agent_id         bigint      REFERENCES users (id),
    served_by        bigint      REFERENCES users (id),         -- the agent who chatted with the buyer, when known
    causes           text[]      NOT NULL DEFAULT '{}',
    assigned_at      timestamptz,
    due_at           timestamptz,
    escalation       text        NOT NULL DEFAULT '',
    outcome          text        NOT NULL DEFAULT '' CHECK (outcome IN ('', 'revised', 'explained', 'compensated', 'unresolved')),
    final_rating     text        NOT NULL DEFAULT '' CHECK (final_rating IN ('', 'good', 'medium', 'bad', 'removed')),
    compensation_fen bigint      NOT NULL DEFAULT 0 CHECK (compensation_fen >= 0),
    account          text        NOT NULL DEFAULT '',
    resolved_at      timestamptz,
    version          integer     NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       bigint      REFERENCES users (id),
    -- a closed case always carries its result
    CHECK (status NOT IN ('resolved', 'unresolved') OR (outcome <> '' AND resolved_at IS NOT NULL AND account <> ''))
);
-- The board: newest first by status, by agent, by due day; keyset on (reviewed_at, id).
CREATE INDEX bad_reviews_board_idx ON bad_reviews (status, reviewed_at DESC, id DESC);
CREATE INDEX bad_reviews_agent_idx ON bad_reviews (agent_id, status, reviewed_at DESC, id DESC);
CREATE INDEX bad_reviews_reviewed_idx ON bad_reviews (reviewed_at DESC, id DESC);
CREATE INDEX bad_reviews_due_idx ON bad_reviews (due_at) WHERE status IN ('assigned', 'contacting', 'agreed', 'escalated');
CREATE INDEX bad_reviews_item_idx ON bad_reviews (item, reviewed_at);
CREATE INDEX bad_reviews_causes_idx ON bad_reviews USING gin (causes);

-- Every attempt to reach the buyer about a case.
CREATE TABLE bad_review_contacts (
    id            bigserial   PRIMARY KEY,
    bad_review_id bigint      NOT NULL REFERENCES bad_reviews (id) ON DELETE CASCADE,
    agent_id      bigint      REFERENCES users (id),
    channel       text        NOT NULL CHECK (channel IN ('wangwang', 'phone', 'sms', 'wechat')),
    contacted_at  timestamptz NOT NULL,
    reached       boolean     NOT NULL,
    offer         text        NOT NULL DEFAULT '' CHECK (offer IN ('', 'apology', 'coupon', 'partial_refund', 'reshipment')),
    offer_fen     bigint      NOT NULL DEFAULT 0 CHECK (offer_fen >= 0),
    answer        text        NOT NULL DEFAULT '' CHECK (answer IN ('', 'agreed', 'thinking', 'refused')),
    note          text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bad_review_contacts_case_idx ON bad_review_contacts (bad_review_id, contacted_at);

-- +goose Down
DROP TABLE bad_review_contacts;
DROP TABLE bad_reviews;
