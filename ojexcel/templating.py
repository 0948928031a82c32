"""jinja2 templates from the packaged `templates/` folder (installed as `ojexcel.templates`)."""
from __future__ import annotations

from functools import cache

from .resources import TEMPLATES, resource


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
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(name: str, **context) -> str:
    """Render a template; HTML templates (`*.html.j2`) are autoescaped."""
    return environment(name.endswith(".html.j2")).get_template(name).render(**context)
