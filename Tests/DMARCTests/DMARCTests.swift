// DMARC tests (issue 15).
