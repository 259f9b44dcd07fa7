-- +goose Up
-- Automatic checks (auto-QA) per chat: the kinds of flags raised and the
-- points they take off, for the list, its filters and the sampler.
ALTER TABLE chat_conversations
    ADD COLUMN flags       text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN flag_points integer NOT NULL DEFAULT 0;
CREATE INDEX chat_conversations_flags_idx ON chat_conversations USING gin (flags);

-- +goose Down
DROP INDEX chat_conversations_flags_idx;
ALTER TABLE chat_conversations DROP COLUMN flag_points, DROP COLUMN flags;
