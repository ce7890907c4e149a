DROP TABLE evaluation_answer_tallies;
