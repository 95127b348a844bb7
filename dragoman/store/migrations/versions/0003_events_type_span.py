"""events: one index on (type, date_first, date_last, id) in place of the index on type

Cross-article linking asks, for each new document, for the stored events of a type whose period
meets a window of days, latest first. With an index on type alone the database read and sorted
every event of the type, whatever its date, so each document's linking grew with the store. This
index gives them in order, so the search stops when it has enough; it also serves queries by
type alone.

Each step checks what is there: a database made by metadata.create_all before migrations
existed is stamped 0001 and upgraded, and create_all may have made the new index already.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _indexes() -> set[str]:
    return {ix['name'] for ix in sa.inspect(op.get_bind()).get_indexes('events')}


def upgrade() -> None:
    existing = _indexes()
    if 'ix_events_type_span' not in existing:
        op.create_index('ix_events_type_span', 'events', ['type', 'date_first', 'date_last', 'id'], unique=False)
    if 'ix_events_type' in existing:
        op.drop_index('ix_events_type', table_name='events')


def downgrade() -> None:
    existing = _indexes()
    if 'ix_events_type' not in existing:
        op.create_index('ix_events_type', 'events', ['type'], unique=False)
    if 'ix_events_type_span' in existing:
        op.drop_index('ix_events_type_span', table_name='events')
