from .selectors import organisation_public_default


def organisation(request):
    org = getattr(request, "organisation", None)
    membership = getattr(request, "membership", None)
    return {
        "current_organisation": org or organisation_public_default(),
        "current_membership": membership or None,
        "current_role": membership.role if membership else None,
    }
