"""Login, logout and user management."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create_view, name="user-create"),
    path("users/<int:pk>/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/password/", views.user_password, name="user-password"),
]
