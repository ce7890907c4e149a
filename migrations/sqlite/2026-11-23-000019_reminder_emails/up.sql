-- The email a reminder queued, so that one not yet sent can be taken back when the person gives
-- up their seat or the session moves. No foreign key: erasure and the outbox worker own the
-- outbox rows, and a reminder whose email is gone has nothing left to take back.
ALTER TABLE session_reminders ADD COLUMN outbox_id TEXT;
-- Taking back the reminders of one application reads them by application.
CREATE INDEX session_reminders_enrolment ON session_reminders (enrolment_id);
