"""Placement's thresholds hold at exactly their value: a link scoring exactly MIN_SCORE is
placed, a hair below it is not; a best confidence of exactly UNCERTAIN_BELOW is sure, a hair
below it goes to the semantic pass."""

from __future__ import annotations

import numpy as np

from zhaoshang.targeting.placement.classifier import (
    MIN_SCORE,
    UNCERTAIN_BELOW,
    Choice,
    Classifier,
)
from zhaoshang.targeting.placement.fast import NodeSpec

HAIR = 1e-9


def _classifier() -> Classifier:
    return Classifier(
        [
            NodeSpec(key="铝/铝板", name="铝板", keywords=("铝板",), chain="铝", industry="铝"),
            NodeSpec(
                key="轴承/钢球", name="钢球", keywords=("钢球",), chain="轴承", industry="轴承"
            ),
        ]
    )


def test_a_link_scoring_exactly_the_minimum_score_is_placed():
    classifier = _classifier()
    (choices,) = classifier.choose(np.array([[MIN_SCORE, -10.0]]), "fast")
    assert [(c.key, c.score) for c in choices] == [("铝/铝板", MIN_SCORE)]


def test_a_link_scoring_a_hair_below_the_minimum_score_is_not_placed():
    classifier = _classifier()
    (choices,) = classifier.choose(np.array([[MIN_SCORE - HAIR, -10.0]]), "fast")
    assert choices == []


def _choice(confidence: float) -> Choice:
    return Choice(index=0, key="铝/铝板", confidence=confidence, score=1.0, method="fast")


def test_a_best_confidence_of_exactly_uncertain_below_is_sure():
    assert Classifier.uncertain([[_choice(UNCERTAIN_BELOW)]]) == []


def test_a_best_confidence_a_hair_below_uncertain_below_is_unsure():
    assert Classifier.uncertain([[_choice(UNCERTAIN_BELOW - HAIR)], []]) == [0, 1]
