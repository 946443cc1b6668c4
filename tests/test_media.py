"""The media store keeps photos once, by content, and never outside its folder."""

from pathlib import Path

import pytest

from storage.media import MAX_BYTES, MediaError, MediaStore

JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 100


def test_photos_are_kept_once_by_content(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    first = store.save(JPEG)
    assert first.endswith(".jpg") and store.save(JPEG) == first
    assert store.path(first).read_bytes() == JPEG
    assert store.save(b"\x89PNG\r\n" + b"x" * 10).endswith(".png")


def test_bad_files_and_escaping_paths_are_refused(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    with pytest.raises(MediaError):
        store.save(b"")
    with pytest.raises(MediaError):
        store.save(b"\xff\xd8\xff" + b"0" * MAX_BYTES)
    with pytest.raises(MediaError):
        store.path("../../etc/passwd")
