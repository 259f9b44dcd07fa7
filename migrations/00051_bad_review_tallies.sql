-- +goose Up
-- The bad-review board's counts per status (issue 7): kept by a trigger as
-- cases change, so a board over 100,000 cases a year reads a handful of
-- rows instead of counting every case on each view. One row per status
-- and value of one dimension: every case ('all'), its agent (0: none),
-- its item, each of its causes. The board reads one dimension at a time;
-- a combination of filters is narrow and counted live through the indexes.
CREATE TABLE bad_review_tallies (
    dim    text   NOT NULL CHECK (dim IN ('all', 'agent', 'item', 'cause')),
    key    text   NOT NULL,
    status text   NOT NULL,
    n      bigint NOT NULL,
    PRIMARY KEY (dim, key, status)
);

-- +goose StatementBegin
-- bad_review_keys is where a case counts: once in 'all', once under its
-- agent and its item, once under each distinct cause.
CREATE FUNCTION bad_review_keys(agent_id bigint, item text, causes text[]) RETURNS TABLE (dim text, key text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'all', ''
    UNION ALL SELECT 'agent', coalesce(agent_id, 0)::text
    UNION ALL SELECT 'item', item
    UNION ALL SELECT DISTINCT 'cause', c FROM unnest(causes) AS c
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- bad_review_tally takes the old row's contribution away and adds the new
-- one's, summed per key first so one INSERT touches a tally row once, in
-- key order so concurrent changes lock rows in the same order.
CREATE FUNCTION bad_review_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bad_review_tallies AS t (dim, key, status, n)
    SELECT dim, key, status, sum(delta)
      FROM (
        SELECT k.dim, k.key, OLD.status AS status, -1 AS delta
          FROM bad_review_keys(OLD.agent_id, OLD.item, OLD.causes) AS k
         WHERE TG_OP IN ('UPDATE', 'DELETE')
        UNION ALL
        SELECT k.dim, k.key, NEW.status, 1
          FROM bad_review_keys(NEW.agent_id, NEW.item, NEW.causes) AS k
         WHERE TG_OP IN ('INSERT', 'UPDATE')) d
     GROUP BY dim, key, status
    HAVING sum(delta) <> 0
    ORDER BY dim, key, status
    ON CONFLICT (dim, key, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER bad_reviews_tally_ins AFTER INSERT ON bad_reviews
    FOR EACH ROW EXECUTE FUNCTION bad_review_tally();
CREATE TRIGGER bad_reviews_tally_del AFTER DELETE ON bad_reviews
    FOR EACH ROW EXECUTE FUNCTION bad_review_tally();
CREATE TRIGGER bad_reviews_tally_upd AFTER UPDATE ON bad_reviews
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.agent_id IS DISTINCT FROM NEW.agent_id
                       OR OLD.item IS DISTINCT FROM NEW.item OR OLD.causes IS DISTINCT FROM NEW.causes)
    EXECUTE FUNCTION bad_review_tally();

INSERT INTO bad_review_tallies (dim, key, status, n)
SELECT k.dim, k.key, b.status, count(*)
  FROM bad_reviews b, bad_review_keys(b.agent_id, b.item, b.causes) AS k
 GROUP BY 1, 2, 3;

-- +goose Down
DROP TRIGGER bad_reviews_tally_upd ON bad_reviews;
DROP TRIGGER bad_reviews_tally_del ON bad_reviews;
DROP TRIGGER bad_reviews_tally_ins ON bad_reviews;
DROP FUNCTION bad_review_tally();
DROP FUNCTION bad_review_keys(bigint, text, text[]);
DROP TABLE bad_review_tallies;
