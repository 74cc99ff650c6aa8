"""Static files as deployed: hashed names, compressed copies, and ES module imports rewritten.

The map's script is native ES modules (static/js/map/); without the rewrite, `index.<hash>.js`
would import `./layers.js` by its plain name, which is cached briefly and may be a newer or
older version than the module importing it.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
