"""Start and stop the HTTP servers the benchmark drives, and watch their workers' memory."""

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

# How gunicorn runs the site and the peer alike (BENCH_GUNICORN_ARGS overrides it).
DEFAULT_GUNICORN_ARGS = "--workers 3 --threads 4 --worker-class gthread"


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, timeout=300):
    """GET url; return (status, headers, body bytes, seconds). 4xx/5xx are returned, not raised."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
            return response.status, response.headers, body, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), time.monotonic() - started


class Server:
    """A server process in its own process group, stopped (by its id) on exit."""

    def __init__(self, name, command, env, port, log_path, cwd=None):
        self.name, self.command, self.env, self.port = name, command, env, port
        self.log_path, self.cwd = Path(log_path), cwd
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=self.cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: we stop exactly what we started
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                # Any HTTP answer will do (a 404 here): the workers have booted and serve,
                # and no measured page has been asked for yet, so its first request is cold.
                fetch(self.base_url + "/bench-ready-probe", timeout=60)
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not listen on port {self.port} within 60 s")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def worker_pids(self):
        """The master's child processes (gunicorn's workers)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []


def status_kb(pid, field):
    """A `VmRSS:`-style field of /proc/<pid>/status, in kB (None if the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class MemoryWatch(threading.Thread):
    """Sample the workers' peak RSS (VmHWM) every half second while the benchmark runs."""

    def __init__(self, server, interval=0.5):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.peak_kb = {}
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def sample(self):
        for pid in self.server.worker_pids():
            peak = status_kb(pid, "VmHWM")
            if peak:
                self.peak_kb[pid] = max(peak, self.peak_kb.get(pid, 0))

    def stop(self):
        self.sample()
        self._stop_event.set()
        self.join(timeout=5)

    @property
    def worker_peak_mb(self):
        return max(self.peak_kb.values()) / 1024 if self.peak_kb else None
