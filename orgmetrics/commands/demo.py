"""`orgmetrics demo ...`: the synthetic organisation and the fake GitHub serving it."""

from __future__ import annotations

import click


@click.group()
def demo() -> None:
    """The built-in demo organisation (no token, no network)."""


@demo.command(name="serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="TCP port on 127.0.0.1 (0 = any free port).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Generator seed.")
@click.option(
    "--repos",
    "n_repos",
    type=click.IntRange(1, 5000),
    default=25,
    show_default=True,
    help="Number of repositories in the demo organisation.",
)
def demo_serve(port: int, seed: int, n_repos: int) -> None:
    """Serve the demo organisation as a fake GitHub (REST + GraphQL) until Ctrl-C."""
    from orgmetrics.demo.generate import generate_org
    from orgmetrics.demo.server import FakeGitHub

    org = generate_org(seed=seed, n_repos=n_repos)
    fake = FakeGitHub(org, port=port).start()
    click.echo(f"Fake GitHub serving organisation '{org.login}' ({len(org.repos)} repos)")
    click.echo(f"  REST:    {fake.url}")
    click.echo(f"  GraphQL: {fake.graphql_url}")
    click.echo("  Any token is accepted, e.g.:")
    click.echo(
        f"  curl -H 'Authorization: Bearer x' '{fake.url}/orgs/{org.login}/repos?per_page=5' -i"
    )
    click.echo("Press Ctrl-C to stop.")
    try:
        fake.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
