# Tudalennau cofrestru: catalog, ceisiadau, cymeradwyaethau, rhestrau carfan.

nav-programmes = Rhaglenni
nav-applications = Fy ngheisiadau
nav-endorsements = Cymeradwyaethau
nav-lead = Fy ngharfanau

catalogue-title = Rhaglenni
catalogue-filters = Hidlo'r rhaglenni
catalogue-stage = Cam ar y continwwm
catalogue-any-stage = Unrhyw gam
catalogue-language = Iaith y ddarpariaeth
catalogue-any-language = Unrhyw iaith
catalogue-open-only = Dim ond rhaglenni sy'n derbyn ceisiadau nawr
catalogue-filter = Dangos rhaglenni
catalogue-count = { $count ->
    [zero] Dim rhaglenni
    [one] Un rhaglen
    [two] Dwy raglen
   *[other] { $count } o raglenni
}
catalogue-needs-endorsement = Angen cymeradwyaeth eich pennaeth
catalogue-all-stages = Ar agor i bob cam
catalogue-for-stages = Ar gyfer:
catalogue-no-cohorts = Nid oes carfanau wedi'u cynllunio eto.
catalogue-cohorts-of = Carfanau
catalogue-cohort = Carfan
catalogue-dates = Dyddiadau
catalogue-seats = Lleoedd
catalogue-action = Gweithred
catalogue-seats-left = { $count ->
    [one] Un lle ar ôl
    [two] Dau le ar ôl
   *[other] { $count } o leoedd ar ôl
}
catalogue-full = Llawn
catalogue-apply = Gwneud cais
catalogue-join-waitlist = Ymuno â'r rhestr aros
catalogue-login-to-apply = Mewngofnodwch i wneud cais
catalogue-not-taking = Ddim yn derbyn ceisiadau

delivery-english = Yn Saesneg
delivery-welsh = Yn Gymraeg
delivery-bilingual = Yn Gymraeg ac yn Saesneg

status-awaiting-endorsement = Yn aros am eich pennaeth
status-declined = Heb ei gymeradwyo
status-confirmed = Lle wedi'i gadarnhau
status-waitlisted = Ar y rhestr aros
status-withdrawn = Wedi tynnu'n ôl
status-deferred = Wedi'i ohirio
status-completed = Wedi'i gwblhau
status-not-completed = Heb ei gwblhau

applications-title = Fy ngheisiadau
applications-none = Nid ydych wedi gwneud cais am unrhyw beth eto.
applications-browse = Gweld y rhaglenni.
applications-programme = Rhaglen
applications-status = Statws
applications-applied = Dyddiad y cais
applications-position = rhif { $position } yn y ciw
applications-withdraw = Tynnu'n ôl
applications-withdraw-confirm = Bydd eich lle, neu eich lle yn y ciw, yn mynd i'r person nesaf sy'n aros, ac ni ellir ei roi'n ôl. I gymryd rhan yn nes ymlaen, gwnewch gais eto.
applications-withdraw-sure = Ie, tynnu'n ôl

notice-confirmed = Mae eich cais wedi'i gyflwyno ac mae eich lle wedi'i gadarnhau.
notice-waitlisted = Mae'r garfan yn llawn, felly rydych ar ei rhestr aros. Byddwn yn anfon e-bost atoch pan fydd lle yn eiddo i chi.
notice-awaiting-endorsement = Mae eich cais wedi'i gyflwyno. Mae bellach yn aros am gymeradwyaeth eich pennaeth.
notice-withdrawn = Mae eich cais wedi'i dynnu'n ôl.
notice-endorsed = Rydych wedi cymeradwyo'r cais.
notice-declined = Rydych wedi gwrthod y cais.

endorsements-title = Cymeradwyaethau
endorsements-intro = Ceisiadau gan staff eich ysgol sy'n aros am eich cymeradwyaeth.
endorsements-none = Nid oes dim yn aros amdanoch.
endorsements-person = Person
endorsements-endorse = Cymeradwyo
endorsements-decline = Gwrthod
endorsements-decline-confirm = Bydd { $name } yn cael gwybod eich bod wedi gwrthod. I gymryd rhan, byddai'n rhaid iddynt wneud cais eto.
endorsements-decline-reason = Rheswm (dewisol; yn cael ei gadw yn hanes y cais)
endorsements-decline-sure = Ie, gwrthod

