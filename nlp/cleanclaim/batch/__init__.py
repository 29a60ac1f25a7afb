"""Batch scoring: readers and writers (:mod:`.io`), the resumable process-pool runner
(:mod:`.runner`), Apache Spark (:mod:`.spark`), the fast path (:mod:`.fastpath`), the batch
report (:mod:`.report`) and synthetic notes for benchmarks (:mod:`.synthetic`).

Submodules are imported on use, so ``cleanclaim.batch.report`` does not load spaCy.
"""
