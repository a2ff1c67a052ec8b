import os


class ReleaseHeadersMiddleware:
    """Tells which colour and release answered: X-App-Color and X-App-Version on every response.

    First in MIDDLEWARE, so that error responses (404, 400 for a disallowed Host, 500) carry them too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Read once per process: the deployer sets both for the life of the colour.
        self.color = os.environ.get("COLOR") or "none"
        self.version = os.environ.get("RELEASE_ID") or "dev"

    def __call__(self, request):
        response = self.get_response(request)
        response["X-App-Color"] = self.color
        response["X-App-Version"] = self.version
        return response
