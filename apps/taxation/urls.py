app_name = "taxation"
urlpatterns = []
