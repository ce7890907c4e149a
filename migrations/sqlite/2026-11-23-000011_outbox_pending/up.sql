-- The outbox worker asks, many times a second under load, for the earliest emails not yet sent.
-- An index of the unsent emails alone, in the order they fall due, answers that from its first
-- entries. The index it replaces, on (sent_at, next_attempt_at), also held every email ever
-- sent; on PostgreSQL each poll read through thousands of entries left by emails claimed and
-- sent moments before (16 million entries in 20 seconds of applications).
DROP INDEX email_outbox_due;
CREATE INDEX email_outbox_pending ON email_outbox(next_attempt_at) WHERE sent_at IS NULL;
