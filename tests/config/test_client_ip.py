"""The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = N the N-th entry of
X-Forwarded-For from the right. The lockout and the throttles read it alike."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient

from config.client_ip import client_ip

TOKEN_URL = "/api/v1/auth/token/"


def request(forwarded: str | None = None, remote: str = "10.0.0.7"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_a_forged_header_is_ignored():
    assert client_ip(request("1.2.3.4")) == "10.0.0.7"
    assert client_ip(request()) == "10.0.0.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_with_one_proxy_the_right_most_entry_is_the_client():
    assert client_ip(request("203.0.113.9")) == "203.0.113.9"
    # The client wrote "6.6.6.6, 7.7.7.7" itself; our proxy appended what it saw.
    assert client_ip(request("6.6.6.6, 7.7.7.7,203.0.113.9")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_with_two_proxies_the_second_from_the_right():
    assert client_ip(request("6.6.6.6, 203.0.113.9, 10.1.1.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_header_shorter_than_the_proxies_falls_back_to_the_peer():
    assert client_ip(request("203.0.113.9")) == "10.0.0.7"
    assert client_ip(request("")) == "10.0.0.7"
    assert client_ip(request(" , ")) == "10.0.0.7"


def attempt(address: str, forwarded: str) -> int:
    response = APIClient().post(
        TOKEN_URL,
        {"username": f"nobody-{forwarded}", "password": "guess"},
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return response.status_code


@pytest.mark.django_db
def test_a_forged_header_does_not_reset_the_token_throttle():
    cache.clear()
    for number in range(20):
        assert attempt("203.0.113.5", f"198.51.100.{number}") == 400
    assert attempt("203.0.113.5", "192.0.2.200") == 429
    assert attempt("203.0.113.6", "192.0.2.200") == 400  # another client, its own count


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_throttle_counts_the_forwarded_client():
    cache.clear()
    for number in range(20):
        # The client forges a different left-most entry each time; the proxy is the same.
        assert attempt("10.0.0.1", f"198.51.100.{number}, 203.0.113.5") == 400
    assert attempt("10.0.0.1", "6.6.6.6, 203.0.113.5") == 429
    assert attempt("10.0.0.1", "203.0.113.99") == 400  # another client behind the same proxy
