"""The API's Today reads its token, the user with their records and the day in one query.

`GET /api/v1/today/` is the API's busiest call. Its token authentication
(`rehab.auth.TokenWithRecordsAuthentication`) reads the token with its user in one query,
and the day's stamp took a second. Here the token's query also reads the stamp's
subqueries for each day that can be someone's today (the patient's time zone is in the
same row; their day is picked afterwards), and leaves them on the request for the view
(`request.day_stamp_read`). The token is checked as ever (`token_checked`).
"""

from typing import Any

from rest_framework.request import Request

from planner.selectors import day_stamp_params, day_stamp_read, day_stamp_sql, stamp_candidate_days
from rehab.auth import WITH_RECORDS, TokenWithRecordsAuthentication, user_with_records_and


class TodayTokenAuthentication(TokenWithRecordsAuthentication):
    # DRF makes the authenticators anew for every request: the request can be kept.
    request: Request | None = None

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        self.request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        days = stamp_candidate_days()
        token, values = user_with_records_and(
            WITH_RECORDS,
            "token",
            key,
            also=day_stamp_sql(days=len(days)),
            params=day_stamp_params(days=days),
        )
        user, token = self.token_checked(token)
        patient = user._state.fields_cache.get("patient")
        if patient is not None and self.request is not None:
            self.request.day_stamp_read = day_stamp_read(
                patient_id=patient.pk, time_zone=patient.time_zone, days=days, values=values
            )
        return user, token
