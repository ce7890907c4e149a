DROP INDEX enrolments_seat_years;
DROP TRIGGER cohorts_academic_year;
DROP TRIGGER enrolments_academic_year_moved;
DROP TRIGGER enrolments_academic_year;
ALTER TABLE enrolments DROP COLUMN academic_year;
