-- +goose Up
-- An agent may withdraw their own open claim (issue 5); a withdrawn claim
-- no longer stands in the way of a new one.
ALTER TABLE attribution_disputes DROP CONSTRAINT attribution_disputes_status_check;
ALTER TABLE attribution_disputes ADD CONSTRAINT attribution_disputes_status_check CHECK (status IN ('open', 'ruled', 'withdrawn'));

-- +goose Down
DELETE FROM attribution_disputes WHERE status = 'withdrawn';
ALTER TABLE attribution_disputes DROP CONSTRAINT attribution_disputes_status_check;
ALTER TABLE attribution_disputes ADD CONSTRAINT attribution_disputes_status_check CHECK (status IN ('open', 'ruled'));
