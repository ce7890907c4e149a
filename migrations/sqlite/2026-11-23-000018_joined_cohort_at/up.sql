-- When the application was moved into its cohort, or took a seat there after it was made
-- (promoted from the waiting list, endorsed); none if it was confirmed as it was made. Sessions
-- the cohort held before then are not counted against the person's attendance.
ALTER TABLE enrolments ADD COLUMN joined_cohort_at TIMESTAMP;
