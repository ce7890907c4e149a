DELETE FROM evaluation_questions WHERE form_id = 'form-leadership-default';
DELETE FROM evaluation_forms WHERE id = 'form-leadership-default';
