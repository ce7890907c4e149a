-- One row per reminder queued: the primary key is what stops two server processes (or two
-- passes of one) from reminding the same person of the same session twice.
CREATE TABLE session_reminders (
    session_id TEXT NOT NULL REFERENCES cohort_sessions(id),
    enrolment_id TEXT NOT NULL REFERENCES enrolments(id),
    queued_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, enrolment_id)
);
