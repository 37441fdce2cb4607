"""Running the WordPress importer in tests and reading its report."""

from io import StringIO

from django.core.management import call_command


def run_import(path, *args) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def row(report: str, name: str) -> list[int]:
    """The numbers of one row of the report (created, updated, unchanged, …)."""
    line = next(line for line in report.splitlines() if line.startswith(f"{name} "))
    return [int(n) for n in line.split()[1:]]
