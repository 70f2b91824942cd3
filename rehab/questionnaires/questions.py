"""The questions the patient answers on the phone, and their answers, in plain words.

The Oswestry sections follow Fairbank & Pynsent's ten topics, each with six statements
scored 0 (no trouble) to 5 (the most); the wording here is the clinic's own plain
summary of each statement (the licensed ODI 2.1a text may replace it here, in one place).
STarT Back keeps its published items (`rehab.models.STARTBACK_QUESTIONS`): eight
agree/disagree items and a ninth on how bothersome the pain was. The weekly pain score is
the numeric rating scale 0 to 10.

Every text is translatable; the names (`section_1`, `item_9`, `score`) are the fields of
the assessment each answer fills.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rehab.models import QuestionnaireKind


@dataclass(frozen=True)
class Question:
    name: str  # the assessment's field
    text: str | Promise
    choices: tuple[tuple[int, str | Promise], ...]
    # A question the patient may leave unanswered (the ODI's sex life: the score is taken
    # over the sections answered, `rehab.scoring.odi_score`).
    optional: bool = False

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(value for value, _label in self.choices)


def _odi(index: int, text: Promise, *statements: Promise, optional: bool = False) -> Question:
    assert len(statements) == 6
    return Question(f"section_{index}", text, tuple(enumerate(statements)), optional)


ODI_QUESTIONS: tuple[Question, ...] = (
    _odi(
        1,
        _("Pain intensity: how bad is your pain at the moment?"),
        _("I have no pain at the moment."),
        _("The pain is very mild at the moment."),
        _("The pain is moderate at the moment."),
        _("The pain is fairly severe at the moment."),
        _("The pain is very severe at the moment."),
        _("The pain is the worst imaginable at the moment."),
    ),
    _odi(
        2,
        _("Personal care: washing and dressing yourself"),
        _("I can look after myself normally, without extra pain."),
        _("I can look after myself normally, but it is very painful."),
        _("Looking after myself is painful, and I am slow and careful."),
        _("I need some help, but manage most of my personal care."),
        _("I need help every day with most of my personal care."),
        _("I do not get dressed, I wash with difficulty and stay in bed."),
    ),
    _odi(
        3,
        _("Lifting"),
        _("I can lift heavy weights without extra pain."),
        _("I can lift heavy weights, but it gives extra pain."),
        _(
            "Pain stops me lifting heavy weights off the floor, but I can if they are placed "
            "conveniently, for example on a table."
        ),
        _(
            "Pain stops me lifting heavy weights, but I can manage light to medium weights if "
            "they are placed conveniently."
        ),
        _("I can lift only very light weights."),
        _("I cannot lift or carry anything at all."),
    ),
    _odi(
        4,
        _("Walking"),
        _("Pain does not stop me walking any distance."),
        _("Pain stops me walking more than about 1.5 km."),
        _("Pain stops me walking more than about 500 m."),
        _("Pain stops me walking more than about 100 m."),
        _("I can only walk with a stick or crutches."),
        _("I am in bed most of the time."),
    ),
    _odi(
        5,
        _("Sitting"),
        _("I can sit in any chair as long as I like."),
        _("I can sit in my favourite chair only, as long as I like."),
        _("Pain stops me sitting more than 1 hour."),
        _("Pain stops me sitting more than 30 minutes."),
        _("Pain stops me sitting more than 10 minutes."),
        _("Pain stops me sitting at all."),
    ),
    _odi(
        6,
        _("Standing"),
        _("I can stand as long as I want without extra pain."),
        _("I can stand as long as I want, but it gives me extra pain."),
        _("Pain stops me standing for more than 1 hour."),
        _("Pain stops me standing for more than 30 minutes."),
        _("Pain stops me standing for more than 10 minutes."),
        _("Pain stops me standing at all."),
    ),
    _odi(
        7,
        _("Sleeping"),
        _("My sleep is never disturbed by pain."),
        _("My sleep is occasionally disturbed by pain."),
        _("Because of pain I sleep less than 6 hours."),
        _("Because of pain I sleep less than 4 hours."),
        _("Because of pain I sleep less than 2 hours."),
        _("Pain stops me sleeping at all."),
    ),
    _odi(
        8,
        _("Sex life (if it applies to you)"),
        _("My sex life is normal and causes no extra pain."),
        _("My sex life is normal, but causes some extra pain."),
        _("My sex life is nearly normal, but is very painful."),
        _("My sex life is severely restricted by pain."),
        _("My sex life is nearly absent because of pain."),
        _("Pain prevents any sex life at all."),
        optional=True,
    ),
    _odi(
        9,
        _("Social life"),
        _("My social life is normal and gives me no extra pain."),
        _("My social life is normal, but increases the pain."),
        _("Pain only keeps me from my more energetic interests, such as sport."),
        _("Pain has restricted my social life and I do not go out as often."),
        _("Pain has restricted my social life to my home."),
        _("I have no social life because of pain."),
    ),
    _odi(
        10,
        _("Travelling"),
        _("I can travel anywhere without pain."),
        _("I can travel anywhere, but it gives me extra pain."),
        _("Pain is bad, but I manage journeys over 2 hours."),
        _("Pain restricts me to journeys of less than 1 hour."),
        _("Pain restricts me to short necessary journeys under 30 minutes."),
        _("Pain prevents me from travelling except to get treatment."),
    ),
)

_AGREE: tuple[tuple[int, str | Promise], ...] = (
    (0, pgettext_lazy("questionnaire answer", "Disagree")),
    (1, pgettext_lazy("questionnaire answer", "Agree")),
)

START_BACK_QUESTIONS: tuple[Question, ...] = (
    Question(
        "item_1",
        _("My back pain has spread down my leg(s) at some time in the last 2 weeks."),
        _AGREE,
    ),
    Question(
        "item_2",
        _("I have had pain in the shoulder or neck at some time in the last 2 weeks."),
        _AGREE,
    ),
    Question("item_3", _("I have only walked short distances because of my back pain."), _AGREE),
    Question(
        "item_4",
        _("In the last 2 weeks, I have dressed more slowly than usual because of back pain."),
        _AGREE,
    ),
    Question(
        "item_5",
        _("It's not really safe for a person with a condition like mine to be physically active."),
        _AGREE,
    ),
    Question(
        "item_6", _("Worrying thoughts have been going through my mind a lot of the time."), _AGREE
    ),
    Question(
        "item_7",
        _("I feel that my back pain is terrible and it's never going to get any better."),
        _AGREE,
    ),
    Question("item_8", _("In general I have not enjoyed all the things I used to enjoy."), _AGREE),
    Question(
        "item_9",
        _("Overall, how bothersome has your back pain been in the last 2 weeks?"),
        (
            (0, pgettext_lazy("bothersome", "Not at all")),
            (1, pgettext_lazy("bothersome", "Slightly")),
            (2, pgettext_lazy("bothersome", "Moderately")),
            (3, pgettext_lazy("bothersome", "Very much")),
            (4, pgettext_lazy("bothersome", "Extremely")),
        ),
    ),
)

PAIN_QUESTIONS: tuple[Question, ...] = (
    Question(
        "score",
        _(
            "How bad has your back and leg pain been this week, on average? "
            "0 is no pain, 10 the worst pain you can imagine."
        ),
        tuple((value, str(value)) for value in range(11)),
    ),
)

QUESTIONS: dict[str, tuple[Question, ...]] = {
    QuestionnaireKind.ODI: ODI_QUESTIONS,
    QuestionnaireKind.START_BACK: START_BACK_QUESTIONS,
    QuestionnaireKind.PAIN: PAIN_QUESTIONS,
}
