"""The portfolio at a glance: per category, the project count and the sums, computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.models import Category, Plan, Project


@dataclass(frozen=True)
class SummaryLine:
    name: str
    count: int
    total: Decimal
    planned: Decimal


@dataclass(frozen=True)
class Summary:
    title: str
    lines: list[SummaryLine]

    @property
    def count(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))

    @property
    def planned(self) -> Decimal:
        return sum((line.planned for line in self.lines), Decimal(0))


def portfolio_summary(session: Session) -> Summary:
    """One GROUP BY over categories; the sums are exact integer sums of fen."""
    query = (
        select(
            Category.ordinal,
            Category.name,
            func.count(Project.id),
            func.coalesce(func.sum(Project.total_investment), 0, type_=Project.__table__.c.total_investment.type),  # type: ignore[attr-defined]
            func.coalesce(func.sum(Project.planned_investment), 0, type_=Project.__table__.c.planned_investment.type),  # type: ignore[attr-defined]
        )
        .join(Project, Project.category_id == Category.id, isouter=True)  # type: ignore[arg-type]
        .group_by(Category.plan_id, Category.ordinal, Category.name)
        .order_by(Category.plan_id, Category.ordinal)
    )
    lines = [SummaryLine(name, count, total, planned) for _, name, count, total, planned in session.exec(query)]  # type: ignore[call-overload]
    plans = [p.name for p in session.exec(select(Plan).order_by(Plan.id))]  # type: ignore[arg-type]
    return Summary(" / ".join(plans) or "(no plan imported)", lines)
