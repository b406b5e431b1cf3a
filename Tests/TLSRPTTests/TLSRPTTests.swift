// TLSRPT tests (issue 17).
