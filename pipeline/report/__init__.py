"""Report: the daily digest (HTML, Markdown, JSON), its charts, e-mail and urgent alerts.
Takes Issues and the store; hands on files in the data folder and messages.
"""
