-- +goose Up
-- Sales performance read from daily figures instead of aggregating a
-- year of chats and orders per page view (issue 7). A day is a date in the
-- shop's time zone. Every write to chats, orders, attributions or credits
-- notes the days it touches (statement triggers, so no code path can
-- forget); a background refresher, and the page itself for a few days,
-- recompute them.

-- One row per computed day: the shop's totals.
CREATE TABLE sales_days (
    day           date        PRIMARY KEY,
    orders        bigint      NOT NULL DEFAULT 0,
    paid_fen      bigint      NOT NULL DEFAULT 0,
    silent_orders bigint      NOT NULL DEFAULT 0,
    computed_at   timestamptz NOT NULL DEFAULT now()
);

-- Days waiting to be recomputed. Writers only append (no unique key, so a
-- long import never holds a row another writer or the refresher needs);
-- a refresh deletes the marks it has seen, up to the largest id it read
-- before computing, so a mark added meanwhile keeps the day dirty.
CREATE TABLE sales_day_marks (
    id  bigserial PRIMARY KEY,
    day date      NOT NULL
);
CREATE INDEX sales_day_marks_day_idx ON sales_day_marks (day, id);

-- One agent's (user 'u<id>' or unmapped nick) figures of one day.
CREATE TABLE sales_daily (
    day             date    NOT NULL,
    agent           text    NOT NULL,
    user_id         bigint,
    inquiries       integer NOT NULL DEFAULT 0,
    ordered_buyers  integer NOT NULL DEFAULT 0,
    paid_buyers     integer NOT NULL DEFAULT 0,
    share_bp        bigint  NOT NULL DEFAULT 0,
    sales_fen       bigint  NOT NULL DEFAULT 0,
    credited_buyers integer NOT NULL DEFAULT 0,
    assists         integer NOT NULL DEFAULT 0,
    assist_fen      bigint  NOT NULL DEFAULT 0,
    refund_fen      bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (day, agent)
);
-- An agent's own page and trend.
CREATE INDEX sales_daily_user_idx ON sales_daily (user_id, day) WHERE user_id IS NOT NULL;

-- +goose StatementBegin
-- mark_sales_days notes the days from the earliest to the latest value of
-- column TG_ARGV[0] in the changed rows (old and new ones on an update);
-- TG_ARGV[1] = 'window' reaches back the attribution window, because an
-- order converts earlier inquiries.
CREATE FUNCTION mark_sales_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lo   timestamptz;
    hi   timestamptz;
    zone text;
    back integer;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        EXECUTE format('SELECT min(t), max(t) FROM (SELECT %1$I AS t FROM changed UNION ALL SELECT %1$I FROM changed_old) x', TG_ARGV[0]) INTO lo, hi;
    ELSE
        EXECUTE format('SELECT min(%1$I), max(%1$I) FROM changed', TG_ARGV[0]) INTO lo, hi;
    END IF;
    IF lo IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT COALESCE(NULLIF(vals->>'time_zone', ''), 'Asia/Shanghai'),
           CASE WHEN TG_ARGV[1] = 'window' THEN COALESCE(NULLIF(vals->>'attribution_window_days', '')::integer, 1) ELSE 0 END
      INTO zone, back FROM shop_settings WHERE id = 1;
    INSERT INTO sales_day_marks (day)
    SELECT d::date FROM generate_series((lo AT TIME ZONE zone)::date - back, (hi AT TIME ZONE zone)::date, interval '1 day') AS d;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER chat_conversations_sales_ins AFTER INSERT ON chat_conversations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('started_at', '');
