"""jinja2 templates from the packaged `templates/` folder (installed as `ojexcel.templates`)."""
from __future__ import annotations

from functools import cache

from .resources import TEMPLATES, resource


def one_line(value):
    """Every value a text template prints stays on its line: the text templates are parsed line by
    line (`# heading`, `label | text`, `> link`), so a line break or other control character in a
    value (a file name with a newline or U+2028) is escaped, never read as markup. Values are data."""
    if isinstance(value, str) and not value.isprintable():
        from ..problems import printable

        return printable(value)  # spaces such as U+00A0 stay as they are
    return value


@cache
def environment(autoescape: bool = False):
    """One jinja2 Environment per escaping mode; templates are compiled once and cached."""
    import jinja2

    def load(name: str):
        node = resource(TEMPLATES, name)
        if not node.is_file():
            return None
        return node.read_text(encoding="utf-8")

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=autoescape,
        finalize=None if autoescape else one_line,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(name: str, **context) -> str:
    """Render a template; HTML templates (`*.html.j2`) are autoescaped."""
    return environment(name.endswith(".html.j2")).get_template(name).render(**context)
