## The generate-synthetic command
synthetic-progress = { $table }: { $rows } rows ({ $seconds } s)
synthetic-done =
    Synthetic consortium generated in { $seconds } s, academic years { $first } to { $last }:
    { $authorities } local authorities, { $schools } schools, { $people } people, { $programmes } programmes, { $cohorts } cohorts,
    { $enrolments } enrolments ({ $events } history events),
    { $rounds } evaluation rounds, { $invitations } invitations, { $responses } responses, { $answers } answers,
    { $careers } career entries.
synthetic-not-empty = The database already holds { $people } people. generate-synthetic fills an empty database only, so that nobody fills a real one by mistake; add --force to add a synthetic consortium to this one anyway.
synthetic-failed = could not generate the synthetic consortium (nothing was written)
