"""The collector's GraphQL documents, built from small parts so several repos share one query.

Two kinds of query:
- `repo_facts_query(n)`: for `n` repos at once, what the plan needs before the heavy query:
  emptiness, label names (to find incident labels) and Dependabot evidence. The evidence sits
  in a second alias per repo (`d<i>`) so a permission error there cannot null the facts.
- `repo_batch_query(specs)`: the first page of every GraphQL source for several repos
  (aliases `r<i>`); `page_query(source)` fetches a further page of one source of one repo.
Every query text these functions can produce is validated against GitHub's published schema
in `tests/integration/test_collect_graphql.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# First-page sizes inside the batched query. GitHub charges a query by the `first` of each
# connection as if it were full (nested ones multiply), so quiet repos are cheapest with modest
# first pages; sources that need more are then paged alone with FOLLOW_PAGE (same points per
# node, fewer requests).
PR_PAGE = 50
OPEN_PR_PAGE = 20
REVIEWS_PAGE = 30
PR_COMMITS = 10
DEPLOYMENTS_PAGE = 50
STATUSES_PAGE = 30
ISSUES_PAGE = 25
RELEASES_PAGE = 25
HISTORY_PAGE = 100
LABELS_PAGE = 100
FOLLOW_PAGE = 100

FRAGMENTS: dict[str, str] = {
    "PRFields": f"""
fragment PRFields on PullRequestConnection {{
  pageInfo {{ hasNextPage endCursor }}
  nodes {{
    number title state isDraft createdAt updatedAt mergedAt closedAt baseRefName
    author {{ __typename login }}
    labels(first: 20) {{ nodes {{ name }} }}
    commits(first: {PR_COMMITS}) {{ nodes {{ commit {{ authoredDate }} }} }}
    timelineItems(last: 1, itemTypes: [READY_FOR_REVIEW_EVENT]) {{
      nodes {{ ... on ReadyForReviewEvent {{ createdAt }} }}
    }}
    reviews(first: {REVIEWS_PAGE}) {{ ...ReviewFields }}
  }}
}}""",
    "ReviewFields": """
fragment ReviewFields on PullRequestReviewConnection {
  pageInfo { hasNextPage endCursor }
  nodes { state submittedAt author { __typename login } }
}""",
    "DeploymentFields": f"""
fragment DeploymentFields on DeploymentConnection {{
  pageInfo {{ hasNextPage endCursor }}
  nodes {{
    databaseId environment originalEnvironment createdAt commitOid
    ref {{ name }}
    statuses(first: {STATUSES_PAGE}) {{
      pageInfo {{ hasNextPage }}
      nodes {{ state createdAt }}
    }}
  }}
}}""",
    "IssueFields": """
fragment IssueFields on IssueConnection {
  pageInfo { hasNextPage endCursor }
  nodes { number title state createdAt updatedAt closedAt labels(first: 20) { nodes { name } } }
}""",
    "ReleaseFields": """
fragment ReleaseFields on ReleaseConnection {
  pageInfo { hasNextPage endCursor }
  nodes { databaseId tagName name isDraft isPrerelease createdAt publishedAt }
}""",
    "HistoryFields": """
fragment HistoryFields on CommitHistoryConnection {
  pageInfo { hasNextPage endCursor }
  nodes { oid authoredDate author { email user { login } } }
}""",
    "LabelFields": """
