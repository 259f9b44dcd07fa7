-- +goose Up
-- The VIP list's tag choices are every distinct tag of every customer, a
-- scan of the whole table (6-12 ms at 20,000 VIPs, the VIP list's biggest
-- statement, issue 7). They change when customers are imported or edited;
-- the server keeps a copy checked against this counter (models/cache.go),
-- bumped by the same statement trigger as the other kept copies.
INSERT INTO cache_versions (name) VALUES ('vip_tags');
CREATE TRIGGER vip_customers_cache_version AFTER INSERT OR UPDATE OR DELETE ON vip_customers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('vip_tags');
CREATE TRIGGER vip_customers_cache_version_truncate AFTER TRUNCATE ON vip_customers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('vip_tags');

-- +goose Down
DROP TRIGGER vip_customers_cache_version_truncate ON vip_customers;
DROP TRIGGER vip_customers_cache_version ON vip_customers;
DELETE FROM cache_versions WHERE name = 'vip_tags';
