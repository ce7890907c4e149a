DROP TRIGGER enrolments_academic_year;
CREATE TRIGGER enrolments_academic_year AFTER INSERT ON enrolments
BEGIN
    UPDATE enrolments SET academic_year = (
        SELECT CAST(substr(starts_on, 1, 4) AS INTEGER) - (CAST(substr(starts_on, 6, 2) AS INTEGER) < 9)
        FROM cohorts WHERE cohorts.id = NEW.cohort_id
    ) WHERE id = NEW.id;
END;

CREATE INDEX enrolments_cohort_status ON enrolments(cohort_id, status);
CREATE INDEX enrolments_person ON enrolments(person_id);
