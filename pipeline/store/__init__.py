"""Store: the records of every stage, the sources file, the database schema, migrations and upserts.
Takes records from the crawler and the stages; hands them back to any stage that reads the store.
"""
