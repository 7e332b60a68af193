"""Processing benchmark: documents/s and characters/s of the full analysis
(normalise, language check, classify ×3 with why, geotag, MinHash) beside bare
underthesea ``word_tokenize`` on the same texts, and peak memory."""
from __future__ import annotations

import itertools
import resource
import time
from dataclasses import dataclass

from pipeline.understand.classify import Classifier
from pipeline.understand.corpora import read_item, shared_data_dir, synthetic_examples
from pipeline.understand.dedup import DuplicateIndex
from pipeline.understand.prepared import prepare
from pipeline.understand.process import analyse_batch
from pipeline.store.schema import DocumentRow
from pipeline.understand.tokenize import segment


@dataclass
class ProcessBench:
    """Figures of one processing benchmark."""

    docs: int
    chars: int
    bare_seconds: float
    full_seconds: float
    peak_rss_mb: float
    bare_cpu: float
    full_cpu: float

    def report(self) -> str:
        """Human-readable lines."""
        bare, full = self.docs / self.bare_seconds, self.docs / self.full_seconds
        return (f"{self.docs} documents, {self.chars} characters\n"
                f"bare underthesea word_tokenize: {bare:.1f} docs/s, {self.chars / self.bare_seconds:,.0f} chars/s\n"
                f"duluan processing:              {full:.1f} docs/s, {self.chars / self.full_seconds:,.0f} chars/s "
                f"({full / bare:.2f} × bare)\nCPU seconds: bare {self.bare_cpu:.1f} s, duluan {self.full_cpu:.1f} s "
                f"({self.bare_cpu / self.full_cpu:.2f} × bare; steadier than wall-clock on a busy machine)\n"
                f"peak memory {self.peak_rss_mb:.0f} MiB")


def bench_texts(n: int) -> list[str]:
    """``n`` real texts: vntc and tc201805 items when ../shared is here, else the synthetic examples."""
    root = shared_data_dir()
    if root.exists():
        paths = itertools.chain(sorted((root / "vntc/Train_Full").glob("*/*.txt")),
                                sorted((root / "tc201805/corpus").glob("*/*.txt")))
        texts = []
        for path in itertools.islice(paths, 0, None, 7):
            item = read_item(str(path.relative_to(root)), root)
            texts.append(f"{item.title}\n{item.text}")
            if len(texts) == n:
                return texts
        return texts
    synthetic = [f"{i.title}\n{i.text}" for _, i in synthetic_examples()]
    return list(itertools.islice(itertools.cycle(synthetic), n))


def run_process_bench(n: int, province: str) -> ProcessBench:
    """Time bare tokenisation and the full analysis on the same ``n`` texts."""
    from underthesea import word_tokenize

    texts = bench_texts(n)
    classifier = Classifier()
    classifier.predict(["khởi động mô hình"])  # load and warm up outside the timings
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        word_tokenize(text, format="text")
    bare, bare_cpu = time.perf_counter() - start, time.process_time() - cpu
    docs = [DocumentRow(id=n, title=title, text=body)
            for n, (title, _, body) in enumerate((t.partition("\n") for t in texts), 1)]
    segment.cache_clear()
    prepare.cache_clear()
    index = DuplicateIndex()
    start, cpu = time.perf_counter(), time.process_time()
    for batch_start in range(0, len(docs), 100):
        analyse_batch(docs[batch_start:batch_start + 100], classifier, index, province, "bench")
    full, full_cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return ProcessBench(len(texts), sum(map(len, texts)), bare, full, peak, bare_cpu, full_cpu)
