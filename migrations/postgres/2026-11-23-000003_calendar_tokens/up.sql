-- A private calendar feed per person: the token in the feed's URL is its only credential, so it
-- must be unique. Nullable: a token is made the first time someone asks for their feed. Keep in
-- step with the other backend's migration of the same name: a test compares the two.
ALTER TABLE people ADD COLUMN calendar_token TEXT;
CREATE UNIQUE INDEX people_calendar_token ON people(calendar_token);
