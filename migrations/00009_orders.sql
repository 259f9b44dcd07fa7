-- +goose Up
-- Orders from the seller centre's report. Money in fen. A shop has millions
-- a year: lists read (created_at, id) and attribution reads (buyer, created_at).
CREATE TABLE orders (
    id            bigserial   PRIMARY KEY,
    order_no      text        NOT NULL,
    buyer         text        NOT NULL,
    paid_fen      bigint      NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
    status        text        NOT NULL,
    created_at    timestamptz NOT NULL,
    paid_at       timestamptz,
    seller_remark text        NOT NULL DEFAULT '',
    flag          smallint    NOT NULL DEFAULT 0 CHECK (flag BETWEEN 0 AND 5),
    refund_fen    bigint      NOT NULL DEFAULT 0 CHECK (refund_fen >= 0),
    imported_at   timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz
);
CREATE UNIQUE INDEX orders_order_no_key ON orders (order_no);
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
CREATE INDEX orders_buyer_idx ON orders (buyer, created_at);

-- +goose Down
DROP TABLE orders;
