"""What a report can be about: a record, statement, person or area a reader can see, named in
the form as `app_label.model:id`. A draft, or anything not listed in REPORTABLE_MODELS, is
refused exactly like an id that does not exist, so the form cannot be used to probe for drafts."""

from django.apps import apps
from django.conf import settings

DRAFT = "draft"


class UnknownSubject(ValueError):
    pass


def subject_key(obj):
    return f"{obj._meta.label_lower}:{obj.pk}"


def visible(model):
    """The rows of `model` a reader can open: published or retracted (retracted pages stay up
    with their note), people with a published statement, every area."""
    field_names = {field.name for field in model._meta.get_fields()}
    if "publication_status" in field_names:
        return model._default_manager.exclude(publication_status=DRAFT)
    if hasattr(model._default_manager, "published"):
        return model._default_manager.published()
    return model._default_manager.all()


def resolve_subject(key):
    """The visible object named by `key`, or UnknownSubject."""
    label, _, pk = (key or "").partition(":")
    if label not in settings.REPORTABLE_MODELS or not pk.isdigit() or len(pk) > 18:
        raise UnknownSubject(key)
    obj = visible(apps.get_model(label)).filter(pk=int(pk)).first()
    if obj is None:
        raise UnknownSubject(key)
    return obj
