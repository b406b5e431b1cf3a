// SMTP TLS Reporting (RFC 8460): record, report JSON, gzip with an inflate limit, the mail form (issue 17).
