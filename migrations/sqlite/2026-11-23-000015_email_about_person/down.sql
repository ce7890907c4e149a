DROP INDEX email_outbox_about_person;
ALTER TABLE email_outbox DROP COLUMN about_person_id;