fragment LabelFields on LabelConnection {
  pageInfo { hasNextPage endCursor }
  nodes { name }
}""",
}

_FRAGMENT_USE = re.compile(r"\.\.\.([A-Z]\w*)")


def _with_fragments(body: str) -> str:
    """Append exactly the fragments `body` uses (GraphQL rejects unused ones), transitively."""
    needed: list[str] = []
    pending = _FRAGMENT_USE.findall(body)
    while pending:
        name = pending.pop()
        if name in FRAGMENTS and name not in needed:
            needed.append(name)
            pending.extend(_FRAGMENT_USE.findall(FRAGMENTS[name]))
    return body + "".join(FRAGMENTS[name] for name in sorted(needed))


# ------------------------------------------------------------------ sources
# A GraphQL source of a repo: its selection inside `repository { ... }` (first page or a
# later one via `$after`), and the variables that selection needs beyond $owner/$name.


@dataclass(frozen=True)
class Source:
    """One paginated GraphQL connection of a repository."""

    key: str  # alias inside the repository selection
    page_size: int  # `first` of the first page (later pages: $first, the client may halve it)
    template: str  # selection with {key} {first} {after} {labels} placeholders
    variables: tuple[tuple[str, str], ...] = ()  # (name, GraphQL type) used by the template

    def selection(
        self, *, after: bool, labels_var: str = "$labels", size: int | None = None
    ) -> str:
        """The selection for the first page (after=False) or a later page ($first/$after)."""
        return self.template.format(
            key=self.key,
            first="$first" if after else str(size or self.page_size),
            after=", after: $after" if after else "",
            labels=labels_var,
        )


def _source(key: str, page_size: int, template: str, *variables: tuple[str, str]) -> Source:
    return Source(key, page_size, template, tuple(variables))


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        _source(
            "recentPRs",
            PR_PAGE,
            "{key}: pullRequests(first: {first}{after},"
            " orderBy: {{field: UPDATED_AT, direction: DESC}}) {{ ...PRFields }}",
        ),
        _source(
            "openPRs",
            OPEN_PR_PAGE,
            "{key}: pullRequests(first: {first}{after}, states: [OPEN],"
            " orderBy: {{field: CREATED_AT, direction: ASC}}) {{ ...PRFields }}",
        ),
        _source(
            "deployments",
            DEPLOYMENTS_PAGE,
            "{key}: deployments(first: {first}{after},"
            " orderBy: {{field: CREATED_AT, direction: DESC}}) {{ ...DeploymentFields }}",
        ),
        _source(
            "recentIncidents",
            ISSUES_PAGE,
            "{key}: issues(first: {first}{after}, labels: {labels},"
            " filterBy: {{since: $issuesSince}}, orderBy: {{field: UPDATED_AT, direction: DESC}})"
            " {{ ...IssueFields }}",
            ("issuesSince", "DateTime!"),
        ),
        _source(
            "openIncidents",
            ISSUES_PAGE,
            "{key}: issues(first: {first}{after}, labels: {labels}, states: [OPEN],"
            " orderBy: {{field: CREATED_AT, direction: ASC}}) {{ ...IssueFields }}",
        ),
        _source(
            "releases",
            RELEASES_PAGE,
            "{key}: releases(first: {first}{after},"
            " orderBy: {{field: CREATED_AT, direction: DESC}}) {{ ...ReleaseFields }}",
        ),
        _source(
            "history",
            HISTORY_PAGE,
            "defaultBranchRef {{ name target {{ ... on Commit {{"
            " {key}: history(first: {first}{after}, since: $since, until: $until)"
            " {{ ...HistoryFields }} }} }} }}",
            ("since", "GitTimestamp!"),
            ("until", "GitTimestamp!"),
        ),
        _source("labels", LABELS_PAGE, "{key}: labels(first: {first}{after}) {{ ...LabelFields }}"),
    )
}

INCIDENT_SOURCES = ("recentIncidents", "openIncidents")


def connection_path(source: str) -> tuple[str, ...]:
    """Where a source's connection sits inside the `repository` object of an answer."""
    if source == "history":
        return ("defaultBranchRef", "target", "history")
    return (source,)


BATCH_SOURCES = ("recentPRs", "openPRs", "deployments", *INCIDENT_SOURCES, "releases", "history")
# Sources whose first-page size the facts query measures (see `sizes_from_facts`).
SIZED = ("recentPRs", "openPRs", "deployments")


