import os

# Playwright's sync API keeps an event loop running in the test thread; the ORM would
# otherwise refuse to run in live-server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
