-- When a lead moved the application into its cohort (none: it was made there). Sessions the
-- cohort held before then are not counted against the person's attendance.
ALTER TABLE enrolments ADD COLUMN joined_cohort_at TIMESTAMP;
