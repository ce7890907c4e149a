# English messages for sessions, registers, completion and certificates. Every key here must
# also exist in cy/attendance.ftl (a unit test checks).

## Sessions and registers: field errors
error-session-time-invalid = Give the time as YYYY-MM-DDTHH:MM, like 2026-09-14T09:30, or in RFC 3339 with a time zone.
error-session-time-skipped = That time does not happen in Wales: the clocks go forward an hour that night. Give a time after 02:00.
error-session-ends-before-start = The session must end after it starts.
error-session-url-invalid = Give a full web address starting with https://.
problem-completion-applied-again = They have applied to this programme again since, so this place cannot be completed now. Withdraw the later application first.
problem-session-in-use = A register has been taken at this session, or an evaluation round is about it, so it cannot be removed. Change it instead.
error-session-place-missing = Give a venue, an online link, or both.
error-register-empty = The register has no lines.
error-register-too-long = A register can have at most 1,000 lines; send it in parts.
error-register-duplicate = This application is already in the register above.
error-register-not-participant = This application does not have a confirmed place in the session's cohort.
error-attendance-status-invalid = The status must be present, absent or apologies.

## Completion: problems
problem-completion-rule-not-met = This participant has not attended enough of the sessions held to meet the programme's completion rule. To complete them anyway, give an override_reason.

## Completion emails
email-completed-subject = You have completed { $programme }
email-completed-body = Congratulations: you have completed { $cohort } of { $programme }. Your certificate is ready to view and print.
email-completed-action = See your certificate
email-not-completed-subject = { $programme }: not completed
email-not-completed-body = Your place in { $cohort } of { $programme } has been recorded as not completed. If you think this is wrong, or would like to finish the programme with a later cohort, contact the programme team.

## Certificate
certificate-page-title = Certificate of completion: { $name }
certificate-heading = Certificate of Completion
certificate-certifies = This is to certify that
certificate-has-completed = has completed
certificate-cohort = Cohort
certificate-completed-on = Completed on
certificate-date = { $day } { $month } { $year }
certificate-issuer = Llwybr – professional learning for school leaders in Wales
certificate-print-hint = To print this certificate or save it as a PDF, use your browser's Print command.
certificate-back = Back to your profile
certificate-month-1 = January
certificate-month-2 = February
certificate-month-3 = March
certificate-month-4 = April
certificate-month-5 = May
certificate-month-6 = June
certificate-month-7 = July
certificate-month-8 = August
certificate-month-9 = September
certificate-month-10 = October
certificate-month-11 = November
certificate-month-12 = December
