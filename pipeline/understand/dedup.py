"""Near-duplicate groups with MinHash LSH (datasketch): syndicated copies and
lightly edited re-posts of the same article share a group id."""
from __future__ import annotations

import numpy as np
from datasketch import MinHash, MinHashLSH

from pipeline.understand.normalize import strip_diacritics

NUM_PERM = 64
SCHEME = "affine32"  # datasketch ≥ 2.0 hashing scheme; stored signatures depend on it
THRESHOLD = 0.7
SHINGLE = 5


def minhash(text: str) -> MinHash:
    """MinHash of word 5-shingles of the unaccented, lower-cased text."""
    words = strip_diacritics(text).lower().split()
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    m.update_batch([" ".join(words[i:i + SHINGLE]).encode("utf-8") for i in range(max(1, len(words) - SHINGLE + 1))])
    return m


def to_bytes(m: MinHash) -> bytes:
    """Signature as bytes for the store."""
    return m.hashvalues.astype(np.uint64).tobytes()


def from_bytes(blob: bytes) -> MinHash:
    """Inverse of :func:`to_bytes`."""
    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(blob, dtype=np.uint64), scheme=SCHEME)


class DuplicateIndex:
    """An LSH index of documents; ``group_of`` returns the group a document joins."""

    def __init__(self) -> None:
        self.lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self.groups: dict[int, int] = {}

    def add(self, doc_id: int, m: MinHash, group: int | None = None) -> int:
        """Index a document; it joins the group of its oldest near-duplicate, or starts one."""
        if doc_id in self.groups:
            return self.groups[doc_id]
        matches = [self.groups[int(k)] for k in self.lsh.query(m)]
        group = group if group is not None else min(matches, default=doc_id)
        self.lsh.insert(str(doc_id), m)
        self.groups[doc_id] = group
        return group
