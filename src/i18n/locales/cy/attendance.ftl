# Negeseuon Cymraeg am sesiynau, cofrestrau, cwblhau a thystysgrifau. Rhaid i bob allwedd yma
# fod yn en/attendance.ftl hefyd (mae prawf uned yn gwirio).

## Sesiynau a chofrestrau: gwallau meysydd
error-session-time-invalid = Rhowch yr amser fel BBBB-MM-DDTHH:MM, fel 2026-09-14T09:30, neu yn ôl RFC 3339 gyda chylchfa amser.
error-session-time-skipped = Nid yw'r amser hwnnw'n bod yng Nghymru: mae'r clociau'n mynd ymlaen awr y noson honno. Rhowch amser ar ôl 02:00.
error-session-ends-before-start = Rhaid i'r sesiwn orffen ar ôl iddi ddechrau.
error-session-url-invalid = Rhowch gyfeiriad gwe llawn sy'n dechrau gyda https://.
problem-completion-applied-again = Maent wedi gwneud cais i'r rhaglen hon eto ers hynny, felly ni ellir cwblhau'r lle hwn nawr. Tynnwch y cais diweddarach yn ôl yn gyntaf.
problem-session-in-use = Mae cofrestr wedi'i chymryd yn y sesiwn hon, neu mae cylch gwerthuso yn ymwneud â hi, felly ni ellir ei dileu. Newidiwch hi yn lle hynny.
error-session-place-missing = Rhowch leoliad, dolen ar-lein, neu'r ddau.
error-register-empty = Nid oes unrhyw linellau yn y gofrestr.
error-register-too-long = Gall cofrestr gynnwys 1,000 o linellau ar y mwyaf; anfonwch hi fesul rhan.
error-register-duplicate = Mae'r cais hwn eisoes yn y gofrestr uchod.
error-register-not-participant = Nid oes gan y cais hwn le wedi'i gadarnhau yng ngharfan y sesiwn.
error-attendance-status-invalid = Rhaid i'r statws fod yn present, absent neu apologies.

## Cwblhau: problemau
problem-completion-rule-not-met = Nid yw'r cyfranogwr hwn wedi mynychu digon o'r sesiynau a gynhaliwyd i fodloni rheol cwblhau'r rhaglen. I'w gwblhau beth bynnag, rhowch override_reason.

## Negeseuon e-bost am gwblhau
email-completed-subject = Rydych wedi cwblhau { $programme }
email-completed-body = Llongyfarchiadau: rydych wedi cwblhau { $cohort } o { $programme }. Mae eich tystysgrif yn barod i'w gweld a'i hargraffu.
email-completed-action = Gweld eich tystysgrif
email-not-completed-subject = { $programme }: heb ei chwblhau
email-not-completed-body = Mae eich lle yn { $cohort } o { $programme } wedi'i gofnodi fel heb ei gwblhau. Os ydych chi'n credu bod hyn yn anghywir, neu os hoffech orffen y rhaglen gyda charfan ddiweddarach, cysylltwch â thîm y rhaglen.

## Tystysgrif
certificate-page-title = Tystysgrif cwblhau: { $name }
certificate-heading = Tystysgrif Cwblhau
certificate-certifies = Tystir bod
certificate-has-completed = wedi cwblhau
certificate-cohort = Carfan
certificate-completed-on = Dyddiad cwblhau
certificate-date = { $day } { $month } { $year }
certificate-issuer = Llwybr – dysgu proffesiynol i arweinwyr ysgol yng Nghymru
certificate-print-hint = I argraffu'r dystysgrif hon neu ei chadw fel PDF, defnyddiwch orchymyn Argraffu eich porwr.
certificate-back = Yn ôl i'ch proffil
certificate-month-1 = Ionawr
certificate-month-2 = Chwefror
certificate-month-3 = Mawrth
certificate-month-4 = Ebrill
certificate-month-5 = Mai
certificate-month-6 = Mehefin
certificate-month-7 = Gorffennaf
certificate-month-8 = Awst
certificate-month-9 = Medi
certificate-month-10 = Hydref
certificate-month-11 = Tachwedd
certificate-month-12 = Rhagfyr
