/// The report inbox: TLSRPT (RFC 8460) and DMARC aggregate (RFC 9990) reports received over HTTPS and LMTP, checked,
/// deduplicated and stored.
public enum Reports {}
