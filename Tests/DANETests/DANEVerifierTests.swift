import Crypto
import DANE
import DNS
import Foundation
import TestSupport
import Testing
import X509

/// Chains against TLSA sets (RFC 7672 §3.1, RFC 7671 §5), with certificates made in the test.
@Suite struct DANEVerifierTests {
    let pki: TestPKI
    let host = "mx.example.test"

    init() throws { pki = try TestPKI() }

    private func records(_ list: [TLSA], base: String? = nil) -> DANERecords {
        DANERecords(hostName: host, baseDomain: base ?? host, port: 25, records: list)
    }

    private func verdict(_ list: [TLSA], chain: [ServerCertificate], nextHop: String? = "example.test", base: String? = nil) async -> DANEVerdict {
        await DANEVerifier(records: records(list, base: base), nextHopDomain: nextHop).verify(chain: chain.map(\.der), at: pki.now)
    }

    @Test("RFC 7672 §3.1.1: DANE-EE matches the leaf by SPKI or full certificate, with every matching type")
    func daneEEMatches() async throws {
        let leaf = try pki.leaf(names: [host])
        for selector in TLSASelector.allCases {
            for type in TLSAMatchingType.allCases {
                let record = leaf.tlsaRecord(usage: .daneEE, selector: selector, matchingType: type)
                let result = await verdict([record], chain: [leaf])
                #expect(result == .validated(try record.smtpUsability.get()), "3 \(selector.rawValue) \(type.rawValue)")
                #expect(result.tlsrptResultType == nil)
            }
        }
    }

    @Test("RFC 7672 §3.1.1: DANE-EE ignores names and expiry")
    func daneEEIgnoresNamesAndExpiry() async throws {
        let expired = try pki.leaf(names: ["elsewhere.invalid"], expired: true)
        let record = expired.tlsaRecord()
        #expect(await verdict([record], chain: [expired]) == .validated(try record.smtpUsability.get()))
    }

    @Test("A DANE-EE record for another key fails with validation-failure")
    func daneEEMismatch() async throws {
        let leaf = try pki.leaf(names: [host])
        let other = try pki.leaf(names: [host]).tlsaRecord()
        let result = await verdict([other], chain: [leaf, pki.ca])
        #expect(result == .failed(.noMatch))
        #expect(result.tlsrptResultType == "validation-failure")
    }

