"""Finding an issue's follow-up: by a story id it was listed under, else by the
documents it shares with one (the way alerts recognise an issue already announced)."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.store.schema import FollowUpDocumentRow, FollowUpKeyRow, FollowUpRow


def followup_of(session: Session, key: str, doc_ids: list[int]) -> FollowUpRow | None:
    """The follow-up of the story ``key``, else the one holding most of ``doc_ids``."""
    link = session.get(FollowUpKeyRow, key)
    if link is not None:
        return session.get(FollowUpRow, link.followup_id)
    if not doc_ids:
        return None
    owners = Counter(session.scalars(select(FollowUpDocumentRow.followup_id)
                                     .where(FollowUpDocumentRow.document_id.in_(doc_ids))))
    return session.get(FollowUpRow, owners.most_common(1)[0][0]) if owners else None
