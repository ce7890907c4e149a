# Negeseuon Cymraeg y calendrau (y ffrwd breifat a'r calendr carfan i'w lawrlwytho). Rhaid i bob
# allwedd yma fod yn en/calendar.ftl hefyd (mae prawf uned yn gwirio).

calendar-personal-name = Llwybr: fy sesiynau
calendar-personal-description = Eich sesiynau ar raglenni Llwybr. Mae'r cyfeiriad hwn yn breifat: gall unrhyw un sy'n ei wybod weld eich sesiynau, felly peidiwch â'i rannu. Gallwch roi cyfeiriad newydd yn ei le ar Llwybr unrhyw bryd.
calendar-cohort-name = { $programme }: { $cohort }
calendar-event-summary = { $programme }: { $session }
calendar-event-cohort = Carfan: { $cohort }
calendar-event-online = Ymuno ar-lein: { $url }
