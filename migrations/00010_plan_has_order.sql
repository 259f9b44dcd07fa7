-- +goose Up
-- Sampling plans may ask for chats that led to an order: the buyer ordered
-- between the chat and the end of the next day (shop time), the window the
-- platform uses to credit a sale to a chat.
ALTER TABLE sampling_plans ADD COLUMN has_order boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE sampling_plans DROP COLUMN has_order;
