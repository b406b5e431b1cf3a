import DKIM
import DNS
import Foundation
import Testing
import TestSupport

/// Stockade side by side with dkimpy 1.1.8 (PyPI) and Debian's OpenDKIM 2.11 on the same files, keys from the lab's
/// `dkim.test` zone through the lab's validating resolver.
///
/// Each case states all three answers. Where a peer differs from the RFC, the case says which section Stockade follows.
@Suite(.serialized) struct PeerTests {
    /// One message and what each verifier says of its signatures, top first.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let message: @Sendable () throws -> [UInt8]
        /// `result` or `result: reason`.
        let stockade: [String]
        /// nil where dkimpy's answer depends on the order of a rotated RRset (it reads only the first TXT record).
        let dkimpy: [Bool]?
        let openDKIM: [String]
        var testDescription: String { name }
    }

    static func signed(_ selector: String, key: String, canonicalization: CanonicalizationPair = .relaxed, domain: String = "dkim.test",
                       text: String = sampleMessage, _ configure: (inout DKIMSigner) -> Void = { _ in }) throws -> DKIMMessage {
        var signer = DKIMSigner(domain: domain, selector: selector, key: try TestKeys.key(key))
        signer.canonicalization = canonicalization
        configure(&signer)
        return try signer.sign(try message(text), at: Date())
    }

    /// The signed message's bytes with `old` replaced by `new` (exactly once).
    static func mutated(_ message: DKIMMessage, _ old: String, _ new: String) throws -> [UInt8] {
        let text = String(decoding: message.bytes, as: UTF8.self)
        guard let range = text.range(of: old) else { throw MutationNotApplicable(text: old) }
        return Array(text.replacingCharacters(in: range, with: new).utf8)
    }

    struct MutationNotApplicable: Error { let text: String }

    static let pairs = [Canonicalization.simple, .relaxed].flatMap { h in
        [Canonicalization.simple, .relaxed].map { CanonicalizationPair(header: h, body: $0) }
    }

    /// Changes after signing, with whether the header / body canonicalization forgives them: (name, old, new, header-side).
    static let mutations: [(String, String, String, Bool)] = [
        ("white space inside a field", "Subject:  Is dinner   ready?", "Subject: Is  dinner ready?", true),
        ("a field refolded", ",\r\n\tSam", ", Sam", true),
        ("a field name's case", "Subject:", "SUBJECT:", true),
        ("white space at a body line's end", "Hi.  \t\r\n", "Hi.\r\n", false),
        ("white space inside a body line", "game.  Are", "game. Are", false),
    ]

    /// OpenDKIM's test mode goes through the milter interface, which hands over each field's value without the white
    /// space after the colon; it rebuilds `Name: value`, so simple header canonicalization fails on the sample's
    /// `Subject:  Is dinner   ready?` (two spaces after the colon). A real Postfix milter run has the same loss.
    static func openDKIMSimpleHeader(_ pair: CanonicalizationPair, otherwise: String) -> String {
        pair.header == .simple ? "fail" : otherwise
    }

    static let keys = ["rsa2048", "ed25519"]

    static let unchangedCases: [Case] = pairs.flatMap { pair -> [Case] in
        keys.map { key -> Case in
            Case(name: "\(key) \(pair) unchanged", message: { try signed(key, key: key, canonicalization: pair).bytes },
                 stockade: ["pass"], dkimpy: [true], openDKIM: [openDKIMSimpleHeader(pair, otherwise: "pass")])
        }
    }

    static let plainCases: [Case] = pairs.flatMap { pair -> [Case] in
        keys.map { key -> Case in
            Case(name: "\(key) \(pair) unchanged, one space after each colon", message: {
                try signed(key, key: key, canonicalization: pair, text: plainMessage).bytes
            }, stockade: ["pass"], dkimpy: [true], openDKIM: ["pass"])
        }
    }

    static let mutationCases: [Case] = pairs.flatMap { pair -> [Case] in
        mutations.map { mutation -> Case in
            let (name, old, new, headerSide) = mutation
            let forgiven = (headerSide ? pair.header : pair.body) == .relaxed
            let reason = headerSide ? "signature did not verify (RFC 6376 §6.1.3)" : "body hash did not verify (RFC 6376 §6.1.3)"
            let stockade = forgiven ? "pass" : "fail: \(reason)"
            let openDKIM = openDKIMSimpleHeader(pair, otherwise: forgiven ? "pass" : "fail")
            return Case(name: "rsa2048 \(pair): \(name)", message: { try mutated(signed("rsa2048", key: "rsa2048", canonicalization: pair), old, new) },
                        stockade: [stockade], dkimpy: [forgiven], openDKIM: [openDKIM])
        }
    }

    static let bodyCases: [Case] = pairs.flatMap { pair -> [Case] in
        [
            Case(name: "ed25519 \(pair): empty lines added at the end", message: {
                try mutated(signed("ed25519", key: "ed25519", canonicalization: pair), "Joe.\r\n", "Joe.\r\n\r\n\r\n\r\n")
            }, stockade: ["pass"], dkimpy: [true], openDKIM: [openDKIMSimpleHeader(pair, otherwise: "pass")]),
            Case(name: "ed25519 \(pair): a body word changed", message: {
                try mutated(signed("ed25519", key: "ed25519", canonicalization: pair), "We lost", "We won")
            }, stockade: ["fail: body hash did not verify (RFC 6376 §6.1.3)"], dkimpy: [false], openDKIM: ["fail"]),
            Case(name: "ed25519 \(pair): a signed field changed", message: {
                try mutated(signed("ed25519", key: "ed25519", canonicalization: pair), "21:00:37", "22:00:37")
            }, stockade: ["fail: signature did not verify (RFC 6376 §6.1.3)"], dkimpy: [false], openDKIM: ["fail"]),
        ]
    }

    static let structureCases: [Case] = [
        Case(name: "l=: text appended after the signed length", message: {
            var m = try signed("rsa2048", key: "rsa2048") { $0.includesBodyLength = true }
            m.body += Array("-- \r\nAppended by a mailing list.\r\n".utf8)
            return m.bytes
        }, stockade: ["pass"], dkimpy: [true], openDKIM: ["pass"]),
        Case(name: "l=: body cut shorter than l=", message: {
            var m = try signed("rsa2048", key: "rsa2048") { $0.includesBodyLength = true }
            m.body = Array("Hi.\r\n".utf8)
            return m.bytes
        }, stockade: ["permerror: l=52 is longer than the canonical body (RFC 6376 §3.5)"], dkimpy: [false], openDKIM: ["fail"]),
        Case(name: "over-signed Subject: a second Subject added", message: {
            try mutated(signed("ed25519", key: "ed25519"), "Date:", "Subject: Buy now\r\nDate:")
        }, stockade: ["fail: signature did not verify (RFC 6376 §6.1.3)"], dkimpy: [false], openDKIM: ["fail"]),
        Case(name: "an unsigned field added", message: {
            try mutated(signed("ed25519", key: "ed25519"), "Date:", "X-Relay: yes\r\nDate:")
        }, stockade: ["pass"], dkimpy: [true], openDKIM: ["pass"]),
        Case(name: "bare LF line ends throughout", message: {
            Array(String(decoding: try signed("rsa2048", key: "rsa2048").bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        }, stockade: ["pass"], dkimpy: [true], openDKIM: ["pass"]),
        Case(name: "three signatures: ed25519 over revoked over rsa2048", message: {
            var m = try signed("rsa2048", key: "rsa2048")
            m = try DKIMSigner(domain: "dkim.test", selector: "revoked", key: try TestKeys.key("rsa2048")).sign(m, at: Date())
            return try DKIMSigner(domain: "dkim.test", selector: "ed25519", key: try TestKeys.key("ed25519")).sign(m, at: Date()).bytes
        }, stockade: ["pass", "permerror: key revoked: empty p= (RFC 6376 §3.6.1)", "pass"], dkimpy: [true, false, true],
             openDKIM: ["pass", "fail", "pass"]),
    ]

    static let keyRecordCases: [Case] = [
        // SubjectPublicKeyInfo is what publishers use (RFC 6376 Appendix C: `openssl rsa -pubout`); Stockade also reads a
        // bare PKCS#1 RSAPublicKey, as dkimpy does; OpenDKIM refuses it.
        Case(name: "p= as PKCS#1 RSAPublicKey", message: { try signed("pkcs1", key: "rsa2048").bytes },
             stockade: ["pass"], dkimpy: [true], openDKIM: ["permerror"]),
        Case(name: "key in 40-octet strings", message: { try signed("split", key: "rsa2048").bytes },
             stockade: ["pass"], dkimpy: [true], openDKIM: ["pass"]),
        Case(name: "unknown tag in the key record", message: { try signed("unknown", key: "ed25519").bytes },
             stockade: ["pass"], dkimpy: [true], openDKIM: ["pass"]),
        // RFC 6376 §6.1.2 lets a verifier cycle through several key records: Stockade tries each. OpenDKIM answers
        // temperror (multiple replies); dkimpy reads the first record, which unbound rotates.
        Case(name: "two key records, ed25519 signature", message: { try signed("double", key: "ed25519").bytes },
             stockade: ["pass"], dkimpy: nil, openDKIM: ["temperror"]),
        Case(name: "two key records, rsa signature", message: { try signed("double", key: "rsa2048").bytes },
             stockade: ["pass"], dkimpy: nil, openDKIM: ["temperror"]),
        Case(name: "t=y testing key", message: { try signed("testing", key: "ed25519").bytes },
             stockade: ["pass"], dkimpy: [true], openDKIM: ["pass"]),
        Case(name: "t=s key, i= in a subdomain", message: { try signed("strict", key: "ed25519") { $0.identity = "joe@mail.dkim.test" }.bytes },
             stockade: ["permerror: key record t=s requires i= in d= itself, not a subdomain (RFC 6376 §3.6.1)"], dkimpy: [true], openDKIM: ["fail"]),
        Case(name: "revoked key", message: { try signed("revoked", key: "rsa2048").bytes },
             stockade: ["permerror: key revoked: empty p= (RFC 6376 §3.6.1)"], dkimpy: [false], openDKIM: ["fail"]),
        Case(name: "key h=sha1 only", message: { try signed("sha1only", key: "rsa2048").bytes },
             stockade: ["permerror: key record h= does not allow sha256 (RFC 6376 §3.6.1)"], dkimpy: [true], openDKIM: ["fail"]),
        Case(name: "key s=other", message: { try signed("service", key: "ed25519").bytes },
             stockade: ["permerror: key record s= does not include email (RFC 6376 §3.6.1)"], dkimpy: [false], openDKIM: ["fail"]),
        Case(name: "k=rsa holding an Ed25519 key", message: { try signed("mismatch", key: "ed25519").bytes },
             stockade: ["permerror: key type k=rsa does not match a=ed25519-sha256 (RFC 6376 §6.1.2)"], dkimpy: [false], openDKIM: ["pass"]),
        Case(name: "key v=DKIM2", message: { try signed("version", key: "ed25519").bytes },
             stockade: ["permerror: key record v=DKIM2 is not DKIM1 (RFC 6376 §3.6.1)"], dkimpy: [false], openDKIM: ["fail"]),
        Case(name: "key without p=", message: { try signed("nokey", key: "ed25519").bytes },
             stockade: ["permerror: key record has no p= (RFC 6376 §3.6.1)"], dkimpy: [false], openDKIM: ["temperror"]),
        Case(name: "no key record (NXDOMAIN)", message: { try signed("absent", key: "ed25519").bytes },
             stockade: ["permerror: no key record: absent._domainkey.dkim.test does not exist (NXDOMAIN)"], dkimpy: [false], openDKIM: ["fail"]),
        Case(name: "key lookup SERVFAIL (child.secure.test has no DNSKEY)", message: {
            try signed("ed25519", key: "ed25519", domain: "child.secure.test").bytes
        }, stockade: ["temperror: key lookup for ed25519._domainkey.child.secure.test: SERVFAIL, DNSSEC bogus"], dkimpy: [false],
             openDKIM: ["451 4.7.5 DKIM key retrieval failed"]),
    ]

    /// RFC 8301: dkimpy and OpenDKIM still accept rsa-sha1; Stockade follows RFC 8301 §3.1 ("MUST NOT be considered valid").
    /// Keys under 1024 bits: all three refuse them (RFC 8301 §3.2); OpenDKIM says "policy".
    static let bannedCases: [Case] = [
        Case(name: "rsa-sha1 (signed by dkimpy), RFC 8301 §3.1", message: {
            try withTemporaryFile(try message(sampleMessage).bytes) { try Peers.dkimpySign($0, key: "rsa2048", selector: "rsa2048", algorithm: "rsa-sha1") }
        }, stockade: ["permerror: rsa-sha1 signatures are not accepted (RFC 8301 §3.1)"], dkimpy: [true], openDKIM: ["pass"]),
        Case(name: "rsa-sha256 with a 512-bit key (signed by dkimpy), RFC 8301 §3.2", message: {
            try withTemporaryFile(try message(sampleMessage).bytes) { try Peers.dkimpySign($0, key: "rsa512", selector: "rsa512", algorithm: "rsa-sha256") }
        }, stockade: ["permerror: RSA key of 512 bits is shorter than 1024 (RFC 8301 §3.2)"], dkimpy: [false], openDKIM: ["policy"]),
        Case(name: "rsa-sha256 with a 768-bit key (signed by dkimpy), RFC 8301 §3.2", message: {
            try withTemporaryFile(try message(sampleMessage).bytes) { try Peers.dkimpySign($0, key: "rsa768", selector: "rsa768", algorithm: "rsa-sha256") }
        }, stockade: ["permerror: RSA key of 768 bits is shorter than 1024 (RFC 8301 §3.2)"], dkimpy: [false], openDKIM: ["policy"]),
        Case(name: "rsa-sha256 with a 1024-bit key, the smallest allowed", message: { try signed("rsa1024", key: "rsa1024").bytes },
             stockade: ["pass"], dkimpy: [true], openDKIM: ["pass"]),
        Case(name: "ed25519-sha256 signed by dkimpy", message: {
            try withTemporaryFile(try message(plainMessage).bytes) { try Peers.dkimpySign($0, key: "ed25519", selector: "ed25519", algorithm: "ed25519-sha256", canonicalization: "simple/simple") }
        }, stockade: ["pass"], dkimpy: [true], openDKIM: ["pass"]),
        Case(name: "x= in the past", message: {
            var signer = DKIMSigner(domain: "dkim.test", selector: "ed25519", key: try TestKeys.key("ed25519"))
            signer.validity = 3600
            return try signer.sign(try message(sampleMessage), at: Date().addingTimeInterval(-7200)).bytes
        }, stockade: ["permerror: signature expired"], dkimpy: [true], openDKIM: ["permerror"]),
    ]

    static let allCases: [Case] = unchangedCases + plainCases + mutationCases + bodyCases + structureCases + keyRecordCases + bannedCases

    @Test("Side by side", arguments: allCases)
    func sideBySide(_ c: Case) async throws {
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
        let bytes = try c.message()
        let stockade = await DKIMVerifier(resolver: resolver).verify(try DKIMMessage(parsing: bytes)).map { v in
            v.result.rawValue + (v.reason.map { ": \($0)" } ?? "")
        }
        // x= reasons carry the time of the run, DNSSEC reasons the resolver's extended error text: compare up to those.
        let comparable = stockade.map { verdict in
            ["permerror: signature expired", "temperror: key lookup for ed25519._domainkey.child.secure.test: SERVFAIL, DNSSEC bogus"]
                .first { verdict.hasPrefix($0) } ?? verdict
        }
        #expect(comparable == c.stockade)
        let (dkimpy, openDKIM) = try withTemporaryFile(bytes) { path in (try Peers.dkimpy(path), try Peers.openDKIM(path)) }
        if let expected = c.dkimpy { #expect(dkimpy == expected, "dkimpy") }
        #expect(openDKIM == c.openDKIM, "OpenDKIM")
    }
}