CREATE TRIGGER chat_conversations_sales_upd AFTER UPDATE ON chat_conversations
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('started_at', '');
CREATE TRIGGER chat_conversations_sales_del AFTER DELETE ON chat_conversations
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('started_at', '');
CREATE TRIGGER orders_sales_ins AFTER INSERT ON orders
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('created_at', 'window');
CREATE TRIGGER orders_sales_upd AFTER UPDATE ON orders
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('created_at', 'window');
CREATE TRIGGER orders_sales_del AFTER DELETE ON orders
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('created_at', 'window');
CREATE TRIGGER order_credits_sales_ins AFTER INSERT ON order_credits
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('order_at', '');
CREATE TRIGGER order_credits_sales_upd AFTER UPDATE ON order_credits
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('order_at', '');
CREATE TRIGGER order_credits_sales_del AFTER DELETE ON order_credits
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('order_at', '');
-- Silent orders are read from the attributions.
CREATE TRIGGER order_attributions_sales_ins AFTER INSERT ON order_attributions
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('order_at', '');
CREATE TRIGGER order_attributions_sales_upd AFTER UPDATE ON order_attributions
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('order_at', '');
CREATE TRIGGER order_attributions_sales_del AFTER DELETE ON order_attributions
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('order_at', '');

-- +goose StatementBegin
-- Every day changes meaning when a chat nick is mapped to a person, or when
-- the time zone or the inquiry window changes: every computed day (and the
-- days beside it, which a new zone may reach) is noted.
CREATE FUNCTION mark_all_sales_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sales_day_marks (day)
    SELECT DISTINCT day + k FROM sales_days, generate_series(-1, 1) AS k;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION mark_all_sales_days_on_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_vals o JOIN new_vals n ON n.id = o.id
                WHERE o.vals->'time_zone' IS DISTINCT FROM n.vals->'time_zone'
                   OR o.vals->'attribution_window_days' IS DISTINCT FROM n.vals->'attribution_window_days') THEN
        INSERT INTO sales_day_marks (day)
        SELECT DISTINCT day + k FROM sales_days, generate_series(-1, 1) AS k;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER shop_settings_sales AFTER UPDATE ON shop_settings
    REFERENCING OLD TABLE AS old_vals NEW TABLE AS new_vals FOR EACH STATEMENT EXECUTE FUNCTION mark_all_sales_days_on_settings();
CREATE TRIGGER agent_nicks_sales AFTER INSERT OR UPDATE OR DELETE ON agent_nicks
    FOR EACH STATEMENT EXECUTE FUNCTION mark_all_sales_days();

-- What is already there is due for a first computation.
INSERT INTO sales_day_marks (day)
SELECT DISTINCT (t AT TIME ZONE COALESCE((SELECT NULLIF(vals->>'time_zone', '') FROM shop_settings WHERE id = 1), 'Asia/Shanghai'))::date
  FROM (SELECT started_at AS t FROM chat_conversations UNION ALL SELECT created_at FROM orders) x;

-- +goose Down
DROP TRIGGER agent_nicks_sales ON agent_nicks;
DROP TRIGGER shop_settings_sales ON shop_settings;
DROP FUNCTION mark_all_sales_days_on_settings();
DROP FUNCTION mark_all_sales_days();
DROP TRIGGER order_attributions_sales_del ON order_attributions;
DROP TRIGGER order_attributions_sales_upd ON order_attributions;
DROP TRIGGER order_attributions_sales_ins ON order_attributions;
DROP TRIGGER order_credits_sales_del ON order_credits;
DROP TRIGGER order_credits_sales_upd ON order_credits;
DROP TRIGGER order_credits_sales_ins ON order_credits;
DROP TRIGGER orders_sales_del ON orders;
DROP TRIGGER orders_sales_upd ON orders;
DROP TRIGGER orders_sales_ins ON orders;
DROP TRIGGER chat_conversations_sales_del ON chat_conversations;
DROP TRIGGER chat_conversations_sales_upd ON chat_conversations;
DROP TRIGGER chat_conversations_sales_ins ON chat_conversations;
DROP FUNCTION mark_sales_days();
DROP TABLE sales_daily;
DROP TABLE sales_day_marks;
DROP TABLE sales_days;
