#!/usr/bin/python3
"""Django's command-line utility, run with Debian's Python: /usr/bin/python3 manage.py <command>."""
import os
import secrets
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    # Management commands (migrate, check, test, shell) sign nothing that outlives them, so without
    # DJANGO_SECRET_KEY they get a throwaway random key: a release's build step can migrate without
    # the secret. Serving (mysite.wsgi under gunicorn) never gets one: it refuses to start instead.
    os.environ.setdefault("DJANGO_SECRET_KEY", "manage-py-throwaway-" + secrets.token_urlsafe(40))
    try:
        from django.core.management import execute_from_command_line
    except ImportError as error:
        raise SystemExit(
            f"Couldn't import Django ({error}). This site runs on Debian's packages: "
            "apt-get install python3-django gunicorn, then use /usr/bin/python3 (not a pyenv or venv python3)."
        )

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
