CREATE INDEX enrolments_cohort_status ON enrolments(cohort_id, status);
CREATE INDEX enrolments_person ON enrolments(person_id);
