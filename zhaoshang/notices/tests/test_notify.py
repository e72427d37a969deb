import pytest
from django.core.exceptions import ValidationError

from zhaoshang.notices.models import Mute, Notification
from zhaoshang.notices.services import mutes_set, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="x")


def test_a_keyed_notice_reaches_each_recipient_once(alice, django_user_model):
    bob = django_user_model.objects.create_user("bob", password="x")
    first = notify(recipients=[alice, bob, alice], kind="test_kind", title="节点逾期", key="k:1")
    again = notify(recipients=[alice, bob], kind="test_kind", title="节点逾期", key="k:1")
    assert len(first) == 2
    assert again == []
    assert Notification.objects.filter(key="k:1").count() == 2


def test_an_inactive_account_gets_no_notice(alice):
    alice.is_active = False
    alice.save()
    assert notify(recipients=[alice], kind="test_kind", title="x") == []


def test_an_unregistered_kind_is_refused_before_any_write(alice):
    with pytest.raises(LookupError):
        notify(recipients=[alice], kind="no_such_kind", title="x")
    assert not Notification.objects.exists()


def test_a_user_reads_only_their_own_notices(alice, django_user_model):
    bob = django_user_model.objects.create_user("bob", password="x")
    notify(recipients=[alice, bob], kind="test_kind", title="x")
    assert list(Notification.objects.for_user(alice).values_list("recipient", flat=True)) == [
        alice.pk
    ]


def test_administrator_roles_get_no_business_notice(users):
    created = notify(
        recipients=[users["sysadmin"], users["secadmin"], users["auditor"], users["city"]],
        kind="test_kind",
        title="x",
    )
    assert [n.recipient.username for n in created] == ["city"]


def test_a_muted_kind_reaches_nobody_who_muted_it(users):
    mutes_set(user=users["commissioner"], muted=["test_kind"])
    created = notify(
        recipients=[users["commissioner"], users["leader"]], kind="test_kind", title="x"
    )
    assert [n.recipient.username for n in created] == ["leader"]


def test_a_kind_declared_not_mutable_cannot_be_muted(users):
    with pytest.raises(ValidationError) as caught:
        mutes_set(user=users["commissioner"], muted=["test_fixed"])
    assert caught.value.message_dict == {"muted": ["“测试不可关闭通知”不可关闭"]}
    assert not Mute.objects.exists()


def test_a_mute_row_of_a_kind_not_mutable_does_not_silence_it(users):
    Mute.objects.create(user=users["leader"], kind="test_fixed")
    assert len(notify(recipients=[users["leader"]], kind="test_fixed", title="x")) == 1


def test_setting_mutes_replaces_the_previous_set(users):
    user = users["commissioner"]
    mutes_set(user=user, muted=["test_kind", "digest"])
    mutes_set(user=user, muted=["digest"])
    assert list(Mute.objects.filter(user=user).values_list("kind", flat=True)) == ["digest"]


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_a_link_outside_the_site_is_refused(alice, url):
    with pytest.raises(ValueError):
        notify(recipients=[alice], kind="test_kind", title="x", url=url)
