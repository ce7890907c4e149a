# Negeseuon Cymraeg. Rhaid i bob allwedd yma fod yn en/main.ftl hefyd (mae prawf uned yn gwirio).

## Cynllun
skip-to-content = Neidio i'r prif gynnwys
nav-label = Prif ddewislen
nav-home = Hafan
nav-profile = Fy mhroffil
nav-login = Mewngofnodi
nav-register = Creu cyfrif
nav-logout = Allgofnodi ({ $name })
language-switch = English
footer-text = Llwybr – datblygu arweinyddiaeth a dysgu proffesiynol i ysgolion Cymru.
greeting = Helo, { $name }.

## Hafan
home-title = Tyfu fel arweinydd, gam wrth gam
home-lead = Mae Llwybr yn helpu athrawon ac arweinwyr ysgol i ddod o hyd i'r dysgu proffesiynol sy'n addas i'w man ar y continwwm arweinyddiaeth, gwneud cais, a dilyn eu cynnydd.
home-see-profile = Gweld eich proffil a'ch llwybr.
home-have-account = Oes gennych gyfrif yn barod? Mewngofnodwch
continuum-title = Y continwwm arweinyddiaeth
continuum-intro = Deuddeg cam, o hyfforddiant cychwynnol athrawon i bennaeth gweithredol. Mae rhaglenni wedi'u hanelu at un neu fwy ohonynt.

## Rolau
role-participant = Cyfranogwr
role-headteacher = Pennaeth
role-programme-lead = Arweinydd rhaglen
role-la-officer = Swyddog awdurdod lleol
role-consortium-admin = Gweinyddwr y consortiwm

## Ffurflenni
form-error-summary = Mae problem
field-name = Enw llawn
field-email = Cyfeiriad e-bost
field-password = Cyfrinair
field-new-password = Cyfrinair newydd
field-preferred-language = Iaith y tudalennau a'r negeseuon e-bost
password-hint = O leiaf 10 nod. Mae ychydig o eiriau digyswllt yn gwneud cyfrinair cryf.

## Cofrestru a mewngofnodi
register-title = Creu cyfrif
register-submit = Creu cyfrif
login-title = Mewngofnodi
login-submit = Mewngofnodi
login-forgot = Wedi anghofio eich cyfrinair?
login-no-account = Dim cyfrif eto? Crëwch un
forgot-title = Ailosod eich cyfrinair
forgot-intro = Rhowch gyfeiriad e-bost eich cyfrif a byddwn yn anfon dolen atoch i ddewis cyfrinair newydd.
forgot-submit = Anfon y ddolen
forgot-sent = Os oes cyfrif gan y cyfeiriad hwnnw, rydym wedi anfon dolen iddo i ailosod y cyfrinair. Edrychwch yn eich mewnflwch.
reset-title = Dewis cyfrinair newydd
reset-submit = Cadw'r cyfrinair newydd
reset-ask-again = Gofyn am ddolen newydd
reset-done = Mae eich cyfrinair wedi newid. Mewngofnodwch gyda'r un newydd.

## Proffil
profile-title = Fy mhroffil
profile-school = Ysgol
profile-roles = Rolau
profile-not-set = Heb ei osod eto
profile-pathway = Fy llwybr
profile-current-stage = Rydych chi ar y cam: { $stage }.
profile-no-stage = Nid ydych wedi dewis eich cam ar y continwwm eto.
profile-you-are-here = Rydych chi yma

