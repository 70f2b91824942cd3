"""Time zones as a patient chooses one: a short list of the clinic's region, readable names
with today's offset ("Moscow (UTC+3)"), and a search over every place for anyone elsewhere.

The names of the places are the tz database's; Django and zoneinfo translate none, so the
clinic's region (Europe), Russia's Asian zones and the neighbours its patients often live in
are translated here (pgettext, context "time zone city"); any other place keeps its English
name.
"""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

from rehab.selectors import clinic_time_zone

CITY_NAMES: dict[str, Promise] = {
    "Europe/Andorra": pgettext_lazy("time zone city", "Andorra"),
    "Europe/Tirane": pgettext_lazy("time zone city", "Tirane"),
    "Europe/Vienna": pgettext_lazy("time zone city", "Vienna"),
    "Europe/Mariehamn": pgettext_lazy("time zone city", "Mariehamn"),
    "Europe/Sarajevo": pgettext_lazy("time zone city", "Sarajevo"),
    "Europe/Brussels": pgettext_lazy("time zone city", "Brussels"),
    "Europe/Sofia": pgettext_lazy("time zone city", "Sofia"),
    "Europe/Minsk": pgettext_lazy("time zone city", "Minsk"),
    "Europe/Zurich": pgettext_lazy("time zone city", "Zurich"),
    "Europe/Prague": pgettext_lazy("time zone city", "Prague"),
    "Europe/Berlin": pgettext_lazy("time zone city", "Berlin"),
    "Europe/Busingen": pgettext_lazy("time zone city", "Busingen"),
    "Europe/Copenhagen": pgettext_lazy("time zone city", "Copenhagen"),
    "Europe/Tallinn": pgettext_lazy("time zone city", "Tallinn"),
    "Europe/Madrid": pgettext_lazy("time zone city", "Madrid"),
    "Europe/Helsinki": pgettext_lazy("time zone city", "Helsinki"),
    "Europe/Paris": pgettext_lazy("time zone city", "Paris"),
    "Europe/London": pgettext_lazy("time zone city", "London"),
    "Europe/Guernsey": pgettext_lazy("time zone city", "Guernsey"),
    "Europe/Gibraltar": pgettext_lazy("time zone city", "Gibraltar"),
    "Europe/Athens": pgettext_lazy("time zone city", "Athens"),
    "Europe/Zagreb": pgettext_lazy("time zone city", "Zagreb"),
    "Europe/Budapest": pgettext_lazy("time zone city", "Budapest"),
    "Europe/Dublin": pgettext_lazy("time zone city", "Dublin"),
    "Europe/Isle_of_Man": pgettext_lazy("time zone city", "Isle of Man"),
    "Europe/Rome": pgettext_lazy("time zone city", "Rome"),
    "Europe/Jersey": pgettext_lazy("time zone city", "Jersey"),
    "Europe/Vaduz": pgettext_lazy("time zone city", "Vaduz"),
    "Europe/Vilnius": pgettext_lazy("time zone city", "Vilnius"),
    "Europe/Luxembourg": pgettext_lazy("time zone city", "Luxembourg"),
    "Europe/Riga": pgettext_lazy("time zone city", "Riga"),
    "Europe/Monaco": pgettext_lazy("time zone city", "Monaco"),
    "Europe/Chisinau": pgettext_lazy("time zone city", "Chisinau"),
    "Europe/Podgorica": pgettext_lazy("time zone city", "Podgorica"),
    "Europe/Skopje": pgettext_lazy("time zone city", "Skopje"),
    "Europe/Malta": pgettext_lazy("time zone city", "Malta"),
    "Europe/Amsterdam": pgettext_lazy("time zone city", "Amsterdam"),
    "Europe/Oslo": pgettext_lazy("time zone city", "Oslo"),
    "Europe/Warsaw": pgettext_lazy("time zone city", "Warsaw"),
    "Europe/Lisbon": pgettext_lazy("time zone city", "Lisbon"),
    "Europe/Bucharest": pgettext_lazy("time zone city", "Bucharest"),
    "Europe/Belgrade": pgettext_lazy("time zone city", "Belgrade"),
    "Europe/Kaliningrad": pgettext_lazy("time zone city", "Kaliningrad"),
    "Europe/Moscow": pgettext_lazy("time zone city", "Moscow"),
    "Europe/Simferopol": pgettext_lazy("time zone city", "Simferopol"),
    "Europe/Kirov": pgettext_lazy("time zone city", "Kirov"),
    "Europe/Volgograd": pgettext_lazy("time zone city", "Volgograd"),
    "Europe/Astrakhan": pgettext_lazy("time zone city", "Astrakhan"),
    "Europe/Saratov": pgettext_lazy("time zone city", "Saratov"),
    "Europe/Ulyanovsk": pgettext_lazy("time zone city", "Ulyanovsk"),
    "Europe/Samara": pgettext_lazy("time zone city", "Samara"),
    "Europe/Stockholm": pgettext_lazy("time zone city", "Stockholm"),
    "Europe/Ljubljana": pgettext_lazy("time zone city", "Ljubljana"),
    "Europe/Bratislava": pgettext_lazy("time zone city", "Bratislava"),
    "Europe/San_Marino": pgettext_lazy("time zone city", "San Marino"),
    "Europe/Istanbul": pgettext_lazy("time zone city", "Istanbul"),
    "Europe/Kyiv": pgettext_lazy("time zone city", "Kyiv"),
    "Europe/Vatican": pgettext_lazy("time zone city", "Vatican"),
    "Asia/Yekaterinburg": pgettext_lazy("time zone city", "Yekaterinburg"),
    "Asia/Omsk": pgettext_lazy("time zone city", "Omsk"),
    "Asia/Novosibirsk": pgettext_lazy("time zone city", "Novosibirsk"),
    "Asia/Barnaul": pgettext_lazy("time zone city", "Barnaul"),
    "Asia/Tomsk": pgettext_lazy("time zone city", "Tomsk"),
    "Asia/Novokuznetsk": pgettext_lazy("time zone city", "Novokuznetsk"),
    "Asia/Krasnoyarsk": pgettext_lazy("time zone city", "Krasnoyarsk"),
    "Asia/Irkutsk": pgettext_lazy("time zone city", "Irkutsk"),
    "Asia/Chita": pgettext_lazy("time zone city", "Chita"),
    "Asia/Yakutsk": pgettext_lazy("time zone city", "Yakutsk"),
    "Asia/Khandyga": pgettext_lazy("time zone city", "Khandyga"),
    "Asia/Vladivostok": pgettext_lazy("time zone city", "Vladivostok"),
    "Asia/Ust-Nera": pgettext_lazy("time zone city", "Ust-Nera"),
    "Asia/Magadan": pgettext_lazy("time zone city", "Magadan"),
    "Asia/Sakhalin": pgettext_lazy("time zone city", "Sakhalin"),
    "Asia/Srednekolymsk": pgettext_lazy("time zone city", "Srednekolymsk"),
    "Asia/Kamchatka": pgettext_lazy("time zone city", "Kamchatka"),
    "Asia/Anadyr": pgettext_lazy("time zone city", "Anadyr"),
    "Asia/Almaty": pgettext_lazy("time zone city", "Almaty"),
    "Asia/Tashkent": pgettext_lazy("time zone city", "Tashkent"),
    "Asia/Bishkek": pgettext_lazy("time zone city", "Bishkek"),
    "Asia/Tbilisi": pgettext_lazy("time zone city", "Tbilisi"),
    "Asia/Yerevan": pgettext_lazy("time zone city", "Yerevan"),
    "Asia/Baku": pgettext_lazy("time zone city", "Baku"),
    "Asia/Dushanbe": pgettext_lazy("time zone city", "Dushanbe"),
    "Asia/Ashgabat": pgettext_lazy("time zone city", "Ashgabat"),
}

