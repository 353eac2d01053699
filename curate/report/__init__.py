"""`curate report`: one HTML page showing what a corpus holds and what was removed and why."""