## Gwallau meysydd
error-email-missing = Rhowch eich cyfeiriad e-bost.
error-email-invalid = Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@ysgol.cymru.
error-password-too-short = Rhaid i'r cyfrinair fod yn o leiaf 10 nod o hyd.
error-password-too-long = Rhaid i'r cyfrinair fod yn 128 nod neu lai.
error-password-too-common = Mae'r cyfrinair hwnnw'n rhy hawdd i'w ddyfalu. Dewiswch un hirach a llai cyffredin.
error-password-like-email = Ni ddylai'r cyfrinair gynnwys eich cyfeiriad e-bost.
error-name-missing = Rhowch eich enw.
error-name-too-long = Rhaid i'r enw fod yn 200 nod neu lai.
error-name-invalid = Mae'r enw'n cynnwys nodau na ellir eu defnyddio.
error-language-invalid = Dewiswch Gymraeg (cy) neu Saesneg (en).
error-reset-token-invalid = Mae'r ddolen ailosod hon wedi'i defnyddio'n barod neu wedi dod i ben. Gofynnwch am un newydd.

## Problemau (gwallau'r API a'r dudalen wall)
problem-validation-title = Nid yw rhywfaint o'r wybodaeth yn gywir
problem-validation-detail = Gwiriwch y meysydd a restrir a rhowch gynnig arall arni.
problem-bad-request-title = Nid oedd modd deall y cais
problem-invalid-json = Rhaid i gorff y cais fod yn JSON dilys.
problem-invalid-json-fields = Mae corff y cais yn JSON, ond mae'r meysydd a restrir yn dal y math anghywir o werth.
problem-json-field-invalid = Mae'r maes hwn yn dal y math anghywir o werth: er enghraifft testun lle dylai rhif, gwir neu gau, neu restr fod.
problem-text-nul = Mae'r cais yn cynnwys nod NUL (%00), na all testun yn Llwybr ei gynnwys. Tynnwch ef a rhoi cynnig arall arni.
problem-too-large-title = Rhy fawr
problem-too-large-detail = Mae'r hyn a anfonwyd yn fwy nag y mae Llwybr yn ei dderbyn yma. Ar gyfer mewnforio, rhannwch y ffeil yn ffeiliau llai.
problem-invalid-form = Nid oedd modd darllen y ffurflen. Rhowch gynnig arall arni.
problem-invalid-query = Mae paramedr yn y cyfeiriad nad oedd modd ei ddarllen.
problem-unauthenticated-title = Mae angen i chi fewngofnodi
problem-unauthenticated-detail = Mewngofnodwch i weld hyn. Os oeddech wedi mewngofnodi, efallai fod eich sesiwn wedi dod i ben.
problem-invalid-credentials-detail = Mae'r cyfeiriad e-bost neu'r cyfrinair yn anghywir.
problem-forbidden-title = Ni allwch wneud hynny
problem-forbidden-detail = Nid oes gan eich cyfrif ganiatâd i wneud hyn.
problem-not-found-title = Heb ddod o hyd i'r dudalen
problem-not-found-detail = Ni allem ddod o hyd i'r hyn y gofynnoch amdano. Gwiriwch y cyfeiriad.
problem-conflict-title = Mae hynny'n gwrthdaro â'r hyn sydd yma'n barod
problem-email-taken = Mae cyfrif gyda'r cyfeiriad e-bost hwn yn bodoli'n barod. Mewngofnodwch, neu ailosodwch y cyfrinair.
problem-unavailable-title = Mae Llwybr yn brysur
problem-unavailable-detail = Mae'r gwasanaeth yn brysur neu nid oes modd cyrraedd y gronfa ddata. Rhowch gynnig arall arni ymhen munud.
problem-internal-title = Aeth rhywbeth o'i le
problem-internal-detail = Aeth rhywbeth o'i le ar ein hochr ni. Mae wedi'i gofnodi; rhowch gynnig arall arni nes ymlaen.
error-status = Statws
error-reference = Cyfeirnod
error-go-home = Mynd i'r hafan

