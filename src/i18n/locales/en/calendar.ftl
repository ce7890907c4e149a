# English messages of the calendars (the private feed and the cohort download). Every key here
# must also exist in cy/calendar.ftl (a unit test checks).

calendar-personal-name = Llwybr: my sessions
calendar-personal-description = Your sessions on Llwybr programmes. This address is private: anyone who knows it can see your sessions, so do not share it. You can replace it on Llwybr at any time.
calendar-cohort-name = { $programme }: { $cohort }
calendar-event-summary = { $programme }: { $session }
calendar-event-cohort = Cohort: { $cohort }
calendar-event-online = Join online: { $url }
