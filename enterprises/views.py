from django.shortcuts import render

from .models import Enterprise


def enterprise_list(request):
    enterprises = Enterprise.objects.visible_to(request.user).select_related("county")[:50]
    return render(request, "enterprises/enterprise_list.html", {"enterprises": enterprises})
