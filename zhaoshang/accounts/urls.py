"""Login, logout, the user's own account, user management and role permissions."""

from django.urls import path

from . import lockout_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create_view, name="user-create"),
    path("users/<id:pk>/", views.user_edit, name="user-edit"),
    path("users/<id:pk>/password/", views.user_password, name="user-password"),
    path("users/<id:pk>/token/revoke/", views.user_token_revoke, name="user-token-revoke"),
    path("lockouts/", lockout_views.lockout_list, name="lockouts"),
    path("lockouts/release/", lockout_views.lockout_release, name="lockout-release"),
    path("approvals/", views.approval_queue, name="approval-queue"),
    path("approvals/<id:pk>/approve/", views.user_approve_view, name="user-approve"),
    path("approvals/<id:pk>/reject/", views.user_reject_view, name="user-reject"),
    path("me/", views.account, name="account"),
    path("me/password/", views.password_change, name="password-change"),
    path("me/token/", views.token_regenerate_view, name="token-regenerate"),
    path("me/token/revoke/", views.token_revoke_view, name="token-revoke"),
    path("roles/", views.role_list, name="role-list"),
    path("roles/<slug:role>/", views.role_edit, name="role-edit"),
    path("roles/<slug:role>/restore/", views.role_restore, name="role-restore"),
]
