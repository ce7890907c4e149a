DROP INDEX session_reminders_enrolment;
ALTER TABLE session_reminders DROP COLUMN outbox_id;
