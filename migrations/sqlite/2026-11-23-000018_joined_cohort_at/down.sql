ALTER TABLE enrolments DROP COLUMN joined_cohort_at;
