from django.shortcuts import render

from contamination import stats
from contamination.models import HazardArea, Incident, LandRelease


def home(request):
    summary = stats.summary(
        HazardArea.objects.published(),
        LandRelease.objects.published(),
        Incident.objects.published(),
    )
    return render(request, "contamination/home.html", {"summary": summary})
