public import DANE
public import MTASTS
public import NIOSSL
public import SMTP

/// The STARTTLS policy for delivering to one MX host, as a DANE + MTA-STS sender chooses it (RFC 8461 §2: DANE
/// first): DANE when the host has secure TLSA records, else PKIX plus the MTA-STS rule when an `enforce` policy
/// applies, else opportunistic TLS.
public enum DeliveryTLS: Sendable {
    /// Connect with this policy.
    case connect(SMTPTLSPolicy)
    /// Do not connect to this host now (a bogus answer, or an MTA-STS `enforce` policy that does not list it).
    case skip(reason: String)

    /// - Parameters:
    ///   - dane: the host's DANE policy from ``DANELookup``.
    ///   - mtaSTS: the domain's MTA-STS policy, if any.
    ///   - trustRoots: the roots for PKIX under MTA-STS.
    public static func choose(host: String, nextHopDomain: String, dane: DANEPolicy, mtaSTS: MTASTSPolicy?,
                              trustRoots: NIOSSLTrustRoots) -> DeliveryTLS {
        switch dane {
        case .bogus(let reason):
            return .skip(reason: "DNSSEC-bogus: \(reason) (RFC 7672 §2.1.1)")
        case .applies(let records):
            return .connect(.dane(records, nextHopDomain: nextHopDomain))
        case .notApplicable:
            guard let mtaSTS, mtaSTS.mode != .none else { return .connect(.opportunistic(.none)) }
            if mtaSTS.mode == .testing { return .connect(.opportunistic(.none)) }
            guard mtaSTS.matches(mxHost: host) else {
                return .skip(reason: "MTA-STS enforce: \(host) matches none of \(mtaSTS.mx.map(\.text).joined(separator: ", ")) (RFC 8461 §4.1)")
            }
            return .connect(.required(.pkix(trustRoots: trustRoots, serverName: host)))
        }
    }
}
