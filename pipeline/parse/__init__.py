"""Parse: network-free parsers the spiders call (decode, dates, URLs, feeds, sitemaps, listings, posts, extraction).
Takes bytes or text; hands on plain values (links, entries, extracted articles) with named problems.
"""
