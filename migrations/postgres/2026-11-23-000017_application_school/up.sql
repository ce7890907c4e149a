-- The school an application was made from: its headteacher is the one who endorses it, even if
-- the applicant changes the school on their profile afterwards. Applications made before this
-- take the applicant's school as it is now, the best there is to go on.
ALTER TABLE enrolments ADD COLUMN school_id TEXT REFERENCES schools(id);
UPDATE enrolments SET school_id = people.school_id FROM people WHERE people.id = enrolments.person_id;
CREATE INDEX enrolments_awaiting_by_school ON enrolments (school_id, applied_at)
    WHERE status = 'awaiting_endorsement';
