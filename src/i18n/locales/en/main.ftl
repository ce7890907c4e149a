# English messages. Every key here must also exist in cy/main.ftl (a unit test checks).

## Layout
skip-to-content = Skip to main content
nav-label = Main menu
nav-home = Home
nav-profile = My profile
nav-login = Log in
nav-register = Create an account
nav-logout = Log out ({ $name })
language-switch = Cymraeg
footer-text = Llwybr – leadership development and professional learning for schools in Wales.
greeting = Hello, { $name }.

## Home
home-title = Grow as a leader, stage by stage
home-lead = Llwybr helps teachers and school leaders find the right professional learning for where they are on the leadership continuum, apply, and follow their progress.
home-see-profile = See your profile and pathway.
home-have-account = Already have an account? Log in
continuum-title = The leadership continuum
continuum-intro = Twelve stages, from initial teacher training to executive headship. Programmes are aimed at one or more of them.

## Roles
role-participant = Participant
role-headteacher = Headteacher
role-programme-lead = Programme lead
role-la-officer = Local authority officer
role-consortium-admin = Consortium administrator

## Forms
form-error-summary = There is a problem
field-name = Full name
field-email = Email address
field-password = Password
field-new-password = New password
field-preferred-language = Language for pages and emails
password-hint = At least 10 characters. A few unrelated words make a strong password.

## Registration and sign-in
register-title = Create an account
register-submit = Create account
login-title = Log in
login-submit = Log in
login-forgot = Forgotten your password?
login-no-account = No account yet? Create one
forgot-title = Reset your password
forgot-intro = Enter the email address of your account and we will send you a link to choose a new password.
forgot-submit = Send the link
forgot-sent = If that address has an account, we have sent it a link to reset the password. Check your inbox.
reset-title = Choose a new password
reset-submit = Save the new password
reset-ask-again = Ask for a new link
reset-done = Your password has been changed. Log in with the new one.

## Profile
profile-title = My profile
profile-school = School
profile-roles = Roles
profile-not-set = Not set yet
profile-pathway = My pathway
profile-current-stage = You are at the stage: { $stage }.
profile-no-stage = You have not chosen your stage on the continuum yet.
profile-you-are-here = You are here

## Field errors
error-email-missing = Enter your email address.
error-email-invalid = Enter an email address in the right format, like name@school.cymru.
error-password-too-short = The password must be at least 10 characters long.
error-password-too-long = The password must be 128 characters or fewer.
error-password-too-common = That password is too easy to guess. Choose a longer, less common one.
error-password-like-email = The password must not contain your email address.
error-name-missing = Enter your name.
error-name-too-long = The name must be 200 characters or fewer.
error-name-invalid = The name contains characters that cannot be used.
error-language-invalid = Choose English (en) or Welsh (cy).
error-reset-token-invalid = This reset link has already been used or has expired. Ask for a new one.

## Problems (API errors and the error page)
problem-validation-title = Some of the information is not right
problem-validation-detail = Check the fields listed and try again.
problem-bad-request-title = The request could not be understood
problem-invalid-json = The request body must be valid JSON.
problem-invalid-json-fields = The request body is JSON, but the fields listed hold the wrong kind of value.
problem-json-field-invalid = This field holds the wrong kind of value: for example text where a number, a true or false, or a list belongs.
problem-text-nul = The request holds a NUL character (%00), which text in Llwybr cannot contain. Remove it and try again.
problem-too-large-title = Too large
problem-too-large-detail = What was sent is larger than Llwybr takes here. For an import, split the file into smaller ones.
problem-invalid-form = The form could not be read. Try again.
problem-invalid-query = The address has a parameter that could not be read.
problem-unauthenticated-title = You need to log in
problem-unauthenticated-detail = Log in to see this. If you were logged in, your session may have expired.
problem-invalid-credentials-detail = The email address or the password is wrong.
problem-forbidden-title = You cannot do that
problem-forbidden-detail = Your account does not have permission for this.
problem-not-found-title = Page not found
problem-not-found-detail = We could not find what you asked for. Check the address.
problem-conflict-title = That clashes with what is already here
problem-email-taken = An account with this email address already exists. Log in, or reset the password.
problem-unavailable-title = Llwybr is busy
problem-unavailable-detail = The service is busy or the database cannot be reached. Try again in a minute.
problem-internal-title = Something went wrong
problem-internal-detail = Something went wrong on our side. It has been logged; try again later.
error-status = Status
error-reference = Reference
error-go-home = Go to the home page

