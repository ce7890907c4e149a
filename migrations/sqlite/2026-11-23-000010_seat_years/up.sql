-- The academic year (September to August, by the year it starts) of each enrolment's cohort,
-- kept on the enrolment: participation counts distinct people per year over every seat ever
-- held, and reading the year from the enrolment, through an index of seats only, spares a
-- lookup of the cohort for each of hundreds of thousands of them. Triggers keep it right
-- however an enrolment is written or moved, and when a cohort's start date changes.
ALTER TABLE enrolments ADD COLUMN academic_year INTEGER;

UPDATE enrolments SET academic_year = (
    SELECT CAST(substr(starts_on, 1, 4) AS INTEGER) - (CAST(substr(starts_on, 6, 2) AS INTEGER) < 9)
    FROM cohorts WHERE cohorts.id = enrolments.cohort_id
);

CREATE TRIGGER enrolments_academic_year AFTER INSERT ON enrolments
BEGIN
    UPDATE enrolments SET academic_year = (
        SELECT CAST(substr(starts_on, 1, 4) AS INTEGER) - (CAST(substr(starts_on, 6, 2) AS INTEGER) < 9)
        FROM cohorts WHERE cohorts.id = NEW.cohort_id
    ) WHERE id = NEW.id;
END;

CREATE TRIGGER enrolments_academic_year_moved AFTER UPDATE OF cohort_id ON enrolments
BEGIN
    UPDATE enrolments SET academic_year = (
        SELECT CAST(substr(starts_on, 1, 4) AS INTEGER) - (CAST(substr(starts_on, 6, 2) AS INTEGER) < 9)
        FROM cohorts WHERE cohorts.id = NEW.cohort_id
    ) WHERE id = NEW.id;
END;

CREATE TRIGGER cohorts_academic_year AFTER UPDATE OF starts_on ON cohorts
BEGIN
    UPDATE enrolments SET academic_year =
        CAST(substr(NEW.starts_on, 1, 4) AS INTEGER) - (CAST(substr(NEW.starts_on, 6, 2) AS INTEGER) < 9)
    WHERE cohort_id = NEW.id;
END;

-- Seats (the statuses participation counts) by year and person.
CREATE INDEX enrolments_seat_years ON enrolments(academic_year, person_id, programme_id)
    WHERE status IN ('confirmed', 'completed', 'not_completed');
