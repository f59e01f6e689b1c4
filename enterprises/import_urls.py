"""URLs under /imports/ (issue 4)."""

app_name = "imports"

urlpatterns = []
