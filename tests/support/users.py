"""Staff accounts for tests: with given permissions, or in a desk role's group."""

from django.contrib.auth.models import Group, Permission


def user_with_perms(django_user_model, username: str, *codenames: str):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.com", "pw"
    )
    user.is_staff = True
    user.save()
    for codename in codenames:
        app_label, code = codename.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=code)
        )
    return user


def user_in_group(django_user_model, username: str, group_name: str):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.com", "pw"
    )
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def moderator_account(django_user_model, username: str, password: str):
    """A Moderator who can log in through the browser. For transactional tests: an
    earlier one's flush removed the migration's group (permissions come back,
    groups do not), so the group is made again here."""
    group, _ = Group.objects.get_or_create(name="Moderator")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "moderate_comment"],
        )
    )
    user = django_user_model.objects.create_user(
        username, f"{username}@example.com", password
    )
    user.is_staff = True
    user.save()
    user.groups.add(group)
    return user
