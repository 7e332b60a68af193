"""Understand: normalise, segment, classify (relevance, topic, signal), geotag and de-duplicate documents; train and evaluate the models.
Takes Documents from the store; hands on Analysis rows to the store.
"""
