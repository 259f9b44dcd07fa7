-- +goose Up
-- Sales performance read from daily figures instead of aggregating a
-- year of chats and orders per page view (issue 7). A day is a date in the
-- shop's time zone. Every write to chats, orders or credits marks the days
-- it touches dirty (statement triggers, so no code path can forget); a
-- background refresher, and the page itself for a few days, recompute them.

-- One row per day that ever had data: the shop's totals and whether the
-- agents' rows below are current. gen counts the marks, so a refresh that
-- raced a newer write leaves the day dirty instead of clearing it.
CREATE TABLE sales_days (
    day           date        PRIMARY KEY,
    dirty         boolean     NOT NULL DEFAULT true,
    gen           bigint      NOT NULL DEFAULT 1,
    orders        bigint      NOT NULL DEFAULT 0,
    paid_fen      bigint      NOT NULL DEFAULT 0,
    silent_orders bigint      NOT NULL DEFAULT 0,
    computed_at   timestamptz
);
CREATE INDEX sales_days_dirty_idx ON sales_days (day) WHERE dirty;

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
-- mark_sales_days marks the days from the earliest to the latest value of
-- column TG_ARGV[0] in the changed rows; TG_ARGV[1] = 'window' reaches back
-- the attribution window, because an order converts earlier inquiries.
CREATE FUNCTION mark_sales_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lo   timestamptz;
    hi   timestamptz;
    zone text;
    back integer;
BEGIN
    EXECUTE format('SELECT min(%1$I), max(%1$I) FROM changed', TG_ARGV[0]) INTO lo, hi;
    IF lo IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT COALESCE(NULLIF(vals->>'time_zone', ''), 'Asia/Shanghai'),
           CASE WHEN TG_ARGV[1] = 'window' THEN COALESCE(NULLIF(vals->>'attribution_window_days', '')::integer, 1) ELSE 0 END
      INTO zone, back FROM shop_settings WHERE id = 1;
    INSERT INTO sales_days (day)
    SELECT d::date FROM generate_series((lo AT TIME ZONE zone)::date - back, (hi AT TIME ZONE zone)::date, interval '1 day') AS d
    ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET dirty = true, gen = sales_days.gen + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER chat_conversations_sales_ins AFTER INSERT ON chat_conversations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('started_at', '');
CREATE TRIGGER chat_conversations_sales_upd AFTER UPDATE ON chat_conversations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('started_at', '');
CREATE TRIGGER chat_conversations_sales_del AFTER DELETE ON chat_conversations
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('started_at', '');
CREATE TRIGGER orders_sales_ins AFTER INSERT ON orders
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('created_at', 'window');
CREATE TRIGGER orders_sales_upd AFTER UPDATE ON orders
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('created_at', 'window');
CREATE TRIGGER orders_sales_del AFTER DELETE ON orders
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('created_at', 'window');
CREATE TRIGGER order_credits_sales_ins AFTER INSERT ON order_credits
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('order_at', '');
CREATE TRIGGER order_credits_sales_upd AFTER UPDATE ON order_credits
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('order_at', '');
CREATE TRIGGER order_credits_sales_del AFTER DELETE ON order_credits
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION mark_sales_days('order_at', '');

-- +goose StatementBegin
-- Every day changes meaning when a chat nick is mapped to a person, or when
-- the time zone or the inquiry window changes.
CREATE FUNCTION mark_all_sales_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Locked in day order, as mark_sales_days does, so the two never deadlock.
    UPDATE sales_days SET dirty = true, gen = gen + 1
     WHERE day IN (SELECT day FROM sales_days ORDER BY day FOR UPDATE);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION mark_all_sales_days_on_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_vals o JOIN new_vals n ON n.id = o.id
                WHERE o.vals->'time_zone' IS DISTINCT FROM n.vals->'time_zone'
                   OR o.vals->'attribution_window_days' IS DISTINCT FROM n.vals->'attribution_window_days') THEN
        UPDATE sales_days SET dirty = true, gen = gen + 1
         WHERE day IN (SELECT day FROM sales_days ORDER BY day FOR UPDATE);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER shop_settings_sales AFTER UPDATE ON shop_settings
    REFERENCING OLD TABLE AS old_vals NEW TABLE AS new_vals FOR EACH STATEMENT EXECUTE FUNCTION mark_all_sales_days_on_settings();
CREATE TRIGGER agent_nicks_sales AFTER INSERT OR UPDATE OR DELETE ON agent_nicks
    FOR EACH STATEMENT EXECUTE FUNCTION mark_all_sales_days();

-- What is already there is due for a first computation.
INSERT INTO sales_days (day)
SELECT DISTINCT (t AT TIME ZONE COALESCE((SELECT NULLIF(vals->>'time_zone', '') FROM shop_settings WHERE id = 1), 'Asia/Shanghai'))::date
  FROM (SELECT started_at AS t FROM chat_conversations UNION ALL SELECT created_at FROM orders) x
ON CONFLICT DO NOTHING;

-- +goose Down
DROP TRIGGER agent_nicks_sales ON agent_nicks;
DROP TRIGGER shop_settings_sales ON shop_settings;
DROP FUNCTION mark_all_sales_days_on_settings();
DROP FUNCTION mark_all_sales_days();
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
DROP TABLE sales_days;
