"""ORM queries compiled once per shape, run many times with new values.

Building and compiling a queryset with a dozen subqueries is Python work on every
request that costs more than running its SQL. A query built with Param
placeholders in place of its per-request values compiles to the same SQL every
time, so it is compiled once per process (per database and shape) and later runs
only bind the values. Results come back as rows of the values_list() the query
was built with, through the same converters the ORM would apply, or, for a
queryset of models, as the instances (with their select_related() ones) the ORM
would make. Why and by how much: docs/architecture.md, "The speed code".
"""

from collections.abc import Callable, Hashable

from django.db import connections
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models.query import get_related_populators


class _Slot:
    """Where a Param's value goes in the compiled parameters."""

    __slots__ = ("name", "field")

    def __init__(self, name: str, field: Field):
        self.name, self.field = name, field


class Param(Expression):
    """A named placeholder compiled to one SQL parameter."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field)]


class PreparedQuery:
    def __init__(self, queryset: QuerySet, using: str):
        compiler = queryset.query.get_compiler(using=using)
        self.using = using
        self.sql, self.params = compiler.as_sql()
        self.columns = [column for column, _, _ in compiler.select]
        # What ModelIterable works out from the compiler on every run.
        klass_info = compiler.klass_info
        if klass_info is not None:
            self.model = klass_info["model"]
            fields = klass_info["select_fields"]
            self.model_columns = slice(fields[0], fields[-1] + 1)
            self.init_list = [
                column.target.attname for column in self.columns[self.model_columns]
            ]
            self.related = get_related_populators(klass_info, compiler.select, using)
            self.annotations = dict(compiler.annotation_col_map)

    def rows(self, **values) -> list[list]:
        connection = connections[self.using]  # this thread's
        params = [
            param.field.get_db_prep_value(values[param.name], connection)
            if isinstance(param, _Slot)
            else param
            for param in self.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        # The converters the ORM would apply (SQLCompiler.get_converters), from
        # this thread's connection.
        for position, column in enumerate(self.columns):
            converters = connection.ops.get_db_converters(
                column
            ) + column.get_db_converters(connection)
            for row in rows:
                for convert in converters:
                    row[position] = convert(row[position], column, connection)
        return rows

    def objects(self, **values) -> list[Model]:
        """The rows as the model instances a queryset of models would give."""
        found = []
        for row in self.rows(**values):
            obj = self.model.from_db(
                self.using, self.init_list, row[self.model_columns]
            )
            for related in self.related:
                related.populate(row, obj)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


_prepared: dict[Hashable, PreparedQuery] = {}


def prepared(
    shape: Hashable, build: Callable[[], QuerySet], using: str = "default"
) -> PreparedQuery:
    """The query `build()` returns for this shape, compiled on first use.

    build() must put every value that changes between calls in a Param, so that
    one shape always compiles to the same SQL."""
    key = (using, connections[using].vendor, shape)
    query = _prepared.get(key)
    if query is None:
        query = _prepared[key] = PreparedQuery(build(), using)
    return query
