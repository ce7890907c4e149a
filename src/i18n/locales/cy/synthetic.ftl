## Y gorchymyn generate-synthetic
synthetic-progress = { $table }: { $rows } rhes ({ $seconds } eiliad)
synthetic-done =
    Cynhyrchwyd consortiwm synthetig mewn { $seconds } eiliad, blynyddoedd academaidd { $first } i { $last }:
    { $authorities } awdurdod lleol, { $schools } ysgol, { $people } person, { $programmes } rhaglen, { $cohorts } carfan,
    { $enrolments } cofrestriad ({ $events } digwyddiad hanes),
    { $rounds } rownd werthuso, { $invitations } gwahoddiad, { $responses } ymateb, { $answers } ateb,
    { $careers } cofnod gyrfa.
synthetic-not-empty = Mae { $people } o bobl yn y gronfa ddata eisoes. Dim ond cronfa ddata wag y mae generate-synthetic yn ei llenwi, fel na fydd neb yn llenwi un go iawn drwy gamgymeriad; ychwanegwch --force i roi consortiwm synthetig yn hon beth bynnag.
synthetic-failed = ni ellid cynhyrchu'r consortiwm synthetig (ni ysgrifennwyd dim)
