"""The guided session on a phone: the timer walks through a hold exercise, a repetitions
exercise and a one-sided one, pauses, resumes and stops, keeps the screen awake only while it
runs, and speaks Russian to a Russian patient.

The browser's clock is Playwright's (`page.clock`), so a whole dose runs in a moment. An
init script stands in for the phone's hardware at the browser's border: it records
`navigator.wakeLock.request` and the lock's release, `navigator.vibrate`, the tones made,
and every change of each timer's screen-reader status (what a screen reader hears).
A clock jumping forward (`fast_forward`) stands for a phone that held back a hidden page's
timers. One page load per patient. The face is kept in test-artifacts/patient-timer*.png.
"""

from datetime import datetime, timedelta
from typing import Any

import pytest

from planner import selectors
from planner.models import ProgramExercise
from tests.conftest import PASSWORD, make_clinician, program_for
from tests.e2e.test_patient_app import PHONE, accessibility_problems
from tests.web.conftest import sciatica_patient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HARDWARE = """
window.__said = [];
window.__wake = [];
window.__buzz = [];
window.__tones = 0;
Object.defineProperty(navigator, "vibrate", {
  configurable: true,
  value: (pattern) => { window.__buzz.push(pattern); return true; },
});
Object.defineProperty(navigator, "wakeLock", {
  configurable: true,
  value: {
    request: async (type) => {
      window.__wake.push("request " + type);
      const sentinel = new EventTarget();
      window.__sentinel = sentinel;
      sentinel.type = type;
      sentinel.released = false;
      sentinel.release = async () => {
        if (sentinel.released) return;
        sentinel.released = true;
        window.__wake.push("release");
        sentinel.dispatchEvent(new Event("release"));
      };
      return sentinel;
    },
  },
});
const startTone = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__tones += 1;
  return startTone.apply(this, args);
};
new MutationObserver((records) => {
  for (const record of records) {
    const el = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    if (el && el.matches && el.matches(".timer-status") && el.textContent.trim()) {
      window.__said.push([el.closest(".timer").id.replace(/^timer-/, ""), el.textContent.trim()]);
    }
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""

# The doses the test gives four of the day's exercises: (sets, reps, hold_s, duration_s,
# per_side).
HOLD = (2, 2, 5, 0, False)
REPS = (2, 3, 0, 0, False)
ONE_SIDED = (1, 2, 5, 0, True)
TIMED = (2, 0, 0, 60, False)

EN_HOLD = [
    "Get ready",
    "Set 1 of 2. Repetition 1 of 2. Hold",
    "And relax",
    "Last one. Hold",
    "And relax",
    "Rest 30 s",
    "Set 2 of 2. Repetition 1 of 2. Hold",
    "And relax",
    "Last one. Hold",
    "And relax",
    "Well done: all sets done",
]
EN_REPS = [
    "Get ready",
    "Set 1 of 2. Repetition 1 of 3",
    "Last one",
    "Rest 30 s",
    "Set 2 of 2. Repetition 1 of 3",
    "Last one",
    "Well done: all sets done",
]
EN_ONE_SIDED = [
    "Get ready",
    "Set 1 of 1. Repetition 1 of 2. Hold",
    "And relax",
    "Last one. Hold",
    "And relax",
    "Now the other side",
    "Repetition 1 of 2. Hold",
    "And relax",
    "Last one. Hold",
    "And relax",
    "Well done: all sets done",
]
RU_ONE_SIDED = [
    "Приготовьтесь",
    "Подход 1 из 1. Повтор 1 из 2. Удерживайте",
    "И расслабьтесь",
    "Последний раз. Удерживайте",
    "И расслабьтесь",
    "Теперь другая сторона",
    "Повтор 1 из 2. Удерживайте",
    "И расслабьтесь",
    "Последний раз. Удерживайте",
    "И расслабьтесь",
    "Отлично! Все подходы выполнены",  # noqa: RUF001
]


def dosed(patient: Any) -> dict[str, str]:
    """Four of the patient's exercises for today at the test's doses: their slugs by role."""
    items = [entry.item for entry in selectors.patient_today(patient=patient).home]
    assert len(items) >= 4
    slugs = {}
    for role, item, (sets, reps, hold_s, duration_s, per_side) in zip(
        ("hold", "reps", "one_sided", "timed"), items, (HOLD, REPS, ONE_SIDED, TIMED), strict=False
    ):
        ProgramExercise.objects.filter(pk=item.pk).update(
            sets=sets, reps=reps, hold_s=hold_s, duration_s=duration_s
        )
        exercise = item.exercise
        exercise.per_side = per_side
        exercise.max_sets = max(exercise.max_sets, sets)
        exercise.max_reps = max(exercise.max_reps, reps)
        exercise.max_hold_s = max(exercise.max_hold_s, hold_s)
        exercise.max_duration_s = max(exercise.max_duration_s, duration_s)
        exercise.seconds_per_rep = exercise.seconds_per_rep or 3
        exercise.save()
        slugs[role] = exercise.slug
    return slugs


@pytest.fixture
def clinic(live_server, library) -> tuple[Any, Any]:
    doctor = make_clinician("timer")
    vera = sciatica_patient(doctor, "vera", first_name="Vera")
    program_for(vera, doctor, days_ago=3)
    olga = sciatica_patient(doctor, "olga", first_name="Olga")
    olga.language = "ru"
    olga.save(update_fields=["language"])
    program_for(olga, doctor, days_ago=3)
    return vera, olga


def phone_at_today(browser, live_server, username: str) -> Any:
    context = browser.new_context(**PHONE)
    context.add_init_script(HARDWARE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.clock.install()
    page.goto(f"{live_server.url}/app/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").last.click()
    page.wait_for_url("**/app/today/")
    page.locator(".timer:not([hidden])").first.wait_for()
    # From here the page's time moves only when the test moves it.
    page.clock.pause_at(datetime.now() + timedelta(seconds=5))
    return page


def said(page, slug: str) -> list[str]:
    return [text.strip() for timer, text in page.evaluate("window.__said") if timer == slug]


def seconds_of(timer) -> int:
    """The whole session's length, from the timer's own numbers."""
    data = timer.evaluate("el => ({...el.dataset})")
    sets, reps, hold = int(data["sets"]), int(data["reps"]), int(data["hold"])
    sides = 2 if data["perSide"] else 1
    each_set = int(data["duration"]) or reps * (hold + int(data["repSeconds"]))
    return (
        int(data["ready"])
        + sets * sides * each_set
        + (sets - 1) * int(data["rest"])
        + sets * (sides - 1) * int(data["switch"])
    )


def test_the_timer_guides_a_session_through_the_dose(live_server, clinic, browser, artifacts):
    vera, olga = clinic
    slugs = dosed(vera)
    dosed(olga)
    page = phone_at_today(browser, live_server, "vera")
    hold = page.locator(f"#timer-{slugs['hold']}")
    face = {
        part: hold.locator(f".timer-{part}") for part in ("step", "left", "what", "rep", "next")
    }
    assert hold.get_by_role("button", name="Stop").is_hidden()
    assert accessibility_problems(page) == []  # buttons of 44 px and more

    # A hold exercise, paused and resumed in its first hold.
    hold.get_by_role("button", name="Start the timer").click()
    ready = int(hold.get_attribute("data-ready"))
    page.clock.run_for((ready + 2) * 1000)
    assert face["step"].inner_text() == "Set 1 of 2"
    assert face["left"].inner_text() == "3"  # 5 s held, 2 gone
    assert face["what"].inner_text() == "Hold"
    assert face["rep"].inner_text() == "Repetition 1 of 2"
    assert face["next"].inner_text() == "Next: And relax"
    assert page.evaluate("window.__wake") == ["request screen"]
    hold.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "patient-timer.png"))
    hold.get_by_role("button", name="Pause").click()
    assert page.evaluate("window.__wake") == ["request screen", "release"]
    page.clock.run_for(60_000)
    assert face["left"].inner_text() == "3"  # paused: nothing moves
    hold.get_by_role("button", name="Resume").click()
    assert page.evaluate("window.__wake")[-1] == "request screen"
    # The phone lets the lock go while the page is hidden; shown again, it is asked for again.
    page.evaluate(
        "() => window.__sentinel.release().then("
        "() => document.dispatchEvent(new Event('visibilitychange')))"
    )
    assert page.evaluate("window.__wake")[-2:] == ["release", "request screen"]
    page.clock.run_for((seconds_of(hold) - ready - 2) * 1000 + 1000)
    assert (
        said(page, slugs["hold"])
        == [
            *EN_HOLD[:2],
            "Paused",
            EN_HOLD[1],  # resuming says where we are again
            *EN_HOLD[2:],
        ]
    )
    assert page.evaluate("window.__wake")[-1] == "release"  # finished: the screen may sleep
    assert face["what"].inner_text() == "Well done: all sets done"
    assert hold.get_by_role("button", name="Start the timer").is_visible()
    assert hold.get_by_role("button", name="Stop").is_hidden()
    # A tone and a buzz at every change (the last a short tune).
    buzzes = page.evaluate("window.__buzz")
    assert len(buzzes) == len(EN_HOLD) and buzzes[-1] == [200, 100, 200]
    assert page.evaluate("window.__tones") >= len(EN_HOLD) + 2

    # A repetitions exercise without a hold: each repetition paced, counted on the face.
    reps = page.locator(f"#timer-{slugs['reps']}")
    reps.get_by_role("button", name="Start the timer").click()
    pace = int(reps.get_attribute("data-rep-seconds"))
    page.clock.run_for((ready + pace) * 1000)
    assert reps.locator(".timer-left").inner_text() == "2"
    assert reps.locator(".timer-what").inner_text() == "Repetition 2 of 3"
    assert reps.locator(".timer-next").inner_text() == "Next: Rest 30 s"
    page.clock.run_for((seconds_of(reps) - ready - pace + 1) * 1000)
    assert said(page, slugs["reps"]) == EN_REPS

    # A one-sided exercise: all of a set on one side, then the other.
    one_sided = page.locator(f"#timer-{slugs['one_sided']}")
    one_sided.get_by_role("button", name="Start the timer").click()
    per_side = seconds_of(one_sided)
    page.clock.run_for((per_side - 2) * 1000)
    assert one_sided.locator(".timer-step").inner_text() == "Set 1 of 1 · Other side"
    page.clock.run_for(3000)
    assert said(page, slugs["one_sided"]) == EN_ONE_SIDED

    # A timed exercise: each set's length counted down.
    timed = page.locator(f"#timer-{slugs['timed']}")
    timed.get_by_role("button", name="Start the timer").click()
    page.clock.run_for(ready * 1000)
    count = (timed.locator(".timer-left"), timed.locator(".timer-unit"))
    assert [part.inner_text() for part in count] == ["1:00", "min"]
    page.clock.run_for(1000)
    assert [part.inner_text() for part in count] == ["59", "s"]
    assert timed.locator(".timer-what").inner_text() == "Keep going"
    assert timed.locator(".timer-next").inner_text() == "Next: Rest 30 s"
    page.clock.run_for((seconds_of(timed) - ready) * 1000)
    assert said(page, slugs["timed"]) == [
        "Get ready",
        "Set 1 of 2. Keep going",
        "Rest 30 s",
        "Set 2 of 2. Keep going",
        "Well done: all sets done",
    ]

    # One timer at a time: starting another pauses the one running. Stopped halfway: back
    # to the start, the screen free to sleep.
    wakes = len(page.evaluate("window.__wake"))
    hold.get_by_role("button", name="Start the timer").click()
    page.clock.run_for(1000)
    reps.get_by_role("button", name="Start the timer").click()
    assert said(page, slugs["hold"])[-1] == "Paused"
    assert hold.get_by_role("button", name="Resume").is_visible()
    page.clock.run_for((ready + 1) * 1000)
    reps.get_by_role("button", name="Stop").click()
    assert said(page, slugs["reps"])[-1] == "Stopped"
    assert page.evaluate("window.__wake")[wakes:] == [
        "request screen",
        "release",
        "request screen",
        "release",
    ]
    assert reps.get_by_role("button", name="Start the timer").is_visible()
    assert page.evaluate("document.activeElement.className") == "timer-start primary"
    assert reps.locator(".timer-what").inner_text() == ""
    hold.get_by_role("button", name="Stop").click()

    # Sound and vibration off: the next session is silent and still.
    buzzes, tones = len(page.evaluate("window.__buzz")), page.evaluate("window.__tones")
    reps.get_by_role("button", name="Sound and vibration").click()
    assert (
        reps.get_by_role("button", name="Sound and vibration").get_attribute("aria-pressed")
        == "false"
    )
    # And the page's timers held back (a phone slows a hidden page's): the clock jumps 10 s
    # into the rest, the timer finds it there and says only that step.
    before = len(said(page, slugs["reps"]))
    reps.get_by_role("button", name="Start the timer").click()
    page.clock.fast_forward((ready + 3 * pace + 10) * 1000)
    assert reps.locator(".timer-left").inner_text() == "20"
    page.clock.run_for((seconds_of(reps) - ready - 3 * pace - 10 + 1) * 1000)
    assert said(page, slugs["reps"])[before:] == [
        "Get ready",
        "Rest 30 s",
        "Set 2 of 2. Repetition 1 of 3",
        "Last one",
        "Well done: all sets done",
    ]
    assert (len(page.evaluate("window.__buzz")), page.evaluate("window.__tones")) == (buzzes, tones)
    page.context.close()

    # A Russian patient hears Russian.
    page = phone_at_today(browser, live_server, "olga")
    slug = selectors.patient_today(patient=olga).home[2].item.exercise.slug
    timer = page.locator(f"#timer-{slug}")
    timer.get_by_role("button", name="Запустить таймер").click()
    page.clock.run_for(2000)
    assert timer.get_by_role("button", name="Пауза").is_visible()
    assert timer.get_by_role("button", name="Стоп").is_visible()
    assert timer.locator(".timer-next").inner_text() == "Дальше: Подход 1 из 1 · Одна сторона"
    page.clock.run_for(seconds_of(timer) * 1000)
    assert said(page, slug) == RU_ONE_SIDED
    timer.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "patient-timer-ru.png"))
    page.context.close()
