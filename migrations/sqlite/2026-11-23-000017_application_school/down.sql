DROP INDEX enrolments_awaiting_by_school;
ALTER TABLE enrolments DROP COLUMN school_id;
