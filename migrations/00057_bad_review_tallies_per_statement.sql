-- +goose Up
-- The board's tallies (00051) were kept by a trigger on each row, so a
-- statement writing many cases bumped the same few tally rows once per
-- case ('all' under a status, the busiest agents, items and causes). Each
-- bump leaves a row version that only commit can clear, and the next
-- bump's ON CONFLICT walks all of them: a statement writing n cases did
-- O(n²) work. 10,000 cases in one INSERT took seconds; the scale-1
-- generator's 100,000 ran for over 12 minutes on that one statement.
-- A trigger per statement, reading the rows it changed from transition
-- tables, sums them per tally row first and touches each tally row once,
-- whether the statement changed one case or a year of them. TRUNCATE,
-- which fired no trigger before, now empties the tallies too.
DROP TRIGGER bad_reviews_tally_upd ON bad_reviews;
DROP TRIGGER bad_reviews_tally_del ON bad_reviews;
DROP TRIGGER bad_reviews_tally_ins ON bad_reviews;
DROP FUNCTION bad_review_tally();

-- +goose StatementBegin
-- bad_review_tally_rows takes the removed rows' contributions away and
-- adds the added rows', summed per key so one INSERT touches a tally row
-- once, in key order so concurrent changes lock rows in the same order.
-- An update that moves nothing between keys (a note, a follow-up) sums to
-- zero everywhere and writes nothing. Only the transition tables this
-- trigger has are read: PL/pgSQL plans a branch when it first runs it.
CREATE FUNCTION bad_review_tally_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM bad_review_tallies;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO bad_review_tallies AS t (dim, key, status, n)
        SELECT k.dim, k.key, a.status, count(*)
          FROM added a, bad_review_keys(a.agent_id, a.item, a.causes) AS k
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
        ON CONFLICT (dim, key, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO bad_review_tallies AS t (dim, key, status, n)
        SELECT k.dim, k.key, r.status, -count(*)
          FROM removed r, bad_review_keys(r.agent_id, r.item, r.causes) AS k
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
        ON CONFLICT (dim, key, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSE
        INSERT INTO bad_review_tallies AS t (dim, key, status, n)
        SELECT dim, key, status, sum(delta)
          FROM (SELECT k.dim, k.key, r.status, -1 AS delta
                  FROM removed r, bad_review_keys(r.agent_id, r.item, r.causes) AS k
                UNION ALL
                SELECT k.dim, k.key, a.status, 1
                  FROM added a, bad_review_keys(a.agent_id, a.item, a.causes) AS k) d
         GROUP BY dim, key, status
        HAVING sum(delta) <> 0
         ORDER BY dim, key, status
        ON CONFLICT (dim, key, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER bad_reviews_tally_ins AFTER INSERT ON bad_reviews
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bad_review_tally_rows();
CREATE TRIGGER bad_reviews_tally_del AFTER DELETE ON bad_reviews
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION bad_review_tally_rows();
CREATE TRIGGER bad_reviews_tally_upd AFTER UPDATE ON bad_reviews
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bad_review_tally_rows();
CREATE TRIGGER bad_reviews_tally_truncate AFTER TRUNCATE ON bad_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION bad_review_tally_rows();

-- +goose Down
DROP TRIGGER bad_reviews_tally_truncate ON bad_reviews;
DROP TRIGGER bad_reviews_tally_upd ON bad_reviews;
DROP TRIGGER bad_reviews_tally_del ON bad_reviews;
DROP TRIGGER bad_reviews_tally_ins ON bad_reviews;
DROP FUNCTION bad_review_tally_rows();

-- +goose StatementBegin
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
