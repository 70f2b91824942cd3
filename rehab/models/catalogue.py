"""The coded catalogues: diagnoses, comorbidities and red flags."""

from django.db import models


class CatalogueEntry(models.Model):
    """A coded catalogue row; built-in codes come from CLINICAL.md and are not renamed."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_builtin = models.BooleanField(
        default=False, editable=False, help_text="Seeded from CLINICAL.md; its code is a contract."
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Diagnosis(CatalogueEntry):
    icd10 = models.CharField("ICD-10", max_length=16)

    class Meta(CatalogueEntry.Meta):
        verbose_name_plural = "diagnoses"

    def __str__(self) -> str:
        return f"{self.name} ({self.icd10})"


class Comorbidity(CatalogueEntry):
    class Meta(CatalogueEntry.Meta):
        verbose_name_plural = "comorbidities"


class RedFlag(CatalogueEntry):
    same_day = models.BooleanField(
        default=False, help_text="Cauda equina signs: the patient must be seen the same day."
    )