## Emails
email-greeting = Dear { $name },
email-signoff = Llwybr – professional learning for school leaders in Wales
email-welcome-subject = Welcome to Llwybr
email-welcome-body = Your Llwybr account is ready. You can now set your school and stage, see the programmes for you, and apply.
email-welcome-action = Confirm your email address
email-welcome-confirm = Please confirm that this address is yours with the button below. Until you do, your headteacher or the consortium cannot give your account a role such as headteacher or programme lead. If you did not register, ignore this email.
email-confirmed = Your email address is confirmed. Thank you.
email-confirm-title = Confirm your email address
email-confirm-intro = Press the button to confirm that this address is yours. Then you can sign in.
error-confirm-token-invalid = This confirmation link has been used or has expired. To confirm your address, ask for a password reset from the login page: using its link confirms the address too.
admin-error-email-unconfirmed = This person registered themselves and has not yet confirmed their email address, so the account may not be theirs. Send them an invitation: setting a password through it confirms the address. Then give the role.
email-reset-subject = Reset your Llwybr password
email-reset-body = Someone asked to reset the password of your Llwybr account. Use the link below to choose a new one.
email-reset-expiry = The link works once, within { $minutes } minutes.
email-reset-ignore = If you did not ask for this, ignore this email: your password stays as it is.
email-reset-action = Choose a new password

## Catalogue and applications: field errors
error-required = This cannot be left empty.
error-too-long = This is too long.
error-code-invalid = Use 2 to 64 lower-case letters, digits and hyphens, like new-to-headship.
error-delivery-language-invalid = Choose english, welsh or bilingual.
error-percentage-invalid = Give a percentage from 0 to 100.
error-eligibility-role-unknown = One of the roles is neither a role in Llwybr (such as headteacher) nor a career role (such as acting_head).
error-eligibility-months-invalid = Give the months since appointment as a whole number from 1 to 600.
error-stage-unknown = One of the stages is not on the leadership continuum.
error-provider-unknown = There is no provider with this id.
error-capacity-invalid = The capacity must be a whole number from 1 to 10,000.
error-date-invalid = Give the date as YYYY-MM-DD, like 2026-09-14.
error-ends-before-start = The cohort cannot end before it starts.
error-closes-after-end = Applications must close before the cohort ends.
error-cohort-status-invalid = The status must be open or closed.

## Catalogue and applications: problems
problem-refused-title = This cannot be done
problem-programme-code-taken = Another programme already has this code.
problem-cohort-name-taken = This programme already has a cohort with that name.
problem-cohort-closed = This cohort is not taking applications.
problem-confirm-email-first = Confirm your email address before you apply: open the link we emailed you when you registered. Your profile page can send it again.
problem-applicant-unconfirmed = This person registered themselves and has not yet confirmed their email address, so the account may not be theirs. Send them an invitation from their page (setting a password through it confirms the address), then apply for them.
problem-confirmation-too-soon = A link went to your address less than a minute ago. Look for it, or ask again in a minute.
problem-email-already-confirmed = Your email address is confirmed already.
problem-already-applied = You already have an application for this programme.
problem-illegal-transition = The application cannot be changed that way from where it stands now.
problem-changed-meanwhile = Someone else changed this application at the same moment. Reload and try again.
problem-capacity-below-seats = The capacity cannot be less than the number of seats already taken.
ineligible-stage-not-set = This programme is for particular stages of the continuum. Set your stage in your profile first.
ineligible-stage-not-targeted = This programme is not aimed at your stage of the continuum.
ineligible-stage-too-early = This programme is for people further along the continuum than your stage.
ineligible-role-missing = This programme is for people in a role you do not hold.

## Application emails
email-see-applications = See your applications
email-received-subject = We have your application for { $programme }
email-received-body = Your application for { $cohort } of { $programme } is now with your headteacher for endorsement. We will email you when they have decided.
email-confirmed-subject = Your place on { $programme } is confirmed
email-confirmed-body = You have a place in { $cohort } of { $programme }, which starts on { $starts }.
email-waitlisted-subject = You are on the waiting list for { $programme }
email-waitlisted-body = { $cohort } of { $programme } is full, so you are number { $position } on its waiting list. We will email you as soon as a place is yours.
email-promoted-subject = A place on { $programme } is now yours
email-promoted-body = A place has come free in { $cohort } of { $programme } and it is yours: you have moved from the waiting list to a confirmed place.
email-declined-subject = Your application for { $programme } was not endorsed
email-declined-body = Your headteacher did not endorse your application for { $cohort } of { $programme }. Talk to them about the reasons and the right time to apply again.
email-withdrawn-subject = You have withdrawn from { $programme }
email-withdrawn-body = Your application for { $cohort } of { $programme } is withdrawn. If you held a place, it has gone to the next person waiting.
email-endorse-subject = { $name } asks for your endorsement
email-endorse-body = { $name } has applied for { $cohort } of { $programme } and needs your endorsement as their headteacher.
email-endorse-action = Review the application