lead-title = Fy ngharfanau
lead-none = Nid ydych yn arwain unrhyw garfanau eto.
lead-seats-taken = Lleoedd wedi'u cymryd
roster-title = Rhestr y garfan
roster-empty = Nid oes neb wedi gwneud cais eto.
roster-seats = Lleoedd wedi'u cymryd: { $taken }

profile-saved = Mae eich manylion wedi'u cadw.
profile-email-unconfirmed = Nid yw eich cyfeiriad e-bost wedi'i gadarnhau eto. Agorwch y ddolen a anfonwyd atoch pan wnaethoch gofrestru; tan hynny gallwch edrych o gwmpas ond nid gwneud cais am raglen.
profile-confirm-send-again = Anfon y ddolen eto
profile-confirm-link-sent = Rydym wedi anfon dolen newydd i { $email }. Mae'n gweithio am 14 diwrnod.
profile-confirm-link-too-soon = Aeth dolen i { $email } lai na munud yn ôl. Chwiliwch amdani yn eich mewnflwch a'ch ffolder sothach, neu gofynnwch eto mewn munud.
profile-confirm-before-applying = Cadarnhewch eich cyfeiriad e-bost cyn gwneud cais: agorwch y ddolen a anfonwyd i { $email }, neu anfonwch hi eto isod.
profile-suggestions = Rhaglenni ar gyfer eich cam chi a'r nesaf
profile-edit = Newid fy manylion
profile-job-title = Teitl swydd
profile-welsh-ability = Gallu yn y Gymraeg
profile-save = Cadw fy manylion
error-school-unknown = Dewiswch ysgol o'r rhestr.
error-welsh-ability-invalid = Dewiswch lefel o'r rhestr.
welsh-ability-none = Dim eto
welsh-ability-entry = Mynediad
welsh-ability-foundation = Sylfaen
welsh-ability-intermediate = Canolradd
welsh-ability-advanced = Uwch
welsh-ability-proficiency = Hyfedredd
ineligible-appointment-not-recent = Mae'r rhaglen hon ar gyfer pobl a benodwyd i'w swydd yn ddiweddar; nid yw hanes eich gyrfa yn dangos penodiad o'r fath.
error-cohort-unknown = Nid oes carfan o'r fath.
error-cohort-not-sibling = Dewiswch garfan arall o'r un rhaglen.
error-cohort-not-later = Dewiswch garfan sy'n dechrau'n hwyrach na hon.
roster-download-csv = Lawrlwytho rhestr y garfan (CSV)
nav-emails = Fy negeseuon e-bost
emails-title = Fy negeseuon e-bost
emails-intro = Pob neges e-bost y mae Llwybr wedi'i hanfon atoch, y mwyaf diweddar yn gyntaf.
emails-none = Nid yw Llwybr wedi anfon e-bost atoch eto.
emails-sent = wedi'i hanfon
emails-queued = yn aros i gael ei hanfon
applications-certificate = Tystysgrif
email-reminder-subject = Nodyn atgoffa: { $session } ar { $date }
email-reminder-body = Mae eich sesiwn "{ $session }" o { $programme } ({ $cohort }) yn dechrau ar { $date } am { $time }. Ble: { $place }
applications-calendar = Eich sesiynau yn eich calendr
applications-calendar-intro = Ychwanegwch y cyfeiriad preifat hwn at eich ap calendr (Outlook, Google, Apple) fel tanysgrifiad: bydd eich sesiynau'n ymddangos ac yn aros yn gyfredol. Cadwch ef i chi'ch hun.
applications-calendar-make = Creu fy nghyfeiriad calendr
applications-calendar-replace = Newid y cyfeiriad hwn
applications-calendar-replace-intro = Os ydych wedi'i rannu mewn camgymeriad: mae'r cyfeiriad hwn yn peidio â gweithio ar unwaith, ac rydych yn tanysgrifio'ch ap calendr i'r un newydd.
applications-calendar-replace-sure = Ie, ei newid
applications-notice-calendar-replaced = Mae gan eich calendr gyfeiriad newydd. Tanysgrifiwch iddo yn eich ap calendr; nid yw'r hen un yn gweithio mwyach.
endorsements-staff = Dysgu proffesiynol eich staff
endorsements-staff-none = Nid oes neb o'ch ysgol wedi gwneud cais eto.
emails-password-link-hidden = Mae'r e-bost hwn yn cynnwys dolen i osod eich cyfrinair, felly dim ond yn eich mewnflwch y mae i'w weld. Os na wnaethoch ofyn amdano, gallwch ei anwybyddu: mae eich cyfrinair yn aros fel y mae.
