"""gunicorn's settings, shared by `make run` (config/scripts/stack.sh), the image (Dockerfile's CMD) and
tests/test_run_server.py, so the server the test holds under load is the one `make run` and the containers
start. Only the address is given on the command line (`--bind`), the Django settings module by
DJANGO_SETTINGS_MODULE.

Threads (gthread), not one process per request: a request mostly waits for PostgreSQL, and each thread keeps
one persistent database connection (CONN_MAX_AGE), so the app holds at most workers x threads connections
however many requests arrive. One worker per core (2 on the machines we measure on, DESIGN.md), 8 threads
each, as the Dockerfile's CMD; GUNICORN_WORKERS / GUNICORN_THREADS change both.
"""

import os

wsgi_app = "config.wsgi:application"
bind = ["127.0.0.1:8000"]
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A request that takes longer is a stuck worker (large exports run in the background worker, not here).
timeout = 30
# `make stop` and a second `make run` wait this long for requests in flight.
graceful_timeout = 10
# Access and error log on stdout/stderr: `make run` writes them to .local/log/web.log, a container to its log.
accesslog = "-"
errorlog = "-"
# gunicorn 27 otherwise opens a control socket at one fixed path in the home directory, shared with (and
# removed from under) every other gunicorn on the machine.
control_socket_disable = True
