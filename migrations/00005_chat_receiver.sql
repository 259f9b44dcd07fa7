-- +goose Up
-- Who received each chat (the sub-account window), for per-agent reception
-- volume and response rate: a chat received and never answered counts
-- against the receiver even though they wrote nothing in it.
ALTER TABLE chat_conversations ADD COLUMN received_by text NOT NULL DEFAULT '';
CREATE INDEX chat_conversations_received_idx ON chat_conversations (received_by, started_at);

-- +goose Down
DROP INDEX chat_conversations_received_idx;
ALTER TABLE chat_conversations DROP COLUMN received_by;
