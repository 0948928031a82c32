"""jinja2 templates for the workbook texts and reports."""