## Negeseuon e-bost
email-greeting = Annwyl { $name },
email-signoff = Llwybr – dysgu proffesiynol i arweinwyr ysgol yng Nghymru
email-welcome-subject = Croeso i Llwybr
email-welcome-body = Mae eich cyfrif Llwybr yn barod. Gallwch nawr osod eich ysgol a'ch cam, gweld y rhaglenni sydd i chi, a gwneud cais.
email-welcome-action = Cadarnhau eich cyfeiriad e-bost
email-welcome-confirm = Cadarnhewch mai eich cyfeiriad chi yw hwn gyda'r botwm isod. Hyd nes y gwnewch chi, ni all eich pennaeth na'r consortiwm roi rôl i'ch cyfrif fel pennaeth neu arweinydd rhaglen. Os na wnaethoch gofrestru, anwybyddwch yr e-bost hwn.
email-confirmed = Mae eich cyfeiriad e-bost wedi'i gadarnhau. Diolch.
email-confirm-title = Cadarnhau eich cyfeiriad e-bost
email-confirm-intro = Pwyswch y botwm i gadarnhau mai chi biau'r cyfeiriad hwn. Yna gallwch fewngofnodi.
error-confirm-token-invalid = Mae'r ddolen gadarnhau hon wedi'i defnyddio neu wedi dod i ben. I gadarnhau eich cyfeiriad, gofynnwch am ailosod cyfrinair o'r dudalen mewngofnodi: mae defnyddio ei ddolen yn cadarnhau'r cyfeiriad hefyd.
admin-error-email-unconfirmed = Cofrestrodd y person hwn ei hun ac nid yw wedi cadarnhau ei gyfeiriad e-bost eto, felly efallai nad ei gyfrif ef ydyw. Anfonwch wahoddiad ato: mae gosod cyfrinair drwyddo yn cadarnhau'r cyfeiriad. Yna rhowch y rôl.
email-reset-subject = Ailosod eich cyfrinair Llwybr
email-reset-body = Gofynnodd rhywun am ailosod cyfrinair eich cyfrif Llwybr. Defnyddiwch y ddolen isod i ddewis un newydd.
email-reset-expiry = Mae'r ddolen yn gweithio unwaith, o fewn { $minutes } munud.
email-reset-ignore = Os na wnaethoch chi ofyn am hyn, anwybyddwch y neges hon: bydd eich cyfrinair yn aros fel y mae.
email-reset-action = Dewis cyfrinair newydd

## Catalog a cheisiadau: gwallau meysydd
error-required = Ni ellir gadael hwn yn wag.
error-too-long = Mae hwn yn rhy hir.
error-code-invalid = Defnyddiwch 2 i 64 o lythrennau bach, digidau a chysylltnodau, fel new-to-headship.
error-delivery-language-invalid = Dewiswch english, welsh neu bilingual.
error-percentage-invalid = Rhowch ganran o 0 i 100.
error-eligibility-role-unknown = Nid yw un o'r rolau yn rôl yn Llwybr (fel headteacher) nac yn rôl gyrfa (fel acting_head).
error-eligibility-months-invalid = Rhowch nifer y misoedd ers penodi fel rhif cyfan o 1 i 600.
error-stage-unknown = Nid yw un o'r camau ar y continwwm arweinyddiaeth.
error-provider-unknown = Nid oes darparwr gyda'r dynodydd hwn.
error-capacity-invalid = Rhaid i'r capasiti fod yn rhif cyfan o 1 i 10,000.
error-date-invalid = Rhowch y dyddiad fel BBBB-MM-DD, fel 2026-09-14.
error-ends-before-start = Ni all y garfan ddod i ben cyn iddi ddechrau.
error-closes-after-end = Rhaid i'r ceisiadau gau cyn i'r garfan ddod i ben.
error-cohort-status-invalid = Rhaid i'r statws fod yn open neu closed.

