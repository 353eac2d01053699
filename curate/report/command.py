"""`curate report CORPUS -o report.html`: the corpus read once, the page written atomically."""

from __future__ import annotations

from pathlib import Path

import click

from curate.io.writers import atomic_open
from curate.report.page import render_page
from curate.report.tally import CorpusError, tally_corpus


@click.command(
    "report",
    epilog="Example:\n\n\b\n    curate report corpus -o report.html\n",
)
@click.argument("corpus", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The HTML file to write.")
def report_command(corpus: str, output: str) -> None:
    """Write an HTML page with charts of what a corpus holds and what was removed and why.

    Documents kept and dropped by reason, characters removed by step and rule, languages,
    scripts, spin scores, duplicate clusters, the largest sources, and for each rule a few
    examples of what it removed in their context. The page needs no network to be viewed.
    """
    try:
        tally = tally_corpus(Path(corpus))
    except CorpusError as exc:
        raise click.UsageError(str(exc)) from exc
    with atomic_open(Path(output)) as stream:
        stream.write(render_page(tally))
    click.echo(f"{tally.kept:,} documents kept, {tally.dropped_documents:,} dropped -> {output}",
               err=True)
