DROP INDEX email_outbox_pending;
CREATE INDEX email_outbox_due ON email_outbox(sent_at, next_attempt_at);
