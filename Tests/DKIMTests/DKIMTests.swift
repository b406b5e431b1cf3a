// DKIM tests (issue 15).
