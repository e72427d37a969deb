"""What each stage demands, as data: evidence kinds, required fields, the date it stamps."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import STAGE_ORDER, EvidenceKind, Stage


@dataclass(frozen=True)
class StageRule:
    date_field: str
    evidence_any_of: frozenset[str] = field(default_factory=frozenset)
    required_fields: tuple[str, ...] = ()
    needs_note: bool = False
    # A stage without evidence may be passed over (a lead can be signed without a logged
    # negotiation); a stage that needs evidence cannot be skipped on the way forward.
    skippable: bool = False


STAGE_RULES: dict[str, StageRule] = {
    Stage.LEAD: StageRule(date_field="", skippable=True),
    Stage.NEGOTIATING: StageRule(date_field="negotiating_on", skippable=True),
    Stage.SIGNED: StageRule(
        date_field="signed_on",
        evidence_any_of=frozenset({EvidenceKind.CONTRACT}),
        required_fields=("contracted_investment_wan",),
    ),
    Stage.STARTED: StageRule(
        date_field="started_on",
        evidence_any_of=frozenset({EvidenceKind.CONSTRUCTION_PERMIT, EvidenceKind.SITE_PHOTO}),
    ),
    Stage.OPERATING: StageRule(
        date_field="operating_on",
        evidence_any_of=frozenset({EvidenceKind.PRODUCTION_LICENCE, EvidenceKind.SALES_INVOICE}),
    ),
    Stage.DROPPED: StageRule(date_field="dropped_on", needs_note=True),
}

FUNDS_EVIDENCE = frozenset({EvidenceKind.BANK_RECEIPT, EvidenceKind.CAPITAL_VERIFICATION})

# Stages at which money can arrive: after the contract is signed.
FUNDS_STAGES = frozenset({Stage.SIGNED, Stage.STARTED, Stage.OPERATING})


def is_backward(current: str, to: str) -> bool:
    """Whether moving from `current` to `to` goes back in the life cycle (or revives a dropped one)."""
    if current == Stage.DROPPED:
        return True
    if to == Stage.DROPPED:
        return False
    return STAGE_ORDER.index(to) < STAGE_ORDER.index(current)


def skipped_stages(current: str, to: str) -> list[str]:
    """Stages strictly between `current` and `to` on a forward move."""
    if to == Stage.DROPPED or current == Stage.DROPPED:
        return []
    lo, hi = STAGE_ORDER.index(current), STAGE_ORDER.index(to)
    return [str(s) for s in STAGE_ORDER[lo + 1 : hi]]


def later_stages(to: str) -> list[str]:
    """Stages after `to` whose dates a reversal to `to` clears."""
    if to == Stage.DROPPED:
        return []
    return [str(s) for s in STAGE_ORDER[STAGE_ORDER.index(to) + 1 :]]


def evidence_label(kinds: frozenset[str]) -> str:
    return "或".join(str(EvidenceKind(k).label) for k in sorted(kinds))
