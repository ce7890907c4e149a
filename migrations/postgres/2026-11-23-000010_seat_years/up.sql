-- The academic year (September to August, by the year it starts) of each enrolment's cohort,
-- kept on the enrolment: participation counts distinct people per year over every seat ever
-- held, and reading the year from the enrolment, through an index of seats only, spares a
-- lookup of the cohort for each of hundreds of thousands of them. Triggers keep it right
-- however an enrolment is written or moved, and when a cohort's start date changes.
ALTER TABLE enrolments ADD COLUMN academic_year INTEGER;

UPDATE enrolments SET academic_year = CAST(EXTRACT(YEAR FROM cohorts.starts_on - INTERVAL '8 months') AS INTEGER)
FROM cohorts WHERE cohorts.id = enrolments.cohort_id;

CREATE FUNCTION enrolment_academic_year() RETURNS trigger AS $$
BEGIN
    NEW.academic_year := (
        SELECT CAST(EXTRACT(YEAR FROM starts_on - INTERVAL '8 months') AS INTEGER)
        FROM cohorts WHERE cohorts.id = NEW.cohort_id
    );
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER enrolments_academic_year BEFORE INSERT OR UPDATE OF cohort_id ON enrolments
    FOR EACH ROW EXECUTE FUNCTION enrolment_academic_year();

CREATE FUNCTION cohort_academic_year() RETURNS trigger AS $$
BEGIN
    IF NEW.starts_on IS DISTINCT FROM OLD.starts_on THEN
        UPDATE enrolments
        SET academic_year = CAST(EXTRACT(YEAR FROM NEW.starts_on - INTERVAL '8 months') AS INTEGER)
        WHERE cohort_id = NEW.id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER cohorts_academic_year AFTER UPDATE OF starts_on ON cohorts
    FOR EACH ROW EXECUTE FUNCTION cohort_academic_year();

-- Seats (the statuses participation counts) by year and person.
CREATE INDEX enrolments_seat_years ON enrolments(academic_year, person_id, programme_id)
    WHERE status IN ('confirmed', 'completed', 'not_completed');
