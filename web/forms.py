"""Forms of the patient app: they check the shape of the input, the services check the rest."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from planner.models import Feeling
from web.time_zones import ZoneChoices, known_time_zones, time_zone_find

PAIN_CHOICES = [(n, str(n)) for n in range(11)]


class UnmarkedEmptySelect(forms.Select):
    """A select whose empty choice ("-") is not marked `selected`: a browser shows the first
    choice all the same. A marked one is a selection made while the page is parsed, and
    Chrome's autofill answers each with a layout of the whole page, before its stylesheet
    has even arrived (on Today's twelve pain selects, 50 ms on a slow phone)."""

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        if value in ("", None):
            selected = False
        return super().create_option(name, value, label, selected, index, subindex, attrs)


class PatientLoginForm(AuthenticationForm):
    """Sign-in for patients only: a clinic account is sent to the admin instead."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "clinic_account": _(
            "This is the patients' app. Clinic staff sign in at the clinic admin (/admin/)."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.is_staff or user.is_superuser or not hasattr(user, "patient"):
            raise forms.ValidationError(
                self.error_messages["clinic_account"], code="clinic_account"
            )


class PatientPasswordResetForm(PasswordResetForm):
    """Resets reach patients only; clinic staff reset their password through the admin."""

    def get_users(self, email: str) -> Any:
        return (user for user in super().get_users(email) if not user.is_staff)


class InviteAcceptForm(forms.Form):
    username = forms.CharField(
        label=_("Choose a user name"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only. You sign in with it."),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password_again = forms.CharField(
        label=_("The same password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ExerciseLogForm(forms.Form):
    """One exercise of today's session: done or skipped, with how it felt.

    The client key comes with the page, so a form sent twice (a double tap, or the
    offline queue resending it) is stored once.
    """

    client_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.HiddenInput)
    exercise = forms.SlugField(max_length=80, widget=forms.HiddenInput)
    done = forms.TypedChoiceField(
        label=_("Did you do it?"),
        choices=[("yes", _("Done")), ("no", _("Skipped"))],
        coerce=lambda value: value == "yes",
        initial="yes",
    )
    pain_during = forms.TypedChoiceField(
        label=_("Pain during (0 none, 10 worst)"),
        choices=[("", "-"), *PAIN_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=UnmarkedEmptySelect,
    )
    pain_after = forms.TypedChoiceField(
        label=_("Pain after (0 none, 10 worst)"),
        choices=[("", "-"), *PAIN_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=UnmarkedEmptySelect,
    )
    difficulty = forms.ChoiceField(
        label=_("How hard did it feel?"),
        choices=[
            ("", _("Not sure")),
            (Feeling.EASY, _("Easy")),
            (Feeling.RIGHT, _("About right")),
            (Feeling.HARD, _("Hard")),
        ],
        required=False,
    )
    note = forms.CharField(
        label=_("A note for your clinic (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SymptomCheckForm(forms.Form):
    """Warning signs a patient can notice, in their words, each tied to a red flag code."""

    QUESTIONS = (
        (
            "saddle_anesthesia",
            _("Numbness or tingling between your legs, around your bottom or genitals"),
        ),
        (
            "bladder_bowel_dysfunction",
            _(
                "New trouble passing urine or holding it, or losing control of your bladder "
                "or bowels"
            ),
        ),
        (
            "progressive_neuro_deficit",
            _(
                "Weakness in a leg or foot that is getting worse (for example the foot drags "
                "or slaps), or numbness that is spreading"
            ),
        ),
        ("fever", _("Fever or chills together with your back pain")),
        ("unexplained_weight_loss", _("Losing weight without trying")),
        ("night_pain", _("Severe pain at night that does not ease when you lie still")),
        ("recent_trauma", _("A fall or an accident since your last visit")),
        (
            "vascular_claudication",
            _(
                "New or worsening cramping pain in a calf when walking, which stops within "
                "minutes of standing still"
            ),
        ),
    )

    symptoms = forms.MultipleChoiceField(
        label=_("Do you have any of these now?"),
        choices=QUESTIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Anything else to tell your clinic (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SettingsForm(forms.Form):
    reminder_time = forms.TimeField(
        label=_("Daily reminder at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    email = forms.BooleanField(label=_("Reminders by email"), required=False)
    push = forms.BooleanField(label=_("Reminders as phone notifications"), required=False)
    # A short list (the clinic's region, see web.time_zones) and, for anywhere else, a search
    # that works without JavaScript: a text field with the browser's own suggestions (a
    # datalist of every place). Either is checked here against every known zone.
    time_zone = forms.CharField(label=_("Time zone"), required=False, widget=forms.Select)
    time_zone_search = forms.CharField(
        label=_("Somewhere else? Type a city"),
        help_text=_("For example Berlin or Europe/Berlin. Leave it empty to use the list."),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, zone_choices: ZoneChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget: Any = self.fields["time_zone"].widget
        widget.choices = zone_choices.short
        self.zone_choices = zone_choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            self.add_error(
                "quiet_end", _("Give both the start and the end of the quiet hours, or neither.")
            )
        searched = data.pop("time_zone_search", "")
        if searched:
            zone = time_zone_find(searched)
            if zone is None:
                self.add_error(
                    "time_zone_search",
                    _(
                        "We do not know a time zone for %(text)s. Type the nearest big city, "
                        "or choose from the list."
                    )
                    % {"text": searched},
                )
            else:
                data["time_zone"] = zone
        elif data.get("time_zone") not in known_time_zones():
            self.add_error("time_zone", _("Choose your time zone from the list."))
        return data
