"""search_fold(text): the spelling-insensitive form every search compares.

Names of this region reach readers in three scripts and several romanisations: Ağdam, Agdam,
Aghdam, Агдам; Hacıyev, Hajiyev, Гаджиев. Folding lower-cases, transliterates Cyrillic,
writes Azerbaijani letters the way English-language sources do (ə→a, c→j, ç→ch, ş→sh, ğ→gh,
q→g, x→kh), strips the remaining accents with `unaccent`, and then merges the digraphs that
romanisations disagree on (gh→g, kh→x, dzh/dj/zh→j, iy→i). It is IMMUTABLE (the unaccent
dictionary is named explicitly) so that it can be indexed.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

FOLD_SQL = r"""
CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
SELECT replace(replace(replace(replace(replace(replace(replace(
    public.unaccent('public.unaccent'::regdictionary,
        translate(
            replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
            replace(replace(replace(replace(replace(replace(
                lower(value),
                'щ', 'shch'), 'ш', 'sh'), 'ч', 'ch'), 'ж', 'zh'), 'х', 'kh'), 'ц', 'ts'),
                'ю', 'yu'), 'я', 'ya'), 'ё', 'yo'), 'ъ', ''), 'ь', ''),
                'ç', 'ch'), 'ş', 'sh'), 'ğ', 'gh'), 'x', 'kh'), 'c', 'j'),
            'абвгдезийклмнопрстуфыэəıqw',
            'abvgdeziiklmnoprstufieaigv'
        )
    ),
    'dzh', 'j'), 'dj', 'j'), 'zh', 'j'), 'gh', 'g'), 'kh', 'x'), 'iy', 'i'), '''', '')
$$;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(FOLD_SQL, "DROP FUNCTION IF EXISTS search_fold(text);"),
    ]
