-- How many answers each round has had to each question, by value: the region's satisfaction
-- and evaluation results add these up (a few rows a round) instead of counting millions of
-- answers. Kept in the transaction that stores a response; answers are never changed or
-- deleted, so a tally only ever grows.
--
-- `value_key` makes one row per value: 'n' and the number, 'c' and the text of a single-choice
-- answer, '' for an answer with neither that is counted (free text).
CREATE TABLE evaluation_answer_tallies (
    round_id TEXT NOT NULL REFERENCES evaluation_rounds(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES evaluation_questions(id) ON DELETE CASCADE,
    value_key TEXT NOT NULL,
    value_int INTEGER,
    choice TEXT,
    answers INTEGER NOT NULL,
    PRIMARY KEY (round_id, question_id, value_key)
);
-- Counting by question and value reads this index in order, with nothing to sort.
CREATE INDEX evaluation_answer_tallies_question ON evaluation_answer_tallies(question_id, value_int, round_id, answers);

INSERT INTO evaluation_answer_tallies (round_id, question_id, value_key, value_int, choice, answers)
SELECT round_id, question_id,
       COALESCE('n' || CAST(value_int AS TEXT), '') || COALESCE('c' || choice, ''),
       value_int, choice, COUNT(*)
FROM (
    SELECT r.round_id AS round_id, a.question_id AS question_id, a.value_int AS value_int,
           CASE WHEN q.kind = 'single_choice' THEN a.value_text END AS choice
    FROM evaluation_answers a
    JOIN evaluation_responses r ON r.id = a.response_id
    JOIN evaluation_questions q ON q.id = a.question_id
) answers
GROUP BY round_id, question_id, value_int, choice;
