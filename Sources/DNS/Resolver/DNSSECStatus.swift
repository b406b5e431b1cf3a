/// Whether DNSSEC proved an answer, as far as a stub resolver can know (RFC 4035 §4.9).
public enum DNSSECStatus: Sendable, Hashable, CustomStringConvertible {
    /// A trusted validating resolver set the AD bit: the answer was proved.
    case secure
    /// A trusted validating resolver answered without AD: no chain of trust covers the name.
    case insecure
    /// A trusted validating resolver refused the answer (SERVFAIL), with the extended error's reason when given.
    case bogus(reason: String)
    /// The answer came from a resolver that is not trusted to validate, or was not checked.
    case indeterminate

    /// The word the CLI prints: `secure`, `insecure`, `bogus` or `indeterminate`.
    public var name: String {
        switch self {
        case .secure: "secure"
        case .insecure: "insecure"
        case .bogus: "bogus"
        case .indeterminate: "indeterminate"
        }
    }

    public var description: String {
        if case .bogus(let reason) = self, !reason.isEmpty { return "bogus (\(reason))" }
        return name
    }

    /// The weaker of two statuses, for an answer assembled from several responses (a CNAME chain).
    func combined(with other: DNSSECStatus) -> DNSSECStatus {
        switch (self, other) {
        case (.bogus, _): self
        case (_, .bogus): other
        case (.indeterminate, _), (_, .indeterminate): .indeterminate
        case (.insecure, _), (_, .insecure): .insecure
        default: .secure
        }
    }
}
