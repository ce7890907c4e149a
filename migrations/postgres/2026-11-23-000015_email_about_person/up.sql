-- An email to one person may name another (a headteacher asked to endorse a member of staff).
-- When that other person is erased, such copies lose what they said; this says which they are.
ALTER TABLE email_outbox ADD COLUMN about_person_id TEXT;
CREATE INDEX email_outbox_about_person ON email_outbox(about_person_id)
    WHERE about_person_id IS NOT NULL;
