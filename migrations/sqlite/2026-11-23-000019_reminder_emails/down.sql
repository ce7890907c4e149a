ALTER TABLE session_reminders DROP COLUMN outbox_id;