REGION_NAMES: dict[str, Promise] = {
    "Africa": pgettext_lazy("time zone region", "Africa"),
    "America": pgettext_lazy("time zone region", "America"),
    "Antarctica": pgettext_lazy("time zone region", "Antarctica"),
    "Arctic": pgettext_lazy("time zone region", "Arctic"),
    "Asia": pgettext_lazy("time zone region", "Asia"),
    "Atlantic": pgettext_lazy("time zone region", "Atlantic"),
    "Australia": pgettext_lazy("time zone region", "Australia"),
    "Europe": pgettext_lazy("time zone region", "Europe"),
    "Indian": pgettext_lazy("time zone region", "Indian"),
    "Pacific": pgettext_lazy("time zone region", "Pacific"),
}


@functools.cache
def known_time_zones() -> frozenset[str]:
    """Every name the server's time zone database knows (aliases included): what is valid."""
    return frozenset(available_timezones())


@functools.cache
def place_time_zones() -> tuple[str, ...]:
    """The zones people choose from: one per place, as the tz database lists them for the
    countries of the world (zone.tab; old aliases such as Europe/Kiev left out), and UTC."""
    try:
        text = (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return tuple(sorted(z for z in known_time_zones() if "/" in z and "Etc/" not in z))
    names = {
        line.split("\t")[2]
        for line in text.splitlines()
        if line and not line.startswith("#") and line.count("\t") >= 2
    }
    return tuple(sorted((names & known_time_zones()) | {"UTC"}))


def zone_region(zone: str) -> str:
    """The zone's region, its first part ("Europe" of Europe/Moscow); none for UTC."""
    region, slash, _rest = zone.partition("/")
    return region if slash else ""


def zone_place(zone: str) -> str:
    """The place a zone is named after, in the language in force (its English name when
    there is no translation)."""
    if zone in CITY_NAMES:
        return str(CITY_NAMES[zone])
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def region_name(region: str) -> str:
    return str(REGION_NAMES[region]) if region in REGION_NAMES else region.replace("_", " ")


def utc_offset_text(offset: timedelta | None) -> str:
    """UTC+3, UTC+5:30, UTC-8 (written with a true minus sign, U+2212, which screen readers
    say as "minus"), or UTC."""
    minutes = round((offset or timedelta()).total_seconds() / 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_offset(zone: str, at: datetime) -> timedelta:
    return at.astimezone(ZoneInfo(zone)).utcoffset() or timedelta()


def zone_label(zone: str, at: datetime) -> str:
    """ "Moscow (UTC+3)": the place and its offset at `at` (daylight saving counted)."""
    if zone == "UTC":
        return "UTC"
    return f"{zone_place(zone)} ({utc_offset_text(zone_offset(zone, at))})"


@dataclass(frozen=True)
class ZoneChoices:
    """What the settings page offers: the short list (grouped, for a select) and every
    place (for the search), each as (zone, label)."""

    short: list[tuple[str, list[tuple[str, str]]]]
    everywhere: list[tuple[str, str]]


def time_zone_choices(*, current: str, at: datetime) -> ZoneChoices:
    """The patient's zone first when it is outside the clinic's region, then the region's
    places from west to east (by offset at `at`, then name); UTC when the clinic is on it."""
    region = zone_region(clinic_time_zone())
    zones = [z for z in place_time_zones() if zone_region(z) == region] if region else ["UTC"]

    def labelled(names: list[str]) -> list[tuple[str, str]]:
        ordered = sorted(names, key=lambda z: (zone_offset(z, at), zone_place(z)))
        return [(z, zone_label(z, at)) for z in ordered]

    short: list[tuple[str, list[tuple[str, str]]]] = []
    if current and current not in zones:
        short.append((gettext("Your time zone now"), labelled([current])))
    short.append((region_name(region) if region else "UTC", labelled(zones)))
    return ZoneChoices(short=short, everywhere=labelled(list(place_time_zones())))


def _plain(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("\u0451", "\u0435").casefold().split())


@functools.cache
def _places_by_name(language: str) -> dict[str, frozenset[str]]:
    names: dict[str, set[str]] = {}
    with translation.override(language):
        for zone in place_time_zones():
            for name in {zone_place(zone), zone.rsplit("/", 1)[-1]}:
                names.setdefault(_plain(name), set()).add(zone)
    return {name: frozenset(zones) for name, zones in names.items()}


def time_zone_find(text: str) -> str | None:
    """The zone a patient typed: its name (Europe/Berlin, in any case) or a place's name in
    any of the app's languages ("Berlin", "Москва"), when only one zone has it; None when
    nothing or more than one matches."""
    wanted = _plain(text)
    if not wanted:
        return None
    by_name = {_plain(z): z for z in known_time_zones()}
    if wanted in by_name:
        return by_name[wanted]
    found: set[str] = set()
    for language, _name in settings.LANGUAGES:
        found |= _places_by_name(language).get(wanted, frozenset())
    return found.pop() if len(found) == 1 else None
