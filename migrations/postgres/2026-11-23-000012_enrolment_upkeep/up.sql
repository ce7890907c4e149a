-- Every application adds an entry to each index of enrolments, most of them on a page of their
-- own, since they are ordered by person or cohort. Two indexes only repeated the start of wider
-- ones (enrolments_person_report begins with person_id; enrolments_report with cohort_id,
-- status), which serve the same look-ups and the foreign keys' checks.
DROP INDEX enrolments_person;
DROP INDEX enrolments_cohort_status;
