"""`curate check PATH...`: report what cleaning would still change, and broken corpus records.

Corpus JSONL files (records as ``curate run`` writes them) and raw text or Markdown files
are checked; every finding is one line ``path:line:col: CODE message`` with a stable code::

    $ curate check corpus/documents.jsonl notes.txt
    notes.txt:1:1: C201 traditional characters left: 4 on this line (熱→热, 門→门, 資→资, …)
    notes.txt:1:1: C205 breadcrumb (breadcrumb-path): 熱門資訊> 正文
    notes.txt:3:1: C201 traditional characters left: 7 on this line (補→补, 偉→伟, 達→达, …)
    notes.txt:3:2: C202 glued pinyin (bǔ) after 補
    notes.txt:3:10: C202 glued pinyin (dá) after 達
    notes.txt:3:17: C202 glued pinyin (chǎn) after 產
    notes.txt:3:32: C202 glued pinyin (zhàn) after 戰
    Found 7 findings in 1 of 2 files (C201 ×2, C202 ×4, C205 ×1); 7 can be fixed with --fix.

``line`` is the line of the file (a JSONL record's line), ``col`` the 1-based character
column in that line as written, so an editor jumps to the spot: in a JSONL line that is the
column inside the JSON text, where ``\\n`` between paragraphs takes two columns.

A text finding is something a cleaning step would change, found by the step's own finder
(glued pinyin, mojibake, punctuation, inline spam) or by running the line-dropping steps
(spam header, breadcrumbs, boilerplate, teasers) on a throwaway copy. So ``--fix`` runs the
steps of the codes found, and what it leaves is reported again. Codes are listed in `CODES`.

The package: `codes` (codes and findings), `files` (what is read, as what, with bounded
memory), `records` (C1xx, the schemas of documents and rejects), `text` (C2xx), `duplicates`
(C3xx), `checker` (all of them over files), `fix` (``--fix``) and `command` (the CLI).
"""

from curate.check.checker import Checker, CheckResult
from curate.check.codes import CODES, CheckUsageError, Finding, selected_codes
from curate.check.command import check_command
from curate.check.text import TextChecker

__all__ = ["CODES", "CheckResult", "CheckUsageError", "Checker", "Finding", "TextChecker",
           "check_command", "selected_codes"]
