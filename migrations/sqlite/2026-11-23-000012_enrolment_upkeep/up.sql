-- Every application adds an entry to each index of enrolments, most of them on a page of their
-- own, since they are ordered by person or cohort. Two indexes only repeated the start of wider
-- ones (enrolments_person_report begins with person_id; enrolments_report with cohort_id,
-- status), which serve the same look-ups and the foreign keys' checks.
DROP INDEX enrolments_person;
DROP INDEX enrolments_cohort_status;

-- An enrolment written with its academic year already right is left alone: the trigger used to
-- rewrite every new row, and move its entry in enrolments_seat_years, even when nothing changed.
DROP TRIGGER enrolments_academic_year;
CREATE TRIGGER enrolments_academic_year AFTER INSERT ON enrolments
WHEN NEW.academic_year IS NOT (
    SELECT CAST(substr(starts_on, 1, 4) AS INTEGER) - (CAST(substr(starts_on, 6, 2) AS INTEGER) < 9)
    FROM cohorts WHERE cohorts.id = NEW.cohort_id
)
BEGIN
    UPDATE enrolments SET academic_year = (
        SELECT CAST(substr(starts_on, 1, 4) AS INTEGER) - (CAST(substr(starts_on, 6, 2) AS INTEGER) < 9)
        FROM cohorts WHERE cohorts.id = NEW.cohort_id
    ) WHERE id = NEW.id;
END;