    @Test("RFC 7672 §3.1.2: DANE-TA matches a CA certificate the server sent, and the chain and names are checked")
    func daneTAInChain() async throws {
        let leaf = try pki.leaf(names: [host])
        for selector in TLSASelector.allCases {
            let record = pki.ca.tlsaRecord(usage: .daneTA, selector: selector, matchingType: .sha256)
            #expect(await verdict([record], chain: [leaf, pki.ca]) == .validated(try record.smtpUsability.get()))
        }
        // The anchor must be among what the server sends when the record is a digest (RFC 7671 §5.2.2).
        #expect(await verdict([pki.ca.tlsaRecord(usage: .daneTA, selector: .fullCertificate, matchingType: .sha256)],
                              chain: [leaf]) == .failed(.noMatch))
    }

    @Test("RFC 7671 §5.2.2: DANE-TA with the full SPKI (2 1 0) anchors a chain that does not include the CA")
    func daneTAPublishedKey() async throws {
        let leaf = try pki.leaf(names: [host])
        let record = pki.ca.tlsaRecord(usage: .daneTA, selector: .subjectPublicKeyInfo, matchingType: .exact)
        #expect(await verdict([record], chain: [leaf]) == .validated(try record.smtpUsability.get()))
        let stranger = try TestPKI(name: "Another CA")
        let foreign = stranger.ca.tlsaRecord(usage: .daneTA, selector: .subjectPublicKeyInfo, matchingType: .exact)
        #expect(await verdict([foreign], chain: [leaf]) == .failed(.noMatch))
    }

    @Test("RFC 7672 §3.2.3: under DANE-TA the leaf must name the TLSA base domain, the MX host or the next-hop domain")
    func daneTANames() async throws {
        let record = pki.ca.tlsaRecord(usage: .daneTA, selector: .subjectPublicKeyInfo, matchingType: .sha256)
        let usable = try record.smtpUsability.get()
        let wrong = try pki.leaf(names: ["other.example.test"])
        let result = await verdict([record], chain: [wrong, pki.ca])
        #expect(result == .failed(.nameMismatch(certificateNames: ["other.example.test"],
                                                referenceNames: [host, "example.test"])))
        #expect(result.tlsrptResultType == "certificate-host-mismatch")
        // the next-hop domain is a reference identifier
        #expect(await verdict([record], chain: [try pki.leaf(names: ["example.test"]), pki.ca]) == .validated(usable))
        #expect(await verdict([record], chain: [try pki.leaf(names: ["example.test"]), pki.ca], nextHop: nil) != .validated(usable))
        // a wildcard stands for exactly one left-most label
        #expect(await verdict([record], chain: [try pki.leaf(names: ["*.example.test"]), pki.ca]) == .validated(usable))
        #expect(await verdict([record], chain: [try pki.leaf(names: ["*.test"]), pki.ca], nextHop: nil) != .validated(usable))
        #expect(await verdict([record], chain: [try pki.leaf(names: ["mx.*.test"]), pki.ca], nextHop: nil) != .validated(usable))
        // the CNAME-expanded base domain counts as well as the original host name (RFC 7672 §2.2.3)
        #expect(await verdict([record], chain: [try pki.leaf(names: ["target.example.test"]), pki.ca], nextHop: nil,
                              base: "target.example.test") == .validated(usable))
        // names compare without regard to case or a final dot
        #expect(await verdict([record], chain: [try pki.leaf(names: ["MX.Example.Test."]), pki.ca], nextHop: nil) == .validated(usable))
    }

    @Test("RFC 7671 §5.2: under DANE-TA an expired leaf fails path validation, reported as certificate-expired")
    func daneTAExpiredLeaf() async throws {
        let record = pki.ca.tlsaRecord(usage: .daneTA, selector: .fullCertificate, matchingType: .sha512)
        let result = await verdict([record], chain: [try pki.leaf(names: [host], expired: true), pki.ca])
        guard case .failed(.invalidChain(_, let expired)) = result else {
            Issue.record("expected an invalid chain, got \(result)")
            return
        }
        #expect(expired)
        #expect(result.tlsrptResultType == "certificate-expired")
    }

    @Test("A leaf from another CA does not chain to the DANE-TA anchor even when both certificates are sent")
    func daneTAForeignLeaf() async throws {
        let stranger = try TestPKI(name: "Another CA")
        let record = pki.ca.tlsaRecord(usage: .daneTA, selector: .subjectPublicKeyInfo, matchingType: .sha256)
        let result = await verdict([record], chain: [try stranger.leaf(names: [host]), pki.ca])
        guard case .failed(.invalidChain(_, false)) = result else {
            Issue.record("expected an invalid chain, got \(result)")
            return
        }
    }

    @Test("RFC 7672 §2.2: only unusable records give the unusable verdict (TLS without authentication)")
    func onlyUnusable() async throws {
        let leaf = try pki.leaf(names: [host])
        let pkixEE = leaf.tlsaRecord(usage: .pkixEE)
        let result = await verdict([pkixEE], chain: [leaf])
        #expect(result == .unusable([UnusableTLSA(record: pkixEE, reason: .pkixUsage(1))]))
        #expect(result.tlsrptResultType == "tlsa-invalid")
    }

    @Test("Garbage chains and mutated certificates give verdicts, never a crash")
    func garbageChains() async throws {
        let leaf = try pki.leaf(names: [host])
        let set = [leaf.tlsaRecord(), pki.ca.tlsaRecord(usage: .daneTA, selector: .subjectPublicKeyInfo, matchingType: .exact)]
        let verifier = DANEVerifier(records: records(set), nextHopDomain: nil)
        var generator = SeededGenerator(state: 72)
        var validatedWithRandomLeaf = 0
        for round in 0..<3_000 {
            var chain = [leaf.der, pki.ca.der]
            let target = round % 2
            switch round % 3 {
            case 0:  // flip bytes
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<chain[target].count, using: &generator)
                    chain[target][index] ^= .random(in: 1...255, using: &generator)
                }
            case 1:  // truncate
                chain[target] = Array(chain[target].prefix(Int.random(in: 0..<chain[target].count, using: &generator)))
            default: // random bytes
                chain[target] = (0..<Int.random(in: 0...600, using: &generator)).map { _ in .random(in: 0...255, using: &generator) }
            }
            guard case .validated(let record) = await verifier.verify(chain: chain, at: pki.now) else { continue }
            // 3 1 1 hashes only the SPKI: a validation means the leaf still parses and carries the same key.
            #expect(record.usage == .daneEE)
            #expect((try? ServerCertificate(der: chain[0]))?.subjectPublicKeyInfo == leaf.subjectPublicKeyInfo)
            if target == 0, round % 3 == 2 { validatedWithRandomLeaf += 1 }
        }
        #expect(validatedWithRandomLeaf == 0)
        #expect(await verifier.verify(chain: [], at: pki.now) == .failed(.invalidChain(reason: "the server sent no readable leaf certificate", expired: false)))
    }
}

