"""WARC reading: warcio against FastWARC on the same files, records read and payloads taken.
Prints figures; asserts nothing.

    python bench/warc_bench.py [--records 4000]

Writes a WARC file (once gzipped record by record, as CommonCrawl ships them, once plain)
of request/response pairs whose pages are the seed articles wrapped in HTML, then reads every
response record's HTTP payload with each library, three times, and prints the best
CPU-seconds of each and their ratio. Only reading is timed: the page extraction that follows
is the same whichever library read the record.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator as WarcioIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parent.parent


def pages() -> list[bytes]:
    """The seed articles as HTML pages, a paragraph a <p>."""
    out = []
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        lines = seed.read_text(encoding="utf-8").split("\n")
        body = "".join(f"<p>{line}</p>" for line in lines if line.strip())
        out.append(f"<html><head><meta charset='utf-8'><title>{lines[0]}</title></head>"
                   f"<body>{body}</body></html>".encode())
    return out


def write_warc(path: Path, records: int, gzip: bool) -> None:
    html = pages()
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        for number in range(records):
            uri = f"https://news.example.cn/{number}.html"
            request = writer.create_warc_record(uri, "request", payload=io.BytesIO(
                f"GET /{number}.html HTTP/1.1\r\nHost: news.example.cn\r\n\r\n".encode()))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            response = writer.create_warc_record(uri, "response",
                                                 payload=io.BytesIO(html[number % len(html)]),
                                                 http_headers=headers)
            writer.write_record(request)
            writer.write_record(response)


def read_with_warcio(path: Path) -> int:
    total = 0
    with path.open("rb") as stream:
        for record in WarcioIterator(stream):
            if record.rec_type == "response":
                total += len(record.content_stream().read())
    return total


def read_with_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    total = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response,
                                      parse_http=True):
            total += len(record.reader.read())
    return total


def best_cpu_seconds(read, path: Path) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(3):
        start = time.process_time()
        size = read(path)
        times.append(time.process_time() - start)
    return min(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=4000, help="response records per file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for gzip in (True, False):
            path = Path(scratch) / ("dump.warc.gz" if gzip else "dump.warc")
            write_warc(path, args.records, gzip)
            warcio_s, warcio_bytes = best_cpu_seconds(read_with_warcio, path)
            fast_s, fast_bytes = best_cpu_seconds(read_with_fastwarc, path)
            assert warcio_bytes == fast_bytes, "the two libraries read different payloads"
            print(f"{path.name}: {args.records} responses, {path.stat().st_size / 1e6:.1f} MB; "
                  f"warcio {warcio_s:.3f} CPU-s, FastWARC {fast_s:.3f} CPU-s "
                  f"(FastWARC {warcio_s / fast_s:.1f}x faster); "
                  f"payloads {warcio_bytes / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