@dataclass(frozen=True)
class BatchRepo:
    """A repo in a batch query: its name, incident labels, and measured first-page sizes.

    `sizes` maps a source to the `first` of its first page; 0 leaves the source out (the
    facts query showed it has nothing in the lookback). Unmeasured sources use the defaults.
    """

    name: str
    incident_labels: tuple[str, ...] = ()
    sizes: tuple[tuple[str, int], ...] = ()

    def sources(self) -> list[str]:
        """The sources this repo's selection holds, in query order."""
        sizes = dict(self.sizes)
        keys = [k for k in BATCH_SOURCES if sizes.get(k, 1) > 0]
        if not self.incident_labels:
            keys = [k for k in keys if k not in INCIDENT_SOURCES]
        return keys

    def size(self, source: str) -> int | None:
        """The measured first-page size of `source`, or None for the default."""
        return dict(self.sizes).get(source)


def sizes_from_facts(
    repo: dict[str, object], since: str, margin_since: str | None = None
) -> tuple[tuple[str, int], ...]:
    """First-page sizes from the facts query's probes: what is in the lookback, plus one.

    Recent PRs and deployments count from `margin_since` (the lookback start less
    `schema.LOOKBACK_MARGIN`; default: `since`), as their paging does.

    One node older than the lookback (when there is one) lets the paging stop without a
    further request; 0 means the source has nothing to fetch.
    """

    def nodes(key: str) -> list[dict[str, object]]:
        connection = repo.get(key)
        if not isinstance(connection, dict):
            return []
        return [n for n in connection.get("nodes") or [] if isinstance(n, dict)]

    def recent(key: str, field: str, start: str = since) -> int:
        found = nodes(key)
        inside = sum(1 for n in found if str(n.get(field) or "") >= start)
        if inside == 0:
            return 0
        return min(FOLLOW_PAGE, inside + (1 if inside < len(found) else 0))

    open_prs = repo.get("sizeOpenPRs")
    total_open = open_prs.get("totalCount") if isinstance(open_prs, dict) else None
    sizes = [
        ("recentPRs", recent("sizeRecentPRs", "updatedAt", margin_since or since)),
        ("deployments", recent("sizeDeployments", "createdAt", margin_since or since)),
    ]
    if isinstance(total_open, int):
        sizes.append(("openPRs", min(FOLLOW_PAGE, total_open)))
    commits = commits_in_lookback(repo)
    if commits is not None and (commits == 0 or commits > HISTORY_PAGE):
        sizes.append(("history", 0))  # nothing to fetch, or fetched by REST (see below)
    return tuple(sizes)


def commits_in_lookback(repo: dict[str, object]) -> int | None:
    """Default-branch commits in the lookback, from the facts probe (None: unknown).

    More than one page of them are listed over REST instead (`GET /commits`): the same
    number of pages, and a later collection gets them as free 304s, which GraphQL never gives.
    """
    ref = repo.get("sizeHistory")
    target = ref.get("target") if isinstance(ref, dict) else None
    history = target.get("history") if isinstance(target, dict) else None
    total = history.get("totalCount") if isinstance(history, dict) else None
    return total if isinstance(total, int) else None


# Cheap probes (no nested connections: about one point per 50 repos) that measure how much of
# each costly source lies in the lookback, so the batch query asks for exactly that.
_SIZE_PROBES = (
    f"sizeRecentPRs: pullRequests(first: {FOLLOW_PAGE},"
    " orderBy: {field: UPDATED_AT, direction: DESC}) { nodes { updatedAt } }"
    " sizeOpenPRs: pullRequests(first: 1, states: [OPEN]) { totalCount }"
    f" sizeDeployments: deployments(first: {FOLLOW_PAGE},"
    " orderBy: {field: CREATED_AT, direction: DESC}) { nodes { createdAt } }"
    " sizeHistory: defaultBranchRef { target { ... on Commit {"
    " history(first: 1, since: $since, until: $until) { totalCount } } } }"
)


