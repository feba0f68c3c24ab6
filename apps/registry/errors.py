from django.utils.translation import gettext_lazy as _


class ParcelEditConflict(Exception):
    """Someone else saved the parcel after this editor loaded it: never overwrite silently."""

    message = _("Someone else changed this parcel while you were editing it. Reload to see their version.")

    def __init__(self, current):
        super().__init__(str(self.message))
        self.current = current
