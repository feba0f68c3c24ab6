"""Taxation services (writes): the yearly assessment run and issuing its drafts."""

from apps.taxation.services.assessment_run import assessment_run
from apps.taxation.services.issue import assessments_issue

__all__ = ["assessment_run", "assessments_issue"]
