"""The map's ES modules survive `collectstatic` as deployed (hashed names)."""

import re
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings


class StaticModuleTests(SimpleTestCase):
    def test_hashed_modules_import_hashed_modules_that_exist(self):
        with tempfile.TemporaryDirectory() as root:
            storages = {
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
            }
            with override_settings(STATIC_ROOT=root, STORAGES=storages):
                call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())
            folder = Path(root, "js", "map")
            [index] = [
                p
                for p in folder.glob("index.*.js")
                if re.fullmatch(r"index\.[0-9a-f]{12}\.js", p.name)
            ]
            imports = re.findall(r'from "\./([^"]+)"', index.read_text())
            self.assertIn("layers", " ".join(imports))
            for name in imports:
                with self.subTest(name=name):
                    self.assertRegex(name, r"^[a-z]+\.[0-9a-f]{12}\.js$")
                    self.assertTrue((folder / name).exists())
