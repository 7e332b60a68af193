"""duluan's pipeline: everything after a page is fetched, one subpackage per stage.

``common`` < ``parse`` < ``store`` < ``understand`` < ``detect`` < ``report`` (< ``web``);
the modules at this level (cli, jobs, scheduler, frames, export, bench helpers) compose them.
"""
