"""Zip and tar archives are read member by member; a damaged one costs only what is damaged."""

import gzip
import io
import json
import struct
import tarfile
import zipfile
from pathlib import Path

from curate.io.readers import ReadOptions, iter_input_files, read_documents

ARTICLE = "在这个持续降温的10月，A股半导体板块久违地回暖了。\n国产替代的风潮悄然吹起。\n"
OTHER = "英伟达的芯片一片难求。\n国产替代趁势崛起。\n"
RECORDS = (json.dumps({"text": ARTICLE, "title": "回暖"}, ensure_ascii=False) + "\n"
           + "{not json\n").encode("utf-8")


def read_all(*inputs: Path):
    """``(display name, text or None, rejection or None)`` of every document, and the messages."""
    options = ReadOptions(source="test")
    found = []
    for item in iter_input_files([str(path) for path in inputs]):
        for doc in read_documents(item, options):
            rejected = doc.rejected.why if doc.rejected else None
            found.append((doc.provenance.file, None if rejected else doc.text, rejected))
    return found, options.messages


def tar_gz(path: Path, members: list[tuple[str, bytes]]) -> bytes:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path.read_bytes()


def test_members_of_a_tar_gz_are_inputs_named_after_the_archive_and_the_member(tmp_path):
    path = tmp_path / "dump.tar.gz"
    tar_gz(path, [("2024/a.txt", ARTICLE.encode("gbk")), ("2024/b.md", OTHER.encode()),
                  ("2024/records.jsonl.gz", gzip.compress(RECORDS))])
    found, messages = read_all(path)
    assert found == [
        (f"{path}!/2024/a.txt", ARTICLE.strip(), None),
        # Read as Markdown, by the member's own name: its hard-wrapped lines are joined.
        (f"{path}!/2024/b.md", "英伟达的芯片一片难求。国产替代趁势崛起。", None),
        (f"{path}!/2024/records.jsonl.gz", ARTICLE.strip(), None),
        (f"{path}!/2024/records.jsonl.gz", None, "invalid JSON: Expecting property name "
                                                 "enclosed in double quotes"),
    ]
    assert messages == [f"{path}!/2024/records.jsonl.gz:2: invalid JSON: Expecting property "
                        "name enclosed in double quotes; sent to rejects"]


def test_members_of_a_zip_are_read_and_a_damaged_member_costs_only_itself(tmp_path):
    path = tmp_path / "pages.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", ARTICLE)
        archive.writestr("b.txt", OTHER * 20)
        archive.writestr("c.txt", OTHER)
    data = bytearray(path.read_bytes())
    start = data.index(b"b.txtPK"[:5], 40) + 5  # the compressed bytes of b.txt follow its name
    data[start + 10 : start + 30] = bytes(20)
    path.write_bytes(bytes(data))
    found, messages = read_all(path)
    assert [(name, text) for name, text, _ in found] == [
        (f"{path}!/a.txt", ARTICLE.strip()), (f"{path}!/b.txt", None),
        (f"{path}!/c.txt", OTHER.strip())]
    assert found[1][2].startswith("cannot read it from the archive: ")
    assert messages == [f"{path}!/b.txt: {found[1][2]}; sent to rejects"]


def test_a_truncated_tar_gz_keeps_the_members_before_the_break(tmp_path):
    path = tmp_path / "dump.tar.gz"
    whole = tar_gz(path, [("a.txt", ARTICLE.encode()), ("b.txt", OTHER.encode()),
                          ("c.txt", bytes(range(256)) * 4000)])
    path.write_bytes(whole[: len(whole) * 2 // 3])
    found, messages = read_all(path)
    assert [(name, text) for name, text, _ in found] == [
        (f"{path}!/a.txt", ARTICLE.strip()), (f"{path}!/b.txt", OTHER.strip()), (str(path), None)]
    assert found[2][2].startswith("cannot read the tar archive after member b.txt: ")
    assert found[2][2].endswith("; the members before it are read")
    assert len(messages) == 1 and messages[0].startswith(f"{path}: cannot read the tar archive")


def test_a_truncated_zip_is_one_reject_naming_it(tmp_path):
    path = tmp_path / "pages.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", ARTICLE)
    path.write_bytes(path.read_bytes()[:-30])  # the directory at the end is cut
    found, messages = read_all(path)
    assert found == [(str(path), None, "cannot open the zip archive: File is not a zip file")]
    assert messages == [f"{path}: cannot open the zip archive: File is not a zip file; sent to "
                        "rejects"]


def test_links_nested_archives_and_hostile_names_are_names_only_and_nothing_is_extracted(
        tmp_path):
    path = tmp_path / "hostile.tar"
    with tarfile.open(path, "w") as archive:
        for name, data in [("../../outside.txt", ARTICLE.encode()),
                           ("inner.zip", b"PK\x05\x06" + bytes(18))]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
    before = sorted(p.name for p in tmp_path.parent.rglob("*"))
    found, _ = read_all(path)
    assert found == [
        (f"{path}!/../../outside.txt", ARTICLE.strip(), None),
        (f"{path}!/inner.zip", None,
         "an archive inside the archive; not opened (extract it and give it as input)"),
        (f"{path}!/passwd", None, "a link or special file inside the archive; not read"),
    ]
    assert sorted(p.name for p in tmp_path.parent.rglob("*")) == before


def test_a_gzipped_single_file_is_not_taken_for_an_archive(tmp_path):
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(ARTICLE.encode()))
    assert read_all(path)[0] == [(str(path), ARTICLE.strip(), None)]


def test_a_zip_member_whose_header_lies_about_its_size_is_read_no_further(tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as pages:
        pages.writestr("a.txt", ARTICLE)
        pages.writestr("zeros.txt", bytes(20 * 2**20))
        pages.writestr("b.txt", OTHER)
    data = bytearray(archive.getvalue())
    # The local header and the central directory both say 1,000 bytes for zeros.txt.
    local = data.find(b"PK\x03\x04", data.find(b"PK\x03\x04") + 4)
    central = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)
    struct.pack_into("<I", data, local + 22, 1000)
    struct.pack_into("<I", data, central + 24, 1000)
    path = tmp_path / "lying.zip"
    path.write_bytes(bytes(data))
    found, messages = read_all(path)
    assert [(name, text) for name, text, _ in found] == [
        (f"{path}!/a.txt", ARTICLE.strip()), (f"{path}!/zeros.txt", None),
        (f"{path}!/b.txt", OTHER.strip())]
    assert messages == [f"{path}!/zeros.txt: cannot read it from the archive: Bad CRC-32 for "
                        "file 'zeros.txt'; sent to rejects"]


def test_a_zip_member_inflating_a_hundredfold_is_a_bomb_and_not_read(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as pages:
        pages.writestr("zeros.txt", bytes(20 * 2**20))
        pages.writestr("a.txt", ARTICLE)
    found, messages = read_all(path)
    assert [text for _, text, _ in found] == [None, ARTICLE.strip()]
    assert messages[0].startswith(f"{path}!/zeros.txt: inflates more than 100 times (")
