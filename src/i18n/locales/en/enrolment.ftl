# Enrolment pages: catalogue, applications, endorsements, rosters.

nav-programmes = Programmes
nav-applications = My applications
nav-endorsements = Endorsements
nav-lead = My cohorts

catalogue-title = Programmes
catalogue-filters = Filter the programmes
catalogue-stage = Stage on the continuum
catalogue-any-stage = Any stage
catalogue-language = Language of delivery
catalogue-any-language = Any language
catalogue-open-only = Only programmes taking applications now
catalogue-filter = Show programmes
catalogue-count = { $count ->
    [one] One programme
   *[other] { $count } programmes
}
catalogue-needs-endorsement = Needs your headteacher's endorsement
catalogue-all-stages = Open to every stage
catalogue-for-stages = For:
catalogue-no-cohorts = No cohorts are planned yet.
catalogue-cohorts-of = Cohorts of
catalogue-cohort = Cohort
catalogue-dates = Dates
catalogue-seats = Places
catalogue-action = Action
catalogue-seats-left = { $count ->
    [one] One place left
   *[other] { $count } places left
}
catalogue-full = Full
catalogue-apply = Apply
catalogue-join-waitlist = Join the waiting list
catalogue-login-to-apply = Log in to apply
catalogue-not-taking = Not taking applications

delivery-english = In English
delivery-welsh = In Welsh
delivery-bilingual = In Welsh and English

status-awaiting-endorsement = Waiting for your headteacher
status-declined = Not endorsed
status-confirmed = Place confirmed
status-waitlisted = On the waiting list
status-withdrawn = Withdrawn
status-deferred = Deferred
status-completed = Completed
status-not-completed = Not completed

applications-title = My applications
applications-none = You have not applied for anything yet.
applications-browse = See the programmes.
applications-programme = Programme
applications-status = Status
applications-applied = Applied
applications-position = number { $position } in the queue
applications-withdraw = Withdraw
applications-withdraw-confirm = Your place or your place in the queue goes to the next person waiting, and cannot be given back. To take part later, apply again.
applications-withdraw-sure = Yes, withdraw

notice-confirmed = Your application is in and your place is confirmed.
notice-waitlisted = The cohort is full, so you are on its waiting list. We will email you when a place is yours.
notice-awaiting-endorsement = Your application is in. It now waits for your headteacher's endorsement.
notice-withdrawn = Your application is withdrawn.
notice-endorsed = You endorsed the application.
notice-declined = You declined the application.

endorsements-title = Endorsements
endorsements-intro = Applications from staff at your school that wait for your endorsement.
endorsements-none = Nothing is waiting for you.
endorsements-person = Person
endorsements-endorse = Endorse
endorsements-decline = Decline
endorsements-decline-confirm = { $name } will be told that you have declined. To take part, they would have to apply again.
endorsements-decline-reason = Reason (optional; kept in the application's history)
endorsements-decline-sure = Yes, decline

lead-title = My cohorts
lead-none = You do not lead any cohorts yet.
lead-seats-taken = Places taken
roster-title = Roster
roster-empty = Nobody has applied yet.
roster-seats = Places taken: { $taken }

profile-saved = Your details are saved.
profile-email-unconfirmed = Your email address is not confirmed yet. Open the link we emailed you when you registered; until then you can look around but not apply for a programme.
profile-confirm-send-again = Send the link again
profile-confirm-link-sent = We have sent a new link to { $email }. It works for 14 days.
profile-confirm-link-too-soon = A link went to { $email } less than a minute ago. Look for it in your inbox and junk folder, or ask again in a minute.
profile-confirm-before-applying = Confirm your email address before you apply: open the link we sent to { $email }, or send it again below.
profile-suggestions = Programmes for your stage and the next
profile-edit = Change my details
profile-job-title = Job title
profile-welsh-ability = Welsh-language ability
profile-save = Save my details
error-school-unknown = Choose a school from the list.
error-welsh-ability-invalid = Choose a level from the list.
welsh-ability-none = None yet
welsh-ability-entry = Entry
welsh-ability-foundation = Foundation
welsh-ability-intermediate = Intermediate
welsh-ability-advanced = Advanced
welsh-ability-proficiency = Proficiency
ineligible-appointment-not-recent = This programme is for people appointed to their post recently; your career history does not show such an appointment.
error-cohort-unknown = There is no such cohort.
error-cohort-not-sibling = Choose another cohort of the same programme.
error-cohort-not-later = Choose a cohort that starts later than this one.
roster-download-csv = Download the roster (CSV)
nav-emails = My emails
emails-title = My emails
emails-intro = Every email Llwybr has sent you, newest first.
emails-none = Llwybr has not emailed you yet.
emails-sent = sent
emails-queued = waiting to be sent
applications-certificate = Certificate
email-reminder-subject = Reminder: { $session } on { $date }
email-reminder-body = Your session "{ $session }" of { $programme } ({ $cohort }) starts on { $date } at { $time }. Where: { $place }
applications-calendar = Your sessions in your calendar
applications-calendar-intro = Add this private address to your calendar app (Outlook, Google, Apple) as a subscription: your sessions appear and stay up to date. Keep it to yourself.
applications-calendar-make = Make my calendar address
applications-calendar-replace = Replace this address
applications-calendar-replace-intro = If you have shared it by mistake: this address stops working at once, and you subscribe your calendar app to the new one.
applications-calendar-replace-sure = Yes, replace it
applications-notice-calendar-replaced = Your calendar has a new address. Subscribe to it in your calendar app; the old one no longer works.
endorsements-staff = Your staff's professional learning
endorsements-staff-none = Nobody from your school has applied yet.
emails-password-link-hidden = This email holds a link to set your password, so it is shown in your inbox only. If you did not ask for it, you can ignore it: your password stays as it is.
