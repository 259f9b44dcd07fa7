-- +goose Up
-- Shift schedules (issue 8). Days are dates in the shop's time zone; shift
-- types and their times are shop settings, cells keep the type's code.

-- One row per rota week (Monday): agents see a week only once published.
CREATE TABLE rota_weeks (
    week_start   date        PRIMARY KEY CHECK (extract(isodow FROM week_start) = 1),
    status       text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at timestamptz,
    published_by bigint      REFERENCES users (id),
    version      integer     NOT NULL DEFAULT 1,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   bigint      REFERENCES users (id)
);

-- One agent's day: a shift type code, '' for a day off, 'leave'.
CREATE TABLE shift_assignments (
    user_id    bigint      NOT NULL REFERENCES users (id),
    day        date        NOT NULL,
    shift      text        NOT NULL DEFAULT '',
    version    integer     NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint      REFERENCES users (id),
    PRIMARY KEY (user_id, day)
);
-- The grid and the team view read a range of days for everyone.
CREATE INDEX shift_assignments_day_idx ON shift_assignments (day, user_id);

-- Changes to a published week, listed for the agent until acknowledged.
CREATE TABLE shift_change_notices (
    id              bigserial   PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES users (id),
    day             date        NOT NULL,
    old_shift       text        NOT NULL,
    new_shift       text        NOT NULL,
    cause           text        NOT NULL CHECK (cause IN ('edit', 'swap', 'leave')),
    created_by      bigint      REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz
);
CREATE INDEX shift_change_notices_open_idx ON shift_change_notices (user_id, id) WHERE acknowledged_at IS NULL;

CREATE TABLE leave_requests (
    id         bigserial   PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id),
    first_day  date        NOT NULL,
    last_day   date        NOT NULL CHECK (last_day >= first_day),
    reason     text        NOT NULL DEFAULT '',
    status     text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined', 'cancelled')),
    decided_by bigint      REFERENCES users (id),
    decided_at timestamptz,
    version    integer     NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX leave_requests_user_idx ON leave_requests (user_id, id DESC);
CREATE INDEX leave_requests_pending_idx ON leave_requests (id) WHERE status = 'pending';

-- A swap (both cells exchange each day) or a give-away (the colleague takes
-- the requester's shift), over one or several days.
CREATE TABLE swap_requests (
    id           bigserial   PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('swap', 'giveaway')),
    requester_id bigint      NOT NULL REFERENCES users (id),
    colleague_id bigint      NOT NULL REFERENCES users (id) CHECK (colleague_id <> requester_id),
    status       text        NOT NULL DEFAULT 'proposed'
                 CHECK (status IN ('proposed', 'accepted', 'approved', 'partly_approved', 'refused', 'rejected', 'cancelled')),
    note         text        NOT NULL DEFAULT '',
    created_by   bigint      NOT NULL REFERENCES users (id),
    accepted_at  timestamptz,
    decided_by   bigint      REFERENCES users (id),
    decided_at   timestamptz,
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   bigint      REFERENCES users (id)
);
CREATE INDEX swap_requests_requester_idx ON swap_requests (requester_id, id DESC);
CREATE INDEX swap_requests_colleague_idx ON swap_requests (colleague_id, id DESC);
CREATE INDEX swap_requests_open_idx ON swap_requests (id) WHERE status IN ('proposed', 'accepted');

CREATE TABLE swap_request_days (
    swap_id         bigint  NOT NULL REFERENCES swap_requests (id) ON DELETE CASCADE,
    day             date    NOT NULL,
    requester_shift text    NOT NULL, -- the cells when asked, to show what changes
    colleague_shift text    NOT NULL,
    approved        boolean,          -- NULL until the manager decides
    PRIMARY KEY (swap_id, day)
);

-- 交接: what the outgoing shift hands to someone on the next.
CREATE TABLE handover_items (
    id         bigserial   PRIMARY KEY,
    day        date        NOT NULL,
    author_id  bigint      NOT NULL REFERENCES users (id),
    owner_id   bigint      NOT NULL REFERENCES users (id),
    kind       text        NOT NULL CHECK (kind IN ('bad_review', 'refund', 'promise', 'follow_up', 'other')),
    ref        text        NOT NULL DEFAULT '', -- order number, buyer, case
    body       text        NOT NULL,
    done_at    timestamptz,
    done_by    bigint      REFERENCES users (id),
    version    integer     NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX handover_items_open_idx ON handover_items (owner_id, day, id) WHERE done_at IS NULL;
CREATE INDEX handover_items_day_idx ON handover_items (day DESC, id DESC);

-- Schedule adherence from chats: worked off shift, or absent from one.
CREATE TABLE adherence_cases (
    id         bigserial   PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id),
    day        date        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('off_shift', 'absent')),
    shift      text        NOT NULL DEFAULT '',
    first_seen timestamptz,
    last_seen  timestamptz,
    messages   integer     NOT NULL DEFAULT 0,
    status     text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fined', 'excused')),
    fine_fen   bigint      NOT NULL DEFAULT 0,
    note       text        NOT NULL DEFAULT '',
    decided_by bigint      REFERENCES users (id),
    decided_at timestamptz,
    version    integer     NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, day, kind)
);
-- The manager's list, by status, newest day first, keyset on (day, id).
CREATE INDEX adherence_cases_list_idx ON adherence_cases (status, day DESC, id DESC);

-- A saved staffing plan for one day (a promotion): forecast inputs and targets.
CREATE TABLE staffing_plans (
    day              date        PRIMARY KEY,
    interval_minutes integer     NOT NULL DEFAULT 30 CHECK (interval_minutes IN (15, 30, 60)),
    oct_avg          numeric     NOT NULL DEFAULT 0,
    last_d11         numeric     NOT NULL DEFAULT 0,
    last_oct_avg     numeric     NOT NULL DEFAULT 0,
    override_chats   numeric,
    aht_seconds      integer     NOT NULL,
    concurrency      integer     NOT NULL,
    target_percent   integer     NOT NULL,
    answer_seconds   integer     NOT NULL,
    shrinkage        integer     NOT NULL,
    version          integer     NOT NULL DEFAULT 1,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       bigint      REFERENCES users (id)
);

-- The secret of each user's calendar feed URL; resetting replaces it.
CREATE TABLE calendar_feeds (
    user_id    bigint      PRIMARY KEY REFERENCES users (id),
    token      text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE staffing_plans;
DROP TABLE adherence_cases;
DROP TABLE handover_items;
DROP TABLE swap_request_days;
DROP TABLE swap_requests;
DROP TABLE leave_requests;
DROP TABLE shift_change_notices;
DROP TABLE shift_assignments;
DROP TABLE rota_weeks;
