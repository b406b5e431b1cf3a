public import Foundation
@_spi(FixedExpiryValidationTime) import X509
import SwiftASN1

/// Checks a server's certificate chain against its usable TLSA records (RFC 7672 §3.1, RFC 7671 §5).
///
/// - DANE-EE(3): the leaf's certificate or SPKI matches; no name, expiry or chain check (RFC 7672 §3.1.1).
/// - DANE-TA(2): a certificate the server sent matches, or — for `2 1 0` — the published key signed one; the chain
///   from the leaf to that anchor must pass RFC 5280 path validation (swift-certificates) at `time`, and the leaf
///   must name one of the reference identifiers: the TLSA base domain, the MX host name and the next-hop domain
///   (RFC 7672 §3.2.2, §3.2.3).
public struct DANEVerifier: Sendable {
    /// A server sending more certificates than this is not checked further (a mail server sends two or three).
    public static let maximumChainLength = 16

    public let records: DANERecords
    /// Names the leaf may carry under DANE-TA, lower case, without a final dot.
    public let referenceNames: [String]

    /// - Parameter nextHopDomain: the domain the mail is for (the MX lookup's name), an extra reference identifier.
    public init(records: DANERecords, nextHopDomain: String?) {
        self.records = records
        var names = [records.baseDomain, records.hostName]
        if let nextHopDomain { names.append(DANELookup.normalized(nextHopDomain)) }
        var seen = Set<String>()
        referenceNames = names.filter { seen.insert($0).inserted }
    }

    /// The verdict for the chain a server sent (DER, leaf first).
    public func verify(chain: [[UInt8]], at time: Date) async -> DANEVerdict {
        if records.isUnusable { return .unusable(records.unusable) }
        guard let leafDER = chain.first, let leaf = try? ServerCertificate(der: leafDER) else {
            return .failed(.invalidChain(reason: "the server sent no readable leaf certificate", expired: false))
        }
        for record in records.usable where record.usage == .daneEE && leaf.matches(record) {
            return .validated(record)
        }
        let issuers = chain.dropFirst().prefix(Self.maximumChainLength).compactMap { try? ServerCertificate(der: $0) }
        var failure = DANEFailure.noMatch
        for record in records.usable where record.usage == .daneTA {
            guard let anchor = Self.anchor(for: record, issuers: issuers, leaf: leaf) else { continue }
            switch await Self.validatePath(leaf: leaf, anchor: anchor, issuers: issuers, at: time) {
            case .failure(let chainFailure):
                failure = chainFailure
            case .success:
                let names = leaf.dnsNames
                if names.contains(where: { name in referenceNames.contains { Self.name(name, matches: $0) } }) {
                    return .validated(record)
                }
                failure = .nameMismatch(certificateNames: names, referenceNames: referenceNames)
            }
        }
        return .failed(failure)
    }

    /// The certificate that stands for the trust anchor: one the server sent that matches the record, or — for a
    /// full SPKI (`2 1 0`) — the topmost certificate the published key signed (RFC 7671 §5.2.2).
    static func anchor(for record: UsableTLSA, issuers: [ServerCertificate], leaf: ServerCertificate) -> Certificate? {
        if let match = issuers.first(where: { $0.matches(record) }) { return match.certificate }
        guard record.selector == .subjectPublicKeyInfo, record.matchingType == .exact,
              let key = try? Certificate.PublicKey(derEncoded: record.data) else { return nil }
        for candidate in ([leaf] + issuers).reversed()
        where key.isValidSignature(candidate.certificate.signature, for: candidate.certificate) {
            return candidate.certificate
        }
        return nil
    }

    /// RFC 5280 path validation from the leaf to the anchor, with the anchor as the only root. When the anchor is
    /// the leaf itself (signed directly by a published `2 1 0` key) only its validity period is left to check.
    static func validatePath(leaf: ServerCertificate, anchor: Certificate, issuers: [ServerCertificate], at time: Date)
        async -> Result<Void, DANEFailure> {
        if anchor == leaf.certificate {
            guard leaf.certificate.notValidBefore <= time, time <= leaf.certificate.notValidAfter else {
                return .failure(.invalidChain(reason: "the leaf is outside its validity period", expired: true))
            }
            return .success(())
        }
        var verifier = Verifier(rootCertificates: CertificateStore([anchor])) {
            RFC5280Policy(fixedExpiryValidationTime: time)
        }
        let result = await verifier.validate(leaf: leaf.certificate, intermediates: CertificateStore(issuers.map(\.certificate)))
        switch result {
        case .validCertificate:
            return .success(())
        case .couldNotValidate(let failures):
            let reasons = failures.map { "\($0.policyFailureReason)" }
            let reason = reasons.first ?? "no chain from the leaf to the trust anchor"
            let expired = !reasons.isEmpty && reasons.allSatisfy { $0.contains("expired") || $0.contains("not yet valid") }
            return .failure(.invalidChain(reason: reason, expired: expired))
        }
    }

    /// RFC 6125 §6.4 as RFC 7672 §3.2.3 narrows it: equal ignoring case and a final dot, or a wildcard that is the
    /// whole left-most label standing for exactly one label.
    static func name(_ presented: String, matches reference: String) -> Bool {
        let presented = DANELookup.normalized(presented)
        if presented == reference { return true }
        guard presented.hasPrefix("*."), let dot = reference.firstIndex(of: ".") else { return false }
        let suffix = presented.dropFirst(2)
        return !suffix.isEmpty && suffix.contains(".") && reference[reference.index(after: dot)...] == suffix
            && dot != reference.startIndex
    }
}
