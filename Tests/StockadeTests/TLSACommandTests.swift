import Foundation
import TestSupport
import Testing

/// `stockade tlsa generate` against OpenSSL's and ldns-dane's digests of the same certificates (RFC 6698 §2.1).
@Suite("stockade tlsa generate")
struct TLSAGenerateTests {
    /// A self-signed certificate made by openssl in a fresh directory: `rsa` (RSA 2048) or `ec` (P-256).
    static func certificate(_ kind: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlsa-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keyOptions = kind == "rsa" ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        _ = try runTool("openssl", ["req", "-x509"] + keyOptions + ["-nodes", "-keyout", "\(directory)/key.pem", "-out",
                        "\(directory)/cert.pem", "-subj", "/CN=mx.example.test", "-days", "30"])
        return "\(directory)/cert.pem"
    }

    /// What OpenSSL says the association data is: the DER of the certificate or of its public key, hashed.
    static func opensslData(_ pem: String, selector: Int, mtype: Int) throws -> String {
        let der = selector == 0
            ? "openssl x509 -in '\(pem)' -outform DER"
            : "openssl x509 -in '\(pem)' -pubkey -noout | openssl pkey -pubin -outform DER"
        let digest = ["xxd -p | tr -d '\\n'", "sha256sum | cut -d' ' -f1", "sha512sum | cut -d' ' -f1"][mtype]
        return String(decoding: try runTool("sh", ["-c", "\(der) | \(digest)"]), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("RSA and ECDSA certificates, both selectors and every matching type, equal OpenSSL's digests", arguments: ["rsa", "ec"])
    func equalsOpenSSL(kind: String) throws {
        let pem = try Self.certificate(kind)
        for selector in 0...1 {
            for mtype in 0...2 {
                let result = try CLI.run(["tlsa", "generate", "--cert", pem, "--usage", "3", "--selector", "\(selector)",
                                          "--mtype", "\(mtype)", "--host", "mx.example.test", "--port", "25"])
                #expect(result.status == 0, "\(result.error)")
                let expected = try Self.opensslData(pem, selector: selector, mtype: mtype)
                #expect(expected.count > 60)
                #expect(result.output == "_25._tcp.mx.example.test. IN TLSA 3 \(selector) \(mtype) \(expected)\n",
                        "\(kind) \(selector) \(mtype)")
            }
        }
    }

    @Test("The default is 3 1 1 (RFC 7671 §10.1.2) and equals ldns-dane's record", arguments: ["rsa", "ec"])
    func defaultEqualsLdnsDane(kind: String) throws {
        let pem = try Self.certificate(kind)
        let ours = try CLI.run(["tlsa", "generate", "--cert", pem, "--host", "mx.example.test"])
        #expect(ours.status == 0)
        let ldns = String(decoding: try runTool("ldns-dane", ["-c", pem, "create", "mx.example.test", "25", "3", "1", "1"]), as: UTF8.self)
        // ldns-dane: "_25._tcp.mx.example.test.\t3600\tIN\tTLSA\t3 1 1 <hex>"
        let fields = ldns.split(whereSeparator: { $0 == "\t" || $0 == "\n" }).map(String.init)
        #expect(fields.count == 5)
        #expect(ours.output == "\(fields[0]) IN TLSA \(fields[4])\n")
        for mtype in 0...2 {
            let other = String(decoding: try runTool("ldns-dane", ["-c", pem, "create", "mx.example.test", "25", "2", "0", "\(mtype)"]), as: UTF8.self)
            let generated = try CLI.run(["tlsa", "generate", "--cert", pem, "--host", "mx.example.test", "--usage", "2",
                                         "--selector", "0", "--mtype", "\(mtype)"])
            #expect(generated.output.split(separator: " ").last.map(String.init)
                    == other.split(whereSeparator: { $0 == "\t" || $0 == "\n" }).last.map { String($0.split(separator: " ").last!) + "\n" })
        }
    }

    @Test("PKIX usages and unknown parameters are refused with a reason")
    func refusesUnusableParameters() throws {
        let pem = try Self.certificate("ec")
        let pkix = try CLI.run(["tlsa", "generate", "--cert", pem, "--usage", "1"])
        #expect(pkix.status != 0)
        #expect(pkix.error.contains("The value '1' is invalid for '--usage <usage>'. Please provide one of '2' and '3'."))
        #expect(pkix.error.contains("0 and 1 are not for SMTP, RFC 7672 §3.1.3"))
        let selector = try CLI.run(["tlsa", "generate", "--cert", pem, "--selector", "2"])
        #expect(selector.error.contains("The value '2' is invalid for '--selector <selector>'. Please provide one of '0' and '1'."))
        let missing = try CLI.run(["tlsa", "generate", "--cert", "/nonexistent.pem"])
        #expect(missing.error.contains("cannot read /nonexistent.pem"))
    }

    /// Issue 14, item 5: `--json` gives the record's fields and the same zone line as the text output.
    @Test func jsonOutput() throws {
        let pem = try Self.certificate("ec")
        let text = try CLI.run(["tlsa", "generate", "--cert", pem, "--host", "MX.Example.Test", "--port", "587"])
        let json = try CLI.run(["tlsa", "generate", "--cert", pem, "--host", "MX.Example.Test", "--port", "587", "--usage", "3", "--json"])
        #expect(json.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(report["owner"] as? String == "_587._tcp.mx.example.test.")
        #expect(report["usage"] as? Int == 3 && report["selector"] as? Int == 1 && report["matchingType"] as? Int == 1)
        #expect(report["zoneLine"] as? String == text.output.trimmingCharacters(in: .newlines))
        let data = try #require(report["data"] as? String)
        #expect(text.output.hasSuffix(" \(data)\n") && data.count == 64)
    }
}
