"""Questionnaires the patient fills in on the phone (ODI, STarT Back, the weekly pain score):
their questions, when they are due, and answers made assessments."""
