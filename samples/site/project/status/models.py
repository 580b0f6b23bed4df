from django.db import models


class Deployment(models.Model):
    """A release that served this database, recorded the first time its page is shown."""

    release_id = models.CharField(max_length=64, unique=True)
    first_seen = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_seen"]

    def __str__(self):
        return self.release_id
