public import DNS
public import Foundation

/// Whether the TLSA records published for a server already match the certificate chain it will use next, so that
/// switching does not break DANE delivery (RFC 7671 §8.1, "current + next").
public struct RolloverCheck: Sendable {
    /// What the check found.
    public enum Outcome: Sendable, Hashable {
        /// A published record matches the next chain.
        case safe(UsableTLSA)
        /// No published record matches: publish `add` (and wait two TTLs) before switching.
        case wouldBreak(add: TLSA, ownerName: String, reason: String)
        /// DANE does not apply to the host, so a new certificate cannot break it.
        case noDANE(String)
        /// The records are DNSSEC-bogus: delivery already defers.
        case bogus(String)

        public var isSafe: Bool {
            switch self {
            case .safe, .noDANE: true
            case .wouldBreak, .bogus: false
            }
        }

        public var text: String {
            switch self {
            case .safe(let record):
                "safe: the published record \(record) (\(record.usage.mnemonic)) matches the next certificate"
            case .wouldBreak(let add, let owner, let reason):
                "NOT safe: \(reason).\nPublish this record next to the current ones, wait twice its TTL, then switch:\n"
                    + add.zoneLine(ownerName: owner)
            case .noDANE(let reason): "no DANE for this host (\(reason)): a new certificate cannot break DANE delivery"
            case .bogus(let reason): "the TLSA records are DNSSEC-bogus (\(reason)): delivery defers already"
            }
        }
    }

    public let policy: DANEPolicy
    public let nextChain: [ServerCertificate]
    public let nextHopDomain: String?

    public init(policy: DANEPolicy, nextChain: [ServerCertificate], nextHopDomain: String?) {
        self.policy = policy
        self.nextChain = nextChain
        self.nextHopDomain = nextHopDomain
    }

    /// Runs the published records against the next chain as a sending MTA would at `time`.
    public func evaluate(at time: Date) async -> Outcome {
        switch policy {
        case .notApplicable(let reason): return .noDANE(reason)
        case .bogus(let reason): return .bogus(reason)
        case .applies(let records):
            guard let leaf = nextChain.first else {
                return .wouldBreak(add: TLSA(usage: 3, selector: 1, matchingType: 1, data: []), ownerName: records.ownerName,
                                   reason: "no next certificate")
            }
            let verdict = await DANEVerifier(records: records, nextHopDomain: nextHopDomain)
                .verify(chain: nextChain.map(\.der), at: time)
            if case .validated(let record) = verdict { return .safe(record) }
            // The form of the published DANE-EE record, so the new line sits beside it; else 3 1 1.
            let template = records.usable.first { $0.usage == .daneEE }
            let add = leaf.tlsaRecord(usage: .daneEE, selector: template?.selector ?? .subjectPublicKeyInfo,
                                      matchingType: template?.matchingType ?? .sha256)
            let reason: String
            if case .unusable = verdict {
                reason = "no published record is usable for SMTP"
            } else {
                reason = "no published record matches the next certificate (\(verdict))"
            }
            return .wouldBreak(add: add, ownerName: records.ownerName, reason: reason)
        }
    }
}