## Catalog a cheisiadau: problemau
problem-refused-title = Ni ellir gwneud hyn
problem-programme-code-taken = Mae gan raglen arall y cod hwn yn barod.
problem-cohort-name-taken = Mae gan y rhaglen hon garfan gyda'r enw hwnnw yn barod.
problem-cohort-closed = Nid yw'r garfan hon yn derbyn ceisiadau.
problem-confirm-email-first = Cadarnhewch eich cyfeiriad e-bost cyn gwneud cais: agorwch y ddolen a anfonwyd atoch pan wnaethoch gofrestru. Gall eich tudalen proffil ei hanfon eto.
problem-applicant-unconfirmed = Cofrestrodd y person hwn ei hun ac nid yw wedi cadarnhau ei gyfeiriad e-bost eto, felly efallai nad ei gyfrif ef yw hwn. Anfonwch wahoddiad ato o'i dudalen (mae gosod cyfrinair drwyddo yn cadarnhau'r cyfeiriad), yna gwnewch gais ar ei ran.
problem-confirmation-too-soon = Aeth dolen i'ch cyfeiriad lai na munud yn ôl. Chwiliwch amdani, neu gofynnwch eto mewn munud.
problem-email-already-confirmed = Mae eich cyfeiriad e-bost wedi'i gadarnhau eisoes.
problem-already-applied = Mae gennych gais ar gyfer y rhaglen hon yn barod.
problem-illegal-transition = Ni ellir newid y cais fel hyn o'r man lle mae nawr.
problem-changed-meanwhile = Newidiodd rhywun arall y cais hwn ar yr un pryd. Ail-lwythwch a rhowch gynnig arall arni.
problem-capacity-below-seats = Ni all y capasiti fod yn llai na nifer y lleoedd sydd wedi'u cymryd yn barod.
ineligible-stage-not-set = Mae'r rhaglen hon ar gyfer camau penodol o'r continwwm. Gosodwch eich cam yn eich proffil yn gyntaf.
ineligible-stage-not-targeted = Nid yw'r rhaglen hon wedi'i hanelu at eich cam chi o'r continwwm.
ineligible-stage-too-early = Mae'r rhaglen hon ar gyfer pobl sydd ymhellach ar hyd y continwwm na'ch cam chi.
ineligible-role-missing = Mae'r rhaglen hon ar gyfer pobl mewn rôl nad yw gennych.

## Negeseuon e-bost am geisiadau
email-see-applications = Gweld eich ceisiadau
email-received-subject = Mae eich cais am { $programme } wedi dod i law
email-received-body = Mae eich cais am { $cohort } o { $programme } bellach gyda'ch pennaeth i'w gymeradwyo. Byddwn yn anfon e-bost atoch pan fyddant wedi penderfynu.
email-confirmed-subject = Mae eich lle ar { $programme } wedi'i gadarnhau
email-confirmed-body = Mae gennych le yn { $cohort } o { $programme }, sy'n dechrau ar { $starts }.
email-waitlisted-subject = Rydych ar y rhestr aros ar gyfer { $programme }
email-waitlisted-body = Mae { $cohort } o { $programme } yn llawn, felly chi yw rhif { $position } ar ei rhestr aros. Byddwn yn anfon e-bost atoch cyn gynted ag y bydd lle yn eiddo i chi.
email-promoted-subject = Mae lle ar { $programme } yn eiddo i chi nawr
email-promoted-body = Mae lle wedi dod yn rhydd yn { $cohort } o { $programme } ac mae'n eiddo i chi: rydych wedi symud o'r rhestr aros i le wedi'i gadarnhau.
email-declined-subject = Ni chafodd eich cais am { $programme } ei gymeradwyo
email-declined-body = Ni wnaeth eich pennaeth gymeradwyo eich cais am { $cohort } o { $programme }. Siaradwch â nhw am y rhesymau ac am yr amser iawn i wneud cais eto.
email-withdrawn-subject = Rydych wedi tynnu'n ôl o { $programme }
email-withdrawn-body = Mae eich cais am { $cohort } o { $programme } wedi'i dynnu'n ôl. Os oedd gennych le, mae wedi mynd i'r person nesaf sy'n aros.
email-endorse-subject = Mae { $name } yn gofyn am eich cymeradwyaeth
email-endorse-body = Mae { $name } wedi gwneud cais am { $cohort } o { $programme } ac mae angen eich cymeradwyaeth chi fel eu pennaeth.
email-endorse-action = Adolygu'r cais
