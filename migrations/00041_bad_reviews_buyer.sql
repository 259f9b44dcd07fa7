-- +goose Up
-- A VIP customer's timeline reads the buyer's bad reviews by buyer, like
-- their orders (orders_buyer_idx) and chats (chat_conversations_buyer_idx).
CREATE INDEX bad_reviews_buyer_idx ON bad_reviews (buyer, reviewed_at);

-- +goose Down
DROP INDEX bad_reviews_buyer_idx;
