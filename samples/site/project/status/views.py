from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render

from .models import Deployment


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def index(request):
    answers = database_answers()
    deployments = []
    if answers:
        try:
            Deployment.objects.get_or_create(release_id=settings.RELEASE_ID)
            deployments = list(Deployment.objects.all()[:5])
        except DatabaseError:
            answers = False
    return render(
        request,
        "status/index.html",
        {"release_id": settings.RELEASE_ID, "database_answers": answers, "deployments": deployments},
        status=200 if answers else 503,
    )


def health(request):
    """200 with the release id when the database answers, 503 otherwise: the deploy's health check."""
    answers = database_answers()
    body = f"{settings.RELEASE_ID}\n" if answers else f"{settings.RELEASE_ID} database not answering\n"
    return HttpResponse(body, status=200 if answers else 503, content_type="text/plain; charset=utf-8")
