"""The event catalogue: everything the template knows about one kind of Lambda trigger.

One entry per event kind. The context hook reads this table to plan a project; the files a kind
needs (Go handler, its test, sample events, infrastructure) live in ``kinds/<key>/`` and are named
here, so a reader finds everything about a kind from its entry. Adding a kind means one entry here
plus its folder under ``kinds/`` (see README.md, "Adding an event kind").
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    """One HTTP route served by a function, with the sample event file that exercises it."""

    method: str
    path: str
    sample: str  # file name under events/<function>/


@dataclass(frozen=True)
class EventKind:
    """Facts about one event kind; pure data, no templates."""

    key: str  # the answer value, e.g. "apigw-rest"
    title: str  # shown in the interactive multiselect
    go_input: str  # aws-lambda-go type the handler receives
    go_output: str  # type it returns (besides error); "" when it returns only error
    default_name: str  # function name derived from the `events` answer
    memory: int = 256  # MB, when the functions answer gives none
    timeout: int = 10  # seconds, when the functions answer gives none
    http: bool = False  # answers HTTP requests (JSON in/out, 4xx on bad input)
    routes: tuple[Route, ...] = field(default_factory=tuple)


# HTTP routes of the seed's users CRUD example (served by the first REST function when
# example_crud is true). Shared by the Go router's sample events and the API Gateway resources.
USERS_ROUTES: tuple[Route, ...] = (
    Route("GET", "/users", "list-users.json"),
    Route("POST", "/users", "create-user.json"),
    Route("GET", "/users/{userId}", "get-user.json"),
    Route("PUT", "/users/{userId}", "update-user.json"),
    Route("DELETE", "/users/{userId}", "delete-user.json"),
)

CATALOGUE: dict[str, EventKind] = {
    kind.key: kind
    for kind in (
        EventKind(
            key="apigw-rest",
            title="API Gateway REST API (APIGatewayProxyRequest)",
            go_input="events.APIGatewayProxyRequest",
            go_output="events.APIGatewayProxyResponse",
            default_name="api",
            memory=1024,
            timeout=30,
            http=True,
            routes=(
                Route("GET", "/hello", "get-hello.json"),
                Route("POST", "/hello", "post-hello.json"),
            ),
        ),
    )
}


def kind(key: str) -> EventKind:
    """Return the catalogue entry for ``key``; raises KeyError for unknown kinds."""
    return CATALOGUE[key]
