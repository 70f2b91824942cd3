"""Today's one query: the signed-in session, its user with the patient, and the day's stamp.

A cached Today page (the page patients open most) needs three things from the database:
the session, the user it signs in, and the day's stamp (with the header's count and the
questionnaires due). Read one after the other they cost three round trips, which on
PostgreSQL were most of the page's time (bench/today_throughput.py). Here they are one
query: the session's row joined to its user (`rehab.UserSession` keeps the user's id), the
patient's row, and the stamp's subqueries for each day that can be someone's today (the
patient's time zone is in the same row, so their day is picked afterwards).

Nothing is trusted on the query's word: the session's data is handed to the session store
as its own read would have been, and the user is signed in by Django's own `get_user`
(the backend named by the session, the password's hash), which takes the user read here
in place of reading it again. The stamp is used only for the patient of that user.
"""

from django.http import HttpRequest

from config.sessions import SessionStore
from planner.selectors import (
    DayStampRead,
    day_stamp_params,
    day_stamp_read,
    day_stamp_sql,
    stamp_candidate_days,
)
from rehab.auth import SESSION_WITH_RECORDS, user_read_already, user_with_records_and


def session_day_read(request: HttpRequest, *, also: tuple[str, ...]) -> DayStampRead | None:
    """Read the session, its user and the day's stamp with `also` in one query; the session
    and `request.user` are then ready. None when the request is not a signed-in patient's
    whose session has not been read yet: the usual path (and its queries) then follows."""
    session = getattr(request, "session", None)
    if (
        not isinstance(session, SessionStore)
        or session.session_key is None
        or hasattr(session, "_session_cache")  # read already
        or hasattr(request, "_cached_user")  # signed in already
    ):
        return None
    days = stamp_candidate_days()
    found, values = user_with_records_and(
        SESSION_WITH_RECORDS,
        "session",
        session.session_key,
        also=day_stamp_sql(days=len(days), also=also),
        params=day_stamp_params(days=days),
    )
    if found is None:
        return None  # no such session (or expired): the store finds out again, as ever
    session_data, user = found
    session.preload(session_data)
    with user_read_already(user):
        signed_in = request.user.is_authenticated  # Django's get_user, on this user
    patient = getattr(user, "patient", None) if user is not None else None
    if not signed_in or patient is None or request.user.pk != user.pk:
        return None
    return day_stamp_read(
        patient_id=patient.pk, time_zone=patient.time_zone, days=days, values=values
    )
