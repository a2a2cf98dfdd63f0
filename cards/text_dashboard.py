"""Wording for the dashboard page (the Teams tab): headings, table captions, refusals."""

PAGE_TITLE = "Quality of practice dashboard"
WHOLE_SERVICE = "The whole service"
OWN_WORK = "{name}: your own work"
SEES_SERVICE = "sees the whole service"
SEES_AREAS = "sees their service area(s)"
SEES_TEAM = "sees {team}"
SEES_OWN = "sees their own work"

NO_SUCH_TEAM = "There is no active team with that number. Go back to the dashboard and choose a team from the list."
NO_SUCH_AREA = "There is no service area with that number. Go back to the dashboard and choose one from the list."
REFUSED_SERVICE = (
    "The whole service's figures are for the Service Director, the QA lead and the performance analysts. "
    "You can see the places listed on your dashboard."
)
REFUSED_AREA = (
    "A service area's figures are for its senior managers, the Service Director, the QA lead and the performance "
    "analysts. You can see the places listed on your dashboard."
)
REFUSED_TEAM = (
    "A team's figures are for its team manager, the senior managers of its service area, the Service Director, the "
    "QA lead and the performance analysts. You can see the places listed on your dashboard."
)
SIGN_IN_FAILED = (
    "qop could not confirm who you are, so it shows nothing. Close the tab and open it again; if it keeps happening, "
    "tell your qop administrator."
)
NOT_IN_ORGANISATION = (
    "qop does not know you from the organisation list yet, so there is nothing to show. Give your qop administrator "
    "your work e-mail address."
)
BAD_REQUEST = "That address is not one the dashboard understands. Go back to the dashboard and choose from the lists."
LOCAL_BANNER = (
    "LOCAL DEMO MODE: not signed in. Pick a person from the demo organisation to see what they would see. "
    "A production qop never shows this picker."
)
NOSCRIPT = "The dashboard needs JavaScript, which is switched off or blocked in this browser."
LOADING = "Loading the figures..."
CONFIGURE_HEADING = "Add the qop dashboard to this channel"
CONFIGURE_BODY = (
    "The tab shows each person what they may see: the team's manager sees the team, senior managers their service "
    "area, the QA lead the whole service. Choose Save to add it."
)
