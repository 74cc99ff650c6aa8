"""The shared file cache, bounded in bytes as well as in entries (issue 13, section 5).

Django's FileBasedCache caps only the number of files (MAX_ENTRIES). Every distinct query,
such as each bounding box a map client asks for, is a new file of up to API_CACHE_MAX_BYTES,
so 5,000 entries could fill 40 GB of disk. This backend also keeps the directory's total
size under MAX_BYTES, deleting the files written longest ago first, and refuses to store a
single entry larger than MAX_ENTRY_BYTES (both measured on disk, after Django's zlib).

Entries are keyed on the data version (contamination/data_version.py), so the oldest files
mostly belong to versions nobody asks for any more; deleting one only costs a recomputation.
Workers cull independently: the total may briefly exceed the cap by what writes in flight
add, at most one entry per worker.
"""

import os

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024


class BoundedFileBasedCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self._max_bytes = int(options.get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._max_entry_bytes = min(
            int(options.get("MAX_ENTRY_BYTES", DEFAULT_MAX_ENTRY_BYTES)), self._max_bytes
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        super().set(key, value, timeout, version)
        fname = self._key_to_file(key, version)
        try:
            size = os.path.getsize(fname)
        except FileNotFoundError:  # another worker culled it already
            return
        if size > self._max_entry_bytes:
            # Too large to keep: the caller computes it again next time, as on a miss.
            self._delete(fname)
            return
        self._cull_bytes(keep=fname)

    def _cull_bytes(self, keep):
        """Delete the files written longest ago until the directory fits in MAX_BYTES."""
        files = []
        total = 0
        try:
            entries = list(os.scandir(self._dir))
        except FileNotFoundError:
            return
        for entry in entries:
            if not entry.name.endswith(self.cache_suffix):
                continue
            try:
                status = entry.stat()
            except FileNotFoundError:  # another worker deleted it meanwhile
                continue
            total += status.st_size
            if entry.path != keep:
                files.append((status.st_mtime_ns, status.st_size, entry.path))
        if total <= self._max_bytes:
            return
        files.sort()
        for _mtime, size, fname in files:
            self._delete(fname)
            total -= size
            if total <= self._max_bytes:
                return
