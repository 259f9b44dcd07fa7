-- +goose Up
-- When a run last showed progress: a run that stops moving (its server
-- was killed) is marked interrupted instead of spinning forever.
ALTER TABLE import_runs ADD COLUMN progressed_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX import_runs_running_idx ON import_runs (progressed_at) WHERE status = 'running';

-- +goose Down
DROP INDEX import_runs_running_idx;
ALTER TABLE import_runs DROP COLUMN progressed_at;
