/// The options postfix-mta-sts-resolver 1.5.1 offers per zone, with its defaults.
public struct PolicyResponderOptions: Sendable, Hashable {
    /// Enforce `testing` policies as if they were `enforce` (default off: RFC 8461 §5 says testing never blocks).
    public var strictTesting = false
    /// Add `servername=hostname` so Postfix sends SNI and checks the MX host name (default on, as the peer).
    public var requireSNI = true
    /// Add the attributes Postfix ≥ 3.10 reports in TLSRPT: `policy_type=sts policy_domain=… mx_host_pattern=…` and
    /// the policy strings (default off).
    public var tlsrpt = false
    /// Let DNSSEC-secure TLSA records on every MX host take precedence (RFC 8461 §2): answer `dane-only` instead of
    /// `secure` (default on; a correction over the peer, which always answers `secure`).
    public var danePrecedence = true

    public init() {}
}
