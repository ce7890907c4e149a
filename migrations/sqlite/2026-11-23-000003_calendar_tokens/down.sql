DROP INDEX people_calendar_token;
ALTER TABLE people DROP COLUMN calendar_token;
