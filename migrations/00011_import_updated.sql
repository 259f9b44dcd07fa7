-- +goose Up
-- Order imports update orders that changed; the run records how many.
ALTER TABLE import_runs ADD COLUMN updated bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE import_runs DROP COLUMN updated;
