DROP INDEX career_entries_role;
DROP INDEX evaluation_invitations_person;
DROP INDEX evaluation_invitations_report;
DROP INDEX evaluation_answers_report;
DROP INDEX people_stage;
DROP INDEX enrolments_person_report;
DROP INDEX enrolments_report;
DROP INDEX cohorts_starts_on;
