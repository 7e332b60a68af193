"""Detect: stories, daily baselines, hot issues with heat and level, and who should act.
Takes Documents with their Analyses from the store; hands on Stories and Issues.
"""
