import Foundation
import TestSupport
import Testing

/// `stockade smtp probe` and `stockade tlsa check-rollover` against the lab's Postfix DANE hosts.
@Suite("stockade smtp probe / tlsa check-rollover (lab)", .serialized)
struct SMTPProbeCommandTests {
    func probe(_ domain: String, json: Bool = true) throws -> CLI.Result {
        try CLI.run(["smtp", "probe", domain, "--resolver", try CLI.labResolver(), "--port", try labVariable("STOCKADE_LAB_MTA_PORT"),
                     "--ca-file", try labVariable("STOCKADE_LAB_CA"), "--mta-sts-port", try labVariable("STOCKADE_LAB_HTTPS_PORT"),
                     "--timeout", "10"] + (json ? ["--json"] : []))
    }

    func certificatePath(_ name: String) throws -> String {
        "\(try labVariable("STOCKADE_LAB_DIR"))/ca/\(name)"
    }

    /// sha256 of the certificate's SubjectPublicKeyInfo, by OpenSSL.
    func opensslSPKIDigest(_ pem: String) throws -> String {
        String(decoding: try runTool("sh", ["-c", "openssl x509 -in '\(pem)' -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum"]),
               as: UTF8.self).split(separator: " ")[0].description
    }

    @Test("JSON for a DANE-EE host: the record, the chain's SPKI digest equal to OpenSSL's, the verdict and the decision")
    func probeJSON() throws {
        let result = try probe("ee.dane.test")
        #expect(result.status == 0, "\(result.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(json["decision"] as? String == "verified")
        #expect(json["mxDNSSEC"] as? String == "secure")
        let host = try #require((json["hosts"] as? [[String: Any]])?.first)
        #expect(host["name"] as? String == "mx.ee.dane.test")
        #expect(host["addresses"] as? [String] == ["127.0.7.1"])
        #expect(host["startTLSOffered"] as? Bool == true)
        let digest = try opensslSPKIDigest(try certificatePath("mx.ee.dane.test.pem"))
        let certificates = try #require(host["certificates"] as? [[String: Any]])
        #expect(certificates.first?["spkiSHA256"] as? String == digest)
        let tlsa = try #require(host["tlsa"] as? [[String: Any]])
        #expect(tlsa.count == 1)
        #expect((tlsa.first?["record"] as? String)?.replacingOccurrences(of: " ", with: "").lowercased() == "311\(digest)")
        #expect(tlsa.first?["usable"] as? Bool == true)
        let dane = try #require(host["dane"] as? [String: Any])
        #expect(dane["verdict"] as? String == "validated")
        #expect(dane["tlsrptResultType"] == nil)
    }

    @Test("A mismatching host: exit status 1, decision defer, TLSRPT validation-failure")
    func probeMismatch() throws {
        let result = try probe("mismatch.dane.test")
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(json["decision"] as? String == "defer")
        let host = try #require((json["hosts"] as? [[String: Any]])?.first)
        #expect((host["dane"] as? [String: Any])?["tlsrptResultType"] as? String == "validation-failure")
    }

    @Test("Text output names each unusable record's reason and the decision")
    func probeText() throws {
        let result = try probe("unusable.dane.test", json: false)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("decision   encrypted-only: via mx.unusable.dane.test: TLSA records exist but none is usable"))
        #expect(result.output.contains("unusable: usage 1 (PKIX) is not for SMTP (RFC 7672 §3.1.3)"))
        #expect(result.output.contains("unusable: matching type 1 needs 32 bytes of digest, the record has 16"))
        #expect(result.output.contains("[TLSRPT tlsa-invalid]"))
    }

    func rollover(_ next: String, host: String) throws -> CLI.Result {
        try CLI.run(["tlsa", "check-rollover", "--next", next, host, "--port", try labVariable("STOCKADE_LAB_MTA_PORT"),
                     "--resolver", try CLI.labResolver()])
    }

    @Test("RFC 7671 §8.1: a renewal with the same key is safe under 3 1 1; a new key is not, and the record to add is printed")
    func checkRollover() throws {
        let renewed = try rollover(try certificatePath("mx.ee.dane.test.renewed.pem"), host: "mx.ee.dane.test")
        #expect(renewed.status == 0, "\(renewed.output)\(renewed.error)")
        #expect(renewed.output.hasPrefix("safe: the published record 3 1 1 "))
        let newKey = try certificatePath("mx.ee.dane.test.newkey.pem")
        let broken = try rollover(newKey, host: "mx.ee.dane.test")
        #expect(broken.status == 1)
        #expect(broken.output.hasPrefix("NOT safe: no published record matches the next certificate"))
        let generated = try CLI.run(["tlsa", "generate", "--cert", newKey, "--host", "mx.ee.dane.test"])
        #expect(broken.output.hasSuffix(generated.output))
        #expect(generated.output.contains(try opensslSPKIDigest(newKey)))
    }

    @Test("check-rollover: a host without secure TLSA records cannot break; bogus records are reported, exit 1")
    func checkRolloverWithoutDANE() throws {
        let newKey = try certificatePath("mx.ee.dane.test.newkey.pem")
        let none = try rollover(newKey, host: "mx.sts.dane.test")
        #expect(none.status == 0)
        #expect(none.output.hasPrefix("no DANE for this host (no TLSA records for mx.sts.dane.test (DNSSEC-secure denial))"))
        let bogus = try rollover(newKey, host: "mx.bogus.dane.test")
        #expect(bogus.status == 1)
        #expect(bogus.output.hasPrefix("the TLSA records are DNSSEC-bogus"))
    }
}
