-- +goose Up
-- Chat records exported from Qianniu. Sized for a big shop: 10 million
-- conversations and 200 million messages, so every list reads an index
-- that matches its order, and imports go through COPY.
CREATE TABLE chat_conversations (
    id                  bigserial   PRIMARY KEY,
    external_id         text        NOT NULL,
    buyer               text        NOT NULL,
    started_at          timestamptz NOT NULL,
    ended_at            timestamptz NOT NULL,
    messages            integer     NOT NULL DEFAULT 0,
    buyer_messages      integer     NOT NULL DEFAULT 0,
    agent_messages      integer     NOT NULL DEFAULT 0,
    first_response_secs integer,            -- NULL: no agent ever answered
    longest_gap_secs    integer     NOT NULL DEFAULT 0,
    slow_replies        integer     NOT NULL DEFAULT 0,
    unanswered          boolean     NOT NULL DEFAULT false,
    agent_nicks         text[]      NOT NULL DEFAULT '{}', -- who served, in order
    imported_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX chat_conversations_external_key ON chat_conversations (external_id);
-- The chat list: newest first, keyset on (started_at, id).
CREATE INDEX chat_conversations_started_idx ON chat_conversations (started_at DESC, id DESC);
-- One buyer's chats (attribution, customer timeline).
CREATE INDEX chat_conversations_buyer_idx ON chat_conversations (buyer, started_at);
-- Chats an agent served (filters, sampling).
CREATE INDEX chat_conversations_agents_idx ON chat_conversations USING gin (agent_nicks);

CREATE TABLE chat_messages (
    id              bigserial   PRIMARY KEY,
    conversation_id bigint      NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
    sender          text        NOT NULL CHECK (sender IN ('buyer', 'agent', 'system')),
    agent_nick      text        NOT NULL DEFAULT '',
    sent_at         timestamptz NOT NULL,
    body            text        NOT NULL,
    body_hash       bytea       NOT NULL
);
-- Re-importing a file, or overlapping exports, add nothing: a message is
-- the same message when its chat, time, sender and text are the same. The
-- index also serves the transcript, read by (conversation_id, sent_at).
CREATE UNIQUE INDEX chat_messages_identity_key
    ON chat_messages (conversation_id, sent_at, sender, agent_nick, body_hash);

-- Every agent nick seen in chats, so unknown ones can be listed for the
-- admin to map without scanning 200 million messages.
CREATE TABLE chat_agent_nicks (
    nick       text        PRIMARY KEY,
    messages   bigint      NOT NULL DEFAULT 0,
    first_seen timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL
);

-- Import runs: the upload page polls these for its progress bar, whichever
-- server process runs the import.
CREATE TABLE import_runs (
    id          bigserial   PRIMARY KEY,
    kind        text        NOT NULL,
    file_name   text        NOT NULL,
    status      text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    bytes_total bigint      NOT NULL DEFAULT 0,
    bytes_done  bigint      NOT NULL DEFAULT 0,
    rows_done   bigint      NOT NULL DEFAULT 0,
    added       bigint      NOT NULL DEFAULT 0,
    duplicates  bigint      NOT NULL DEFAULT 0,
    problems    jsonb,
    started_by  bigint      REFERENCES users (id),
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX import_runs_kind_idx ON import_runs (kind, started_at DESC);

-- +goose Down
DROP TABLE import_runs;
DROP TABLE chat_agent_nicks;
DROP TABLE chat_messages;
DROP TABLE chat_conversations;
