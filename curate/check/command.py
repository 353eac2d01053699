"""The ``curate check`` command: options, configuration, output and exit codes."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import click

from curate.check.checker import Checker, CheckResult
from curate.check.codes import CODES, CheckUsageError, selected_codes
from curate.check.duplicates import NearDuplicateIndex, NearDuplicatesWithin
from curate.check.files import iter_checked_files
from curate.check.fix import FixCount, fix_paths
from curate.config import ConfigError, load_config
from curate.progress import Progress, progress_for
from curate.rules import RuleError, Rules


def _code_list(value: Any, where: str) -> list[str] | None:
    """Codes from a CLI string (``C2,C301``) or a config list; None when not given."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CheckUsageError(f"{where}: expected a list of codes such as [\"C2\", \"C301\"]")
    return [v.strip() for v in value if v.strip()]


def summary_line(result: CheckResult, fixing: bool) -> str:
    """One line saying what was checked, found and fixed."""
    fixed = (f"Fixed {result.fixed_files} file{'s' * (result.fixed_files != 1)} "
             f"({result.fix_edits} edits). " if fixing else "")
    checked = f"{result.files} file{'s' * (result.files != 1)}"
    if not result.findings:
        documents = f"{result.documents} document{'s' * (result.documents != 1)}"
        return f"{fixed}No findings in {checked} ({documents})."
    by_code = Counter(f.code for f in result.findings)
    codes = ", ".join(f"{code} ×{n}" for code, n in sorted(by_code.items()))
    files_with = len({f.path for f in result.findings})
    fixable = sum(n for code, n in by_code.items() if CODES[code].fixed_by)
    hint = f"; {fixable} can be fixed with --fix" if fixable and not fixing else ""
    return (f"{fixed}Found {len(result.findings)} finding{'s' * (len(result.findings) != 1)} "
            f"in {files_with} of {checked} ({codes}){hint}.")


CODES_HELP = "\n".join(f"  {code}  {c.name}: {c.summary}" for code, c in CODES.items())


@click.command("check", epilog=(
    "Examples:\n\n\b\n    curate check corpus\n    curate check corpus/documents.jsonl.gz\n"
    "    curate check seeds --select C2 --ignore C201\n"
    "    curate check notes.md --fix\n\n"
    "Exit codes: 0 no findings, 1 findings, 2 usage error.\n\n"
    "Configuration: [check] select = [...] and ignore = [...] in curate.toml or "
    "[tool.curate.check] in pyproject.toml; options on the command line win.\n\n"
    f"\b\nCodes:\n{CODES_HELP}"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--select", help="Codes or prefixes to check, comma-separated (C2 = every C2xx); "
                               "default: all.")
@click.option("--ignore", help="Codes or prefixes not to check, comma-separated.")
@click.option("--fix", is_flag=True, help="Rewrite files in place (as UTF-8) through the "
                                          "cleaning steps of the codes found, then report "
                                          "what remains.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: a JSON list of findings on stdout.")
@click.option("--index", "index_path", type=click.Path(),
              help="Corpus index folder (curate.dedup.index) to find near-duplicates in (C302).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (default: ./curate.toml or [tool.curate] in "
                   "./pyproject.toml).")
@click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False),
              help="Rules folder (default: the rules/ shipped with curate).")
@click.option("-q", "--quiet", is_flag=True, help="No summary line and no progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Progress on standard error every few "
                                                    "seconds when it is not a terminal.")
def check_command(paths: tuple[str, ...], select: str | None, ignore: str | None, fix: bool,
                  output_format: str, index_path: str | None, config_path: str | None,
                  rules_dir: str | None, quiet: bool, verbose: bool) -> None:
    """Check corpus JSONL and raw text or Markdown files for what cleaning leaves or breaks.

    Prints one finding a line, PATH:LINE:COL: CODE message, then a summary. Folders are
    walked for .jsonl, .txt and .md files (gzipped too); a corpus folder's rejects are
    checked against the rejects' schema. Usable as a pre-commit hook (id curate-check).
    """
    near_duplicates: NearDuplicateIndex | None = None
    progress: Progress | None = None
    try:
        config, config_source = load_config(config_path)
        section = config.get("check", {})
        where = f"{config_source} [check]"
        if not isinstance(section, dict):
            raise CheckUsageError(f"{where}: expected a table with select and ignore")
        codes = selected_codes(
            _code_list(select, "--select") or _code_list(section.get("select"), where),
            _code_list(ignore, "--ignore") or _code_list(section.get("ignore"), where))
        rules = Rules(rules_dir)
        if "C302" in codes:
            near_duplicates = (NearDuplicateIndex(index_path) if index_path is not None
                               else NearDuplicatesWithin())
        checker = Checker(rules, config, codes, near_duplicates)
        count = fix_paths(list(paths), checker.text_checker) if fix else FixCount()
        checker.progress = progress = progress_for(
            [str(file.path) for file in iter_checked_files(list(paths))], quiet, verbose,
            label="check")
        result = checker.check_paths(list(paths))
    except (CheckUsageError, ConfigError, RuleError) as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        if progress is not None:
            progress.close()
        if near_duplicates is not None:
            near_duplicates.close()
    result.fixed_files, result.fix_edits = count.files, count.edits
    if output_format == "json":
        click.echo(json.dumps([f.to_json() for f in result.findings], ensure_ascii=False,
                              indent=1))
    else:
        for finding in result.findings:
            click.echo(str(finding))
    if not quiet:
        click.echo(summary_line(result, fix), err=output_format == "json")
    if result.findings:
        raise SystemExit(1)
