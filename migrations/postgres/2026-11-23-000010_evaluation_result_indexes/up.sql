-- Evaluation results over many rounds count answers per question from the responses in scope:
-- with this index both databases read each response's answers and their values from the index
-- alone, without touching the two million answer rows themselves.
CREATE INDEX evaluation_answers_response_value ON evaluation_answers(response_id, question_id, value_int);
