// DMARC (RFC 9989, RFC 7489 mode): record, tree walk, alignment, disposition; Authentication-Results (RFC 8601).
// Being built for issue 15.
