-- +goose Up
-- Users of the dashboard. Usernames are unique case-insensitively so that
-- "Xiaomei" and "xiaomei" cannot both exist and confuse a login.
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text        NOT NULL CHECK (username ~ '^[A-Za-z0-9_.-]{2,40}$'),
    display_name  text        NOT NULL DEFAULT '',
    role          text        NOT NULL CHECK (role IN ('admin', 'manager', 'qc', 'agent')),
    team          text        NOT NULL DEFAULT '' CHECK (team IN ('', 'presales', 'aftersales', 'assistance', 'qc', 'phone')),
    password_hash text        NOT NULL,
    disabled      boolean     NOT NULL DEFAULT false,
    locale        text        NOT NULL DEFAULT '' CHECK (locale IN ('', 'zh-CN', 'en')),
    version       integer     NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint      REFERENCES users (id)
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- Wangwang sub-account nicks: chats and orders name agents by nick, and one
-- person may use several sub-accounts. A nick belongs to one user at most.
CREATE TABLE agent_nicks (
    nick       text        PRIMARY KEY CHECK (length(nick) BETWEEN 1 AND 64),
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_nicks_user_id_idx ON agent_nicks (user_id);

-- Login sessions live here rather than in the cookie, so that logging out,
-- disabling a user or changing a password ends their sessions at once.
CREATE TABLE web_sessions (
    id         text        PRIMARY KEY,
    user_id    bigint      REFERENCES users (id) ON DELETE CASCADE,
    data       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX web_sessions_user_id_idx ON web_sessions (user_id);
CREATE INDEX web_sessions_expires_at_idx ON web_sessions (expires_at);

-- Failed logins, by name and by address, to slow down and then lock out
-- password guessing. Kept in the database so every server process agrees.
CREATE TABLE login_failures (
    id        bigserial   PRIMARY KEY,
    username  text        NOT NULL,
    ip        text        NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_username_idx ON login_failures (lower(username), failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, failed_at);

-- The shop's settings: one row, the values a manager changed over the
-- defaults compiled into the binary. One version guards the whole form.
CREATE TABLE shop_settings (
    id         smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    vals       jsonb       NOT NULL DEFAULT '{}',
    version    integer     NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint      REFERENCES users (id)
);
INSERT INTO shop_settings (id) VALUES (1);

-- Every change a user makes: who, when, what, and the record before/after.
-- actor_name is copied so the log still reads right after a rename.
CREATE TABLE audit_log (
    id         bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint      REFERENCES users (id),
    actor_name text        NOT NULL,
    action     text        NOT NULL,
    entity     text        NOT NULL,
    entity_id  text        NOT NULL DEFAULT '',
    before     jsonb,
    after      jsonb,
    ip         text        NOT NULL DEFAULT ''
);
-- The audit page lists newest first with keyset pagination on (at, id),
-- optionally narrowed by actor or entity: one index per way it is read.
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC, id DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, at DESC, id DESC);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE shop_settings;
DROP TABLE login_failures;
DROP TABLE web_sessions;
DROP TABLE agent_nicks;
DROP TABLE users;
