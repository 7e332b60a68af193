"""One spider per source kind: rss, sitemap, listing, posts."""
