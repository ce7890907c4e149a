DROP INDEX people_last_seen;
DROP TABLE imports;
