DROP INDEX enrolments_programme_status;
DROP TABLE measure_programmes;
DROP TABLE measures;
