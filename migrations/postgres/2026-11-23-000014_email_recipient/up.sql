-- A person's emails (the page where they read them again, their export and their erasure)
-- were found by reading every email ever queued.
CREATE INDEX email_outbox_recipient ON email_outbox(recipient_email, created_at);
