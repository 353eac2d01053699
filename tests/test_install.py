"""curate as its users install it: a wheel in a fresh virtual environment, and the pre-commit
hook of this repository used by another repository, as pre-commit installs it there.

Both build from a snapshot of this checkout (its tracked and new files, committed in a
repository of their own), so they test the code as it stands. They need git and a package
index (or pip's cache) for the dependencies; they take about a minute each on the project's
machines.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import tomllib

from curate.storage import MANIFEST
from tests.fixtures import REPO, SEEDS, corpus_bytes

# A fixed `added` timestamp, so two runs of the same input are byte-identical.
EPOCH = "1767225600"
# Seed 001's headline, as scraped: glued pinyin after traditional characters, and a breadcrumb.
SCRAPED_PAGE = """\
熱門資訊> 正文

補(bǔ)位英偉達(dá)!國產(chǎn)AI芯片的破繭之戰(zhàn)

  美國政府層層加碼的AI芯片出口管制,正在改寫全球半導(dǎo)體產(chǎn)業(yè)格局。
"""


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None,
        timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False, timeout=timeout)


def git_env(home: Path) -> dict[str, str]:
    return {**os.environ, "HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Curate Test",
            "GIT_AUTHOR_EMAIL": "curate@example.org", "GIT_COMMITTER_NAME": "Curate Test",
            "GIT_COMMITTER_EMAIL": "curate@example.org", "SOURCE_DATE_EPOCH": EPOCH}


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> tuple[Path, str, dict[str, str]]:
    """This checkout's files committed in a repository of their own: (path, commit, env)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                 cwd=REPO)
    if listed.returncode != 0:
        pytest.skip("the code is not in a git checkout")
    base = tmp_path_factory.mktemp("install")
    home = base / "home"
    home.mkdir()
    env = git_env(home)
    clone = base / "curate"
    for name in filter(None, listed.stdout.split("\0")):
        source = REPO / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        done = run("git", *command, cwd=clone, env=env)
        assert done.returncode == 0, done.stderr
    commit = run("git", "rev-parse", "HEAD", cwd=clone, env=env).stdout.strip()
    return clone, commit, env


def test_every_package_of_the_code_is_in_the_wheel():
    """pyproject.toml lists the packages (rules/ is mapped into one): a new one must be added."""
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"]
    found = {".".join(init.parent.relative_to(REPO).parts)
             for init in (REPO / "curate").rglob("__init__.py")}
    assert set(setuptools["packages"]) == found | {"curate.rule_files"}
    assert setuptools["package-dir"] == {"curate.rule_files": "rules"}


def test_the_wheel_installed_in_a_fresh_environment_cleans_the_seeds_as_the_checkout_does(
        snapshot, tmp_path):
    clone, _, env = snapshot
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist",
                clone, cwd=tmp_path, env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("curate-*.whl")
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / "bin" / "python"
    installed = run(python, "-m", "pip", "install", "-q", wheel, cwd=tmp_path, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    from_wheel = run(tmp_path / "venv" / "bin" / "curate", "run", SEEDS, "-o", "corpus", "-q",
                     cwd=elsewhere, env=env)
    assert from_wheel.returncode == 0, from_wheel.stdout + from_wheel.stderr
    from_checkout = run(sys.executable, "-m", "curate", "run", SEEDS, "-o", tmp_path / "checkout",
                        "-q", cwd=tmp_path, env=env)
    assert from_checkout.returncode == 0, from_checkout.stderr
    built = corpus_bytes(elsewhere / "corpus")  # rules digest and version included
    assert built == corpus_bytes(tmp_path / "checkout") | {MANIFEST: built[MANIFEST]}

    rules = run(python, "-c", "from curate.rules import Rules; print(Rules().root)",
                cwd=elsewhere, env=env)
    assert Path(rules.stdout.strip()).parts[-2:] == ("curate", "rule_files")
    checked = run(tmp_path / "venv" / "bin" / "curate", "check", "corpus", cwd=elsewhere, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def git(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run("git", *args, cwd=repo, env=env)


def test_the_pre_commit_hook_from_this_repository_guards_another_repository(snapshot, tmp_path):
    pytest.importorskip("pre_commit")
    clone, commit, env = snapshot
    env = {**env, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache")}
    repo = tmp_path / "texts"
    repo.mkdir()
    git(repo, "init", "-q", env=env)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {commit}\n    hooks: [{{id: curate-check}}]\n",
        encoding="utf-8")
    installed = run(sys.executable, "-m", "pre_commit", "install", cwd=repo, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    git(repo, "add", ".pre-commit-config.yaml", env=env)
    first = git(repo, "commit", "-q", "-m", "pre-commit", env=env)
    assert first.returncode == 0, first.stdout + first.stderr

    # A corpus folder as a fresh `curate run` writes it: its rejects are not held to the
    # documents' schema, its manifest is no JSONL.
    made = run(sys.executable, "-m", "curate", "run", SEEDS, "-o", repo / "corpus", "-q",
               cwd=repo, env=env)
    assert made.returncode == 0, made.stderr
    git(repo, "add", "corpus", env=env)
    corpus = git(repo, "commit", "-m", "the corpus", env=env)
    assert corpus.returncode == 0, corpus.stdout + corpus.stderr
    assert "curate check" in corpus.stdout + corpus.stderr  # the hook ran and passed

    (repo / "page.txt").write_text(SCRAPED_PAGE, encoding="utf-8")
    git(repo, "add", "page.txt", env=env)
    refused = git(repo, "commit", "-m", "a scraped page", env=env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "page.txt:1:1: C205 breadcrumb (breadcrumb-path): 熱門資訊> 正文" in output
    assert "page.txt:3:2: C202 glued pinyin (bǔ) after 補" in output

    fixed = run(sys.executable, "-m", "curate", "check", "--fix", "page.txt", cwd=repo, env=env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    git(repo, "add", "page.txt", env=env)
    committed = git(repo, "commit", "-m", "the page, cleaned", env=env)
    assert committed.returncode == 0, committed.stdout + committed.stderr
