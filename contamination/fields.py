"""Geometry fields that take what editors and files actually contain."""

from django.contrib.gis import forms
from django.contrib.gis.db import models
from django.contrib.gis.db.models.proxy import SpatialProxy
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon


def as_multipolygon(geometry):
    """Return a Polygon wrapped as a one-part MultiPolygon; anything else unchanged."""
    if isinstance(geometry, Polygon):
        return MultiPolygon(geometry, srid=geometry.srid)
    return geometry


class MultiPolygonProxy(SpatialProxy):
    def __set__(self, instance, value):
        super().__set__(instance, as_multipolygon(value))


class MultiPolygonFormField(forms.MultiPolygonField):
    def to_python(self, value):
        return as_multipolygon(super().to_python(value))


class MultiPolygonField(models.MultiPolygonField):
    """A MultiPolygon column that also accepts a single Polygon.

    Surveys often record one polygon; storing every area as a MultiPolygon keeps one
    geometry type per column for GIS clients.
    """

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        setattr(cls, self.attname, MultiPolygonProxy(MultiPolygon, self, load_func=GEOSGeometry))

    def get_prep_value(self, value):
        return super().get_prep_value(as_multipolygon(value))

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", MultiPolygonFormField)
        return super().formfield(**kwargs)
