"""The ``curate`` command line: one verb per subcommand.

Exit codes of ``curate run``: 0 success, 1 the run finished but some input could not be read
(see the rejects), 2 usage or configuration error, 3 the output folder cannot be written
(read-only, disk full, under a file), 4 the corpus in it cannot be read back (a missing
shard, a damaged manifest or index); on 3 and 4 the corpus stays as it was before the run.
"""

from __future__ import annotations

import os

# One BLAS thread, set before NumPy loads OpenBLAS (through the imports below), which reads
# it then: work is spread over worker processes, and OpenBLAS's threads spin for a while
# after each call they share (one eigenvalue call of `lsh_params` a run: 0.1 CPU-s).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import sys
from collections import Counter
from importlib import import_module
from pathlib import Path

import click

from curate import __version__
from curate.config import ConfigError, load_config
from curate.executor import ENGINES, WorkerLost
from curate.faults import CorpusFault
from curate.progress import progress_for
from curate.rules import RuleError, Rules
from curate.run import run as run_pipeline

# Exit code of a run whose worker process died: nothing was written (see `curate.executor`).
WORKER_LOST_EXIT = 5
RUN_EXIT_CODES = ("\b\nExit codes of curate run:\n"
                  "    0  every input read\n"
                  "    1  some input could not be read: see the rejects\n"
                  "    2  usage or configuration error\n"
                  "    3  the output folder cannot be written (read-only, full, under a file)\n"
                  "    4  the corpus in it cannot be read back (damaged file or index)\n"
                  f"    {WORKER_LOST_EXIT}  a worker process died: nothing was written")


# The other subcommands, imported when asked for: a `run` need not load the checker, the
# report's charts or the exporters (an eighth of its start-up).
SUBCOMMANDS = {
    "check": "curate.check:check_command",
    "dedup": "curate.dedup.command:dedup_command",
    "explain": "curate.explain:explain_command",
    "export": "curate.export:export_command",
    "report": "curate.report.command:report_command",
}


class _Subcommands(click.Group):
    """A group that imports the module of a subcommand in `SUBCOMMANDS` when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS and cmd_name not in self.commands:
            module, name = SUBCOMMANDS[cmd_name].split(":")
            self.add_command(getattr(import_module(module), name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Subcommands, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=RUN_EXIT_CODES)
@click.version_option(__version__, prog_name="curate")
def main() -> None:
    """Clean scraped Chinese web articles into a deduplicated simplified-Chinese corpus."""


@main.command("run", epilog="Example:\n\n\b\n    curate run seeds -o corpus\n"
                            "    curate run dump.jsonl.gz --text-field content -o corpus\n"
                            "    curate run CC-MAIN-20240101.warc.wet.gz -o corpus\n"
                            "    zcat dump.jsonl.gz | curate run - -o corpus\n"
                            "    curate run dump/ -o corpus --engine ray --address auto\n\n"
                            + RUN_EXIT_CODES)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Corpus folder: documents/ and rejects/ shards, manifest.json.")
@click.option("--source", help="Name of the dump recorded in each record (default: the first "
                               "input's name).")
@click.option("--text-field", help="Field holding the text in JSONL input (default: text).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (default: ./curate.toml or [tool.curate] in "
                   "./pyproject.toml).")
@click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False),
              help="Rules folder (default: the rules/ shipped with curate).")
@click.option("--fresh", is_flag=True, help="Start the corpus in OUTPUT afresh instead of "
                                            "adding to it.")
@click.option("-j", "--workers", type=click.IntRange(min=1),
              help="Processes cleaning the input (default: [run] workers, else every core; "
                   "with --engine ray, every CPU of the cluster).")
@click.option("--engine", type=click.Choice(ENGINES),
              help="Where the input is cleaned: local processes, or Ray tasks (default: [run] "
                   "engine, else local).")
@click.option("--address", help="The Ray cluster to join with --engine ray: auto for the one "
                                "`ray start` runs on this machine, or HOST:PORT (default: "
                                "[run] ray_address, else a Ray instance started for the run).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors, and no progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Print a line per input file, and progress "
                                                    "lines when standard error is not a "
                                                    "terminal.")
def run_command(inputs: tuple[str, ...], outdir: str, source: str | None,
                text_field: str | None, config_path: str | None, rules_dir: str | None,
                fresh: bool, workers: int | None, engine: str | None, address: str | None,
                quiet: bool, verbose: bool) -> None:
    """Clean every article in INPUT files and folders into a corpus folder.

    Reads plain text, Markdown, HTML, JSONL, WARC and WET files (also .gz), recursively, and
    standard input for -. Writes the kept
    documents, everything dropped or cut with the reason, and a manifest with counts. A corpus
    folder grows run by run: documents already in it, or near-duplicates of them, are not
    added again.
    """
    try:
        config, config_source = load_config(config_path)
        rules = Rules(rules_dir)
    except (ConfigError, RuleError) as exc:
        raise click.UsageError(str(exc)) from exc

    def report_file(stats) -> None:
        if verbose and not quiet:
            click.echo(f"{stats.path}: {stats.read} read, {stats.kept} kept, "
                       f"{stats.rejected} rejected, {stats.already_in_corpus} already in corpus",
                       err=True)

    progress = progress_for(inputs, quiet, verbose)
    try:
        result = run_pipeline(list(inputs), Path(outdir), rules=rules, config=config,
                              config_source=config_source, source=source,
                              text_field=text_field, on_file=report_file, fresh=fresh,
                              workers=workers, progress=progress, engine=engine,
                              address=address)
    except CorpusFault as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except WorkerLost as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(WORKER_LOST_EXIT)
    except (RuleError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        if progress is not None:
            progress.close()
    if not quiet:
        for notice in result.notices:
            click.echo(f"note: {notice}", err=True)
        for message in result.messages:
            click.echo(f"warning: {message}", err=True)
        skipped = Counter()
        for stats in result.files:
            skipped.update(stats.skipped_records)
        if skipped:
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
            click.echo(f"WARC records that are not pages or text skipped: {kinds}", err=True)
        click.echo(
            f"{len(result.files)} files, {result.total('parts')} documents: "
            f"{result.total('kept')} kept, {result.total('rejected')} rejected, "
            f"{result.total('already_in_corpus')} already in corpus, "
            f"{result.spans_removed} spans removed -> {outdir} "
            f"({result.corpus_documents} documents"
            f"{'' if result.corpus_changed else '; nothing new, the folder is unchanged'})"
        )
        if result.corpus_changed:
            click.echo(f"what was removed and why: curate report {outdir} -o report.html")
    if result.partial:
        sys.exit(1)

