-- +goose Up
-- Counters the server's in-memory copies of slow-changing tables are
-- checked against (issue 7). Nearly every page names people (the users
-- and their nicks, a 300-row read with an aggregate) and many ask who is
-- on duty (three days of the published rota); both change a few times a
-- day but were read on every view, the biggest share of the database's
-- time under load. The period sums of the daily sales figures ('sales')
-- change only when the refresher rewrites a day, every 10 s at most.
-- A statement trigger bumps the counter in the writer's transaction, so a
-- reader that sees the new counter also sees the write: a copy is never
-- served after the change it missed has committed.
CREATE TABLE cache_versions (
    name    text   PRIMARY KEY,
    version bigint NOT NULL DEFAULT 1
);
INSERT INTO cache_versions (name) VALUES ('directory'), ('rota'), ('sales');

-- +goose StatementBegin
CREATE FUNCTION bump_cache_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Each table of a set bumps its counter after every statement that writes
-- it, TRUNCATE included.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
        ('users', 'directory'), ('agent_nicks', 'directory'),
        ('shift_assignments', 'rota'), ('rota_weeks', 'rota'),
        ('sales_daily', 'sales'), ('sales_days', 'sales')) AS v (tbl, name)
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version(%L)',
                       r.tbl || '_cache_version', r.tbl, r.name);
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version(%L)',
                       r.tbl || '_cache_version_truncate', r.tbl, r.name);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Dropping the function drops its triggers with it.
DROP FUNCTION bump_cache_version() CASCADE;
DROP TABLE cache_versions;
