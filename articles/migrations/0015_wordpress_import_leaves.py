"""The WordPress import records now belong to the `wordpress` app.

Only Django's idea of which app owns the model changes: the table
(articles_wordpressimport) and its rows stay where they are, and
wordpress/migrations/0001_initial.py takes the model over.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_article_address"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WordPressImport")],
            database_operations=[],
        ),
    ]
