from django.utils.functional import SimpleLazyObject

from .selectors import membership_for_request


class OrganisationMiddleware:
    """Puts ``request.membership`` and ``request.organisation`` on every request (None when anonymous).

    Views and API querysets scope by ``request.organisation``; nothing reads an organisation id from the URL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: membership_for_request(request))
        request.organisation = SimpleLazyObject(lambda: _organisation(request))
        return self.get_response(request)


def _organisation(request):
    membership = request.membership
    return membership.organisation if membership else None
