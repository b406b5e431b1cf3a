import DKIM
import Foundation
import Testing

/// RFC 6376 §3.5 and §6.1.1: reading a DKIM-Signature field.
@Suite struct SignatureFieldTests {
    static let complete = "v=1; a=rsa-sha256; d=example.com; s=sel; h=from:to; bh=AAAA; b=AAAA"

    func parse(_ value: String) throws(DKIMSignatureError) -> DKIMSignature {
        try DKIMSignature(field: HeaderField(name: "DKIM-Signature", value: " " + value))
    }

    func reason(_ value: String) -> String? {
        do {
            _ = try parse(value)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("§6.1.1: every required tag (v a b bh d h s) missing gives PERMFAIL naming it", arguments: ["v", "a", "b", "bh", "d", "h", "s"])
    func requiredTags(tag: String) {
        let value = Self.complete.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("\(tag)=") }.joined(separator: "; ")
        #expect(reason(value) == "missing required tag \(tag)= (RFC 6376 §6.1.1)")
    }

    @Test("§6.1.1: v= other than 1 is refused")
    func version() {
        #expect(reason(Self.complete.replacingOccurrences(of: "v=1", with: "v=2")) == "v= is not 1 (RFC 6376 §6.1.1)")
    }

    @Test("§6.1.1: h= without From is refused")
    func fromMustBeSigned() {
        #expect(reason(Self.complete.replacingOccurrences(of: "h=from:to", with: "h=to:subject")) == "h= does not include From (RFC 6376 §6.1.1)")
    }

    @Test("§6.1.1: i= must be in d= or a subdomain of it")
    func identityUnderDomain() throws {
        #expect(reason(Self.complete + "; i=joe@example.org") == "i= domain is not d= or a subdomain of it (RFC 6376 §6.1.1)")
        #expect(reason(Self.complete + "; i=joe@badexample.com") == "i= domain is not d= or a subdomain of it (RFC 6376 §6.1.1)")
        #expect(try parse(Self.complete + "; i=joe@Mail.Example.COM").identityDomain == "Mail.Example.COM")
        #expect(try parse(Self.complete).identityDomain == "example.com")
    }

    @Test("§3.5 c=: relaxed alone is relaxed/simple; absent is simple/simple; unknown is refused")
    func canonicalization() throws {
        #expect(try parse(Self.complete + "; c=relaxed").canonicalization == CanonicalizationPair(header: .relaxed, body: .simple))
        #expect(try parse(Self.complete + "; c=simple/relaxed").canonicalization == CanonicalizationPair(header: .simple, body: .relaxed))
        #expect(try parse(Self.complete).canonicalization == CanonicalizationPair(header: .simple, body: .simple))
        #expect(reason(Self.complete + "; c=nowsp") == "unknown canonicalization c=nowsp (RFC 6376 §3.5)")
        #expect(reason(Self.complete + "; c=relaxed/") == "unknown canonicalization c=relaxed/ (RFC 6376 §3.5)")
    }

    @Test("§6.1.1: q= must name dns/txt")
    func queryMethod() throws {
        #expect(try parse(Self.complete + "; q=dns/txt").selector == "sel")
        #expect(reason(Self.complete + "; q=http/well-known") == "q= names no supported query method (RFC 6376 §6.1.1)")
    }

    @Test("§3.5 x=: must be later than t=")
    func expirationAfterTimestamp() throws {
        #expect(reason(Self.complete + "; t=200; x=100") == "x= is not later than t= (RFC 6376 §3.5)")
        #expect(reason(Self.complete + "; t=200; x=200") == "x= is not later than t= (RFC 6376 §3.5)")
        let signature = try parse(Self.complete + "; t=100; x=200")
        #expect(signature.timestamp == 100)
        #expect(signature.expiration == 200)
    }

    @Test("§3.5: l=, t=, x= are decimal", arguments: ["l=-1", "l=0x10", "t=1.5", "x=", "l=" + String(repeating: "9", count: 77)])
    func decimals(tag: String) {
        #expect(reason(Self.complete + "; " + tag) != nil)
    }

    @Test("§3.5: unknown algorithms are refused; rsa-sha1 is read (so the verdict can name RFC 8301)")
    func algorithms() throws {
        #expect(reason(Self.complete.replacingOccurrences(of: "rsa-sha256", with: "rsa-sha512")) == "unknown algorithm a=rsa-sha512 (RFC 6376 §6.1.1)")
        #expect(try parse(Self.complete.replacingOccurrences(of: "rsa-sha256", with: "rsa-sha1")).algorithm == .rsaSHA1)
    }

    @Test("§3.5: a= names each algorithm by its raw value in any ASCII case, and nothing one octet longer or shorter")
    func algorithmNames() throws {
        let names: [(String, SignatureAlgorithm)] = [("rsa-sha256", .rsaSHA256), ("ed25519-sha256", .ed25519SHA256), ("rsa-sha1", .rsaSHA1)]
        #expect(names.map(\.1) == SignatureAlgorithm.allCases)
        for (name, algorithm) in names {
            #expect(try parse(Self.complete.replacingOccurrences(of: "rsa-sha256", with: name)).algorithm == algorithm)
            #expect(try parse(Self.complete.replacingOccurrences(of: "rsa-sha256", with: name.uppercased())).algorithm == algorithm)
            #expect(reason(Self.complete.replacingOccurrences(of: "rsa-sha256", with: name + "6")) == "unknown algorithm a=\(name)6 (RFC 6376 §6.1.1)")
            #expect(reason(Self.complete.replacingOccurrences(of: "rsa-sha256", with: String(name.dropLast()))) == "unknown algorithm a=\(name.dropLast()) (RFC 6376 §6.1.1)")
        }
    }

    @Test("§3.5: h= names are compared in lower case, with white space around colons allowed")
    func headerNames() throws {
        #expect(try parse(Self.complete.replacingOccurrences(of: "h=from:to", with: "h=From :\r\n To: SUBJECT")).signedHeaders == ["from", "to", "subject"])
    }

    @Test("§3.2: an unknown tag is ignored; a duplicated tag is refused")
    func unknownAndDuplicate() throws {
        #expect(try parse(Self.complete + "; foo=bar").domain == "example.com")
        #expect(reason(Self.complete + "; d=example.org")?.hasPrefix("tag list: tag d appears twice") == true)
    }
}
