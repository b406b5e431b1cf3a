import DANE
import DNS
import Foundation
import SMTP
import TestSupport
import Testing
import TransportSecurity

/// Stockade's DANE verdicts next to OpenSSL 3.0's (`openssl s_client -starttls smtp -dane_tlsa_domain …
/// -dane_tlsa_rrdata …`) for every lab host where OpenSSL's DANE code applies, fed the same TLSA records Stockade
/// read from DNS. OpenSSL is a matcher only: it knows nothing of DNSSEC or of SMTP's usage rules (shared/PEERS.md).
@Suite("DANE verdicts vs OpenSSL (lab)", .serialized)
struct OpenSSLDANEComparisonTests {
    struct Case: Sendable, CustomStringConvertible {
        let host: String
        let opensslAccepts: Bool
        let stockade: String
        var description: String { host }
    }

    /// Same verdict on both sides.
    static let agreeing: [Case] = [
        Case(host: "mx.ee.dane.test", opensslAccepts: true, stockade: "validated"),
        Case(host: "mx.ta.dane.test", opensslAccepts: true, stockade: "validated"),
        Case(host: "mx.takey.dane.test", opensslAccepts: true, stockade: "validated"),
        Case(host: "mx.mismatch.dane.test", opensslAccepts: false, stockade: "failed"),
        Case(host: "mx.expired.dane.test", opensslAccepts: true, stockade: "validated"),
        Case(host: "mx.cname.dane.test", opensslAccepts: true, stockade: "validated"),
    ]

    /// OpenSSL's verdict: whether `s_client` completes the handshake with "Verify return code: 0 (ok)".
    static func openssl(address: String, port: Int, base: String, records: [TLSA], caFile: String?) throws -> (Bool, String) {
        var arguments = ["s_client", "-connect", "\(address):\(port)", "-starttls", "smtp", "-servername", base,
                         "-dane_tlsa_domain", base, "-dane_ee_no_namechecks", "-verify_return_error", "-brief"]
        for record in records {
            arguments += ["-dane_tlsa_rrdata", String(record.zoneLine(ownerName: "x").split(separator: "TLSA ").last!)]
        }
        if let caFile { arguments += ["-CAfile", caFile] }
        do {
            let output = try runTool("openssl", arguments, input: Data())
            return (true, String(decoding: output, as: UTF8.self))
        } catch let failure as ToolFailed {
            return (false, failure.description)
        }
    }

    func stockade(_ host: String, lab: LabMTA) async throws -> (DANERecords, DANEVerdict, String) {
        let policy = try await DANELookup(resolver: lab.resolver).policy(host: host, port: lab.port)
        guard case .applies(let records) = policy else { throw LabNotRunningCase(host: host, policy: "\(policy)") }
        let address = try await lab.resolver.resolve(records.baseDomain, .a).rrset.first.map(\.data.presentation) ?? "?"
        let client = try lab.client(.opportunistic(.custom { _ in .accept }, serverName: records.baseDomain))
        let chain = try await client.probe(host: host, port: lab.port, resolver: lab.resolver).tls?.peerCertificates ?? []
        return (records, await DANEVerifier(records: records, nextHopDomain: nil).verify(chain: chain, at: Date()), address)
    }

    @Test("same verdict as OpenSSL", arguments: agreeing)
    func agreesWithOpenSSL(_ expected: Case) async throws {
        let lab = try LabMTA()
        let (records, verdict, address) = try await stockade(expected.host, lab: lab)
        let (accepted, output) = try Self.openssl(address: address, port: lab.port, base: records.baseDomain,
                                                  records: records.usable.map(\.record), caFile: nil)
        #expect(verdict.name == expected.stockade, "\(verdict)")
        #expect(accepted == expected.opensslAccepts, "\(output)")
    }

    @Test("RFC 7672 §3.1.3: OpenSSL accepts PKIX-EE(1)/PKIX-TA(0) records with a CA it trusts; for SMTP they are unusable")
    func pkixUsagesDiffer() async throws {
        let lab = try LabMTA()
        let (records, verdict, address) = try await stockade("mx.unusable.dane.test", lab: lab)
        #expect(verdict.name == "unusable")
        let pkix = records.unusable.map(\.record).filter { $0.usage <= 1 && $0.data.count == 32 }
        #expect(pkix.count == 2)
        let (accepted, output) = try Self.openssl(address: address, port: lab.port, base: records.baseDomain, records: pkix,
                                                  caFile: lab.caFile)
        #expect(accepted, "\(output)")
    }
}

/// A lab host whose DANE policy is not what the case needs.
struct LabNotRunningCase: Error, CustomStringConvertible {
    let host: String
    let policy: String
    var description: String { "\(host): expected secure TLSA records, got \(policy) (is the lab's mta component up?)" }
}
