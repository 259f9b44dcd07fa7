-- +goose Up
-- Which agents each review names (issue 7). The bad-review report counted
-- praise and criticism by matching every agent's names against a month of
-- review texts on each view: 110 ms of SQL at a big shop's scale, most of
-- a core under load. Triggers keep the matches as reviews and names
-- change, so the report and an agent's page read them through indexes.

-- The names a review can name an agent by: the display name or a
-- sub-account nick (whole, or the part after the shop's "店名:"), two
-- characters at least so a one-letter name does not match everything.
CREATE VIEW agent_mention_names AS
SELECT u.id AS user_id, n.name
  FROM users u
  CROSS JOIN LATERAL (
        SELECT u.display_name AS name
        UNION SELECT nick FROM agent_nicks WHERE user_id = u.id
        UNION SELECT split_part(nick, ':', 2) FROM agent_nicks WHERE user_id = u.id) n
 WHERE u.role = 'agent' AND char_length(n.name) >= 2;

CREATE TABLE bad_review_mentions (
    review_id bigint NOT NULL REFERENCES bad_reviews (id) ON DELETE CASCADE,
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (review_id, user_id)
);
-- An agent's page: the reviews naming them.
CREATE INDEX bad_review_mentions_user_idx ON bad_review_mentions (user_id, review_id);

INSERT INTO bad_review_mentions (review_id, user_id)
SELECT DISTINCT b.id, n.user_id
  FROM bad_reviews b JOIN agent_mention_names n ON strpos(b.content || ' ' || b.follow_up, n.name) > 0;

-- +goose StatementBegin
-- New reviews (an import is one statement): match them against every name.
CREATE FUNCTION bad_review_mentions_of_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bad_review_mentions (review_id, user_id)
    SELECT DISTINCT c.id, n.user_id
      FROM changed c JOIN agent_mention_names n ON strpos(c.content || ' ' || c.follow_up, n.name) > 0;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A review whose text changed (a follow-up arrives): match it again.
CREATE FUNCTION bad_review_mentions_of_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM bad_review_mentions WHERE review_id = NEW.id;
    INSERT INTO bad_review_mentions (review_id, user_id)
    SELECT DISTINCT NEW.id, n.user_id
      FROM agent_mention_names n WHERE strpos(NEW.content || ' ' || NEW.follow_up, n.name) > 0;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER bad_reviews_mentions_ins AFTER INSERT ON bad_reviews
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bad_review_mentions_of_new();
CREATE TRIGGER bad_reviews_mentions_upd AFTER UPDATE ON bad_reviews
    FOR EACH ROW WHEN (OLD.content IS DISTINCT FROM NEW.content OR OLD.follow_up IS DISTINCT FROM NEW.follow_up)
    EXECUTE FUNCTION bad_review_mentions_of_changed();

-- +goose StatementBegin
-- Agents whose names changed (renamed, a nick added, moved or removed, a
-- role changed): their matches against every review again. A user's
-- other changes (language, password, last login) touch nothing here.
CREATE FUNCTION bad_review_mentions_of_users() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        IF TG_OP = 'INSERT' THEN
            ids := ARRAY(SELECT id FROM changed_new WHERE role = 'agent');
        ELSE
            ids := ARRAY(SELECT n.id FROM changed_new n JOIN changed_old o ON o.id = n.id
                          WHERE n.display_name IS DISTINCT FROM o.display_name OR n.role IS DISTINCT FROM o.role);
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        ids := ARRAY(SELECT DISTINCT user_id FROM changed_new);
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT DISTINCT user_id FROM changed_old);
    ELSE
        ids := ARRAY(SELECT user_id FROM changed_new UNION SELECT user_id FROM changed_old);
    END IF;
    IF cardinality(ids) = 0 THEN
        RETURN NULL;
    END IF;
    DELETE FROM bad_review_mentions WHERE user_id = ANY (ids);
    INSERT INTO bad_review_mentions (review_id, user_id)
    SELECT DISTINCT b.id, n.user_id
      FROM bad_reviews b JOIN agent_mention_names n
        ON n.user_id = ANY (ids) AND strpos(b.content || ' ' || b.follow_up, n.name) > 0;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER users_mentions_ins AFTER INSERT ON users
    REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION bad_review_mentions_of_users();
CREATE TRIGGER users_mentions_upd AFTER UPDATE ON users
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION bad_review_mentions_of_users();
CREATE TRIGGER agent_nicks_mentions_ins AFTER INSERT ON agent_nicks
    REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION bad_review_mentions_of_users();
CREATE TRIGGER agent_nicks_mentions_del AFTER DELETE ON agent_nicks
    REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION bad_review_mentions_of_users();
CREATE TRIGGER agent_nicks_mentions_upd AFTER UPDATE ON agent_nicks
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION bad_review_mentions_of_users();

-- +goose Down
DROP TRIGGER agent_nicks_mentions_upd ON agent_nicks;
DROP TRIGGER agent_nicks_mentions_del ON agent_nicks;
DROP TRIGGER agent_nicks_mentions_ins ON agent_nicks;
DROP TRIGGER users_mentions_upd ON users;
DROP TRIGGER users_mentions_ins ON users;
DROP FUNCTION bad_review_mentions_of_users();
DROP TRIGGER bad_reviews_mentions_upd ON bad_reviews;
DROP TRIGGER bad_reviews_mentions_ins ON bad_reviews;
DROP TABLE bad_review_mentions;
DROP FUNCTION bad_review_mentions_of_changed();
DROP FUNCTION bad_review_mentions_of_new();
DROP VIEW agent_mention_names;
