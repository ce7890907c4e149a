-- The default leadership-programme evaluation form ships with the product. Its ids are fixed so
-- that seeds, tests and reports can name the questions; satisfaction is measured on the question
-- marked measure_key = 'overall' (the share of answers 4 or 5).
INSERT INTO evaluation_forms (id, code, title_en, title_cy, is_default, created_at)
VALUES ('form-leadership-default', 'leadership-default', 'Leadership programme evaluation',
        'Gwerthusiad rhaglen arweinyddiaeth', TRUE, '2026-11-23 00:00:00');

INSERT INTO evaluation_questions (id, form_id, position, kind, prompt_en, prompt_cy, required, options, measure_key)
VALUES ('q-overall', 'form-leadership-default', 1, 'likert',
        'Overall, I am satisfied with the programme.',
        'At ei gilydd, rwy''n fodlon â''r rhaglen.', TRUE, NULL, 'overall');
INSERT INTO evaluation_questions (id, form_id, position, kind, prompt_en, prompt_cy, required, options, measure_key)
VALUES ('q-content', 'form-leadership-default', 2, 'rating',
        'How would you rate the quality of the content?',
        'Sut byddech chi''n graddio ansawdd y cynnwys?', TRUE, NULL, 'content');
INSERT INTO evaluation_questions (id, form_id, position, kind, prompt_en, prompt_cy, required, options, measure_key)
VALUES ('q-delivery', 'form-leadership-default', 3, 'rating',
        'How would you rate the quality of the delivery?',
        'Sut byddech chi''n graddio ansawdd y cyflwyno?', TRUE, NULL, 'delivery');
INSERT INTO evaluation_questions (id, form_id, position, kind, prompt_en, prompt_cy, required, options, measure_key)
VALUES ('q-relevance', 'form-leadership-default', 4, 'likert',
        'The programme is relevant to my role.',
        'Mae''r rhaglen yn berthnasol i''m rôl.', TRUE, NULL, 'relevance');
INSERT INTO evaluation_questions (id, form_id, position, kind, prompt_en, prompt_cy, required, options, measure_key)
VALUES ('q-impact', 'form-leadership-default', 5, 'likert',
        'The programme has had an impact on my practice.',
        'Mae''r rhaglen wedi cael effaith ar fy ymarfer.', TRUE, NULL, 'impact');
INSERT INTO evaluation_questions (id, form_id, position, kind, prompt_en, prompt_cy, required, options, measure_key)
VALUES ('q-worked-well', 'form-leadership-default', 6, 'free_text',
        'What worked well?',
        'Beth weithiodd yn dda?', FALSE, NULL, NULL);
INSERT INTO evaluation_questions (id, form_id, position, kind, prompt_en, prompt_cy, required, options, measure_key)
VALUES ('q-even-better', 'form-leadership-default', 7, 'free_text',
        'What could be better?',
        'Beth allai fod yn well?', FALSE, NULL, NULL);
