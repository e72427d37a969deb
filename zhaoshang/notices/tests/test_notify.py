import pytest

from zhaoshang.notices import kinds
from zhaoshang.notices.models import Notification
from zhaoshang.notices.services import notify

pytestmark = pytest.mark.django_db

kinds.register("test_kind", "测试通知")


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
