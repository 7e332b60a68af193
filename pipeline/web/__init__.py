"""The officials' workspace (``duluan serve``): read, search, follow up and review issues."""