def repo_facts_query(count: int) -> str:
    """Facts for `count` repos (variables $owner, $n0..): labels, emptiness, Dependabot, sizes."""
    names = ", ".join(f"$n{i}: String!" for i in range(count))
    parts = []
    for i in range(count):
        parts.append(
            f"  r{i}: repository(owner: $owner, name: $n{i}) {{ name isEmpty "
            f"{SOURCES['labels'].selection(after=False)} {_SIZE_PROBES} }}\n"
            f"  d{i}: repository(owner: $owner, name: $n{i}) {{ hasVulnerabilityAlertsEnabled }}\n"
        )
    body = (
        "query RepoFacts($owner: String!, $since: GitTimestamp!, $until: GitTimestamp!, "
        f"{names}) {{\n  rateLimit {{ cost remaining resetAt }}\n" + "".join(parts) + "}\n"
    )
    return _with_fragments(body)


def repo_batch_query(repos: list[BatchRepo]) -> str:
    """The first page of every source for several repos (aliases `r<i>`).

    Variables: $owner, $since, $until, $issuesSince, and per repo `$n<i>` (name) and
    `$l<i>` (incident labels, only for repos that have some).
    """
    declared = ["$owner: String!"]
    if any("history" in repo.sources() for repo in repos):
        declared += ["$since: GitTimestamp!", "$until: GitTimestamp!"]
    if any(repo.incident_labels for repo in repos):
        declared.append("$issuesSince: DateTime!")
    parts = []
    for i, repo in enumerate(repos):
        declared.append(f"$n{i}: String!")
        keys = repo.sources()
        if repo.incident_labels:
            declared.append(f"$l{i}: [String!]")
        selections = (
            " ".join(
                SOURCES[key].selection(after=False, labels_var=f"$l{i}", size=repo.size(key))
                for key in keys
            )
            or "name"
        )
        parts.append(f"  r{i}: repository(owner: $owner, name: $n{i}) {{ {selections} }}\n")
    body = (
        f"query RepoBatch({', '.join(declared)}) {{\n  rateLimit {{ cost remaining resetAt }}\n"
        + "".join(parts)
        + "}\n"
    )
    return _with_fragments(body)


def batch_variables(
    owner: str, repos: list[BatchRepo], *, since: str, until: str
) -> dict[str, object]:
    """The variables of `repo_batch_query(repos)`."""
    variables: dict[str, object] = {"owner": owner}
    if any("history" in repo.sources() for repo in repos):
        variables.update({"since": since, "until": until})
    if any(repo.incident_labels for repo in repos):
        variables["issuesSince"] = since
    for i, repo in enumerate(repos):
        variables[f"n{i}"] = repo.name
        if repo.incident_labels:
            variables[f"l{i}"] = list(repo.incident_labels)
    return variables


def page_query(source: str) -> str:
    """A later page of one source of one repo: $owner, $name, $first, $after (+ the source's)."""
    spec = SOURCES[source]
    declared = ["$owner: String!", "$name: String!", "$first: Int!", "$after: String"]
    declared += [f"${name}: {kind}" for name, kind in spec.variables]
    if "{labels}" in spec.template:
        declared.append("$labels: [String!]")
    body = (
        f"query RepoPage_{source}({', '.join(declared)}) {{\n"
        "  rateLimit { cost remaining resetAt }\n"
        f"  repository(owner: $owner, name: $name) {{ {spec.selection(after=True)} }}\n"
        "}\n"
    )
    return _with_fragments(body)


def reviews_page_query() -> str:
    """Further reviews of one PR: variables $owner, $name, $number, $first, $after."""
    body = (
        "query PullRequestReviews($owner: String!, $name: String!, $number: Int!,"
        " $first: Int!, $after: String) {\n"
        "  rateLimit { cost remaining resetAt }\n"
        "  repository(owner: $owner, name: $name) { pullRequest(number: $number) {\n"
        "    reviews(first: $first, after: $after) { ...ReviewFields } } }\n"
        "}\n"
    )
    return _with_fragments(body)