/// DANE-TA through an intermediate CA (RFC 7671 §5.2.2): root → intermediate → leaf.
@Suite struct DANETAIntermediateTests {
    let root: TestPKI
    let intermediate: TestPKI
    let leaf: ServerCertificate
    let host = "mx.example.test"

    init() throws {
        root = try TestPKI(name: "Stockade Test Root")
        intermediate = try root.intermediate()
        leaf = try intermediate.leaf(names: [host])
    }

    func verdict(_ record: TLSA, chain: [ServerCertificate]) async -> DANEVerdict {
        await DANEVerifier(records: DANERecords(hostName: host, baseDomain: host, port: 25, records: [record]), nextHopDomain: nil)
            .verify(chain: chain.map(\.der), at: root.now)
    }

    @Test("an anchor at the root or at the intermediate validates when the server sends it")
    func anchorsInTheChain() async throws {
        let onRoot = root.ca.tlsaRecord(usage: .daneTA, selector: .fullCertificate, matchingType: .sha256)
        #expect(await verdict(onRoot, chain: [leaf, intermediate.ca, root.ca]) == .validated(try onRoot.smtpUsability.get()))
        let onIntermediate = intermediate.ca.tlsaRecord(usage: .daneTA, selector: .subjectPublicKeyInfo, matchingType: .sha512)
        #expect(await verdict(onIntermediate, chain: [leaf, intermediate.ca]) == .validated(try onIntermediate.smtpUsability.get()))
    }

    @Test("a root digest needs the root in the chain; the root's full key (2 1 0) does not")
    func rootNotSent() async throws {
        let digest = root.ca.tlsaRecord(usage: .daneTA, selector: .subjectPublicKeyInfo, matchingType: .sha256)
        #expect(await verdict(digest, chain: [leaf, intermediate.ca]) == .failed(.noMatch))
        let key = root.ca.tlsaRecord(usage: .daneTA, selector: .subjectPublicKeyInfo, matchingType: .exact)
        #expect(await verdict(key, chain: [leaf, intermediate.ca]) == .validated(try key.smtpUsability.get()))
    }

    @Test("a leaf sent without the intermediate has no path to the root anchor")
    func missingIntermediate() async throws {
        let onRoot = root.ca.tlsaRecord(usage: .daneTA, selector: .fullCertificate, matchingType: .sha256)
        guard case .failed(.invalidChain) = await verdict(onRoot, chain: [leaf, root.ca]) else {
            Issue.record("a chain with a gap must not validate")
            return
        }
    }
}
