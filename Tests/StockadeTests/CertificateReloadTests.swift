import Crypto
import Foundation
import TestSupport
import Testing

/// Issue 14, item 4: SIGHUP reloads the TLS certificates from disk; new connections get the new certificate, an
/// established connection keeps working, and files that do not load leave the old certificate in use.
@Suite("TLS certificate reload (lab)")
struct CertificateReloadTests {
    /// Drives the server over TLS from Python's `ssl` and prints, as JSON, the SHA-256 of the certificate a new
    /// connection gets at each step and the status of `/health` on a connection opened at the start: before and after
    /// new files are copied in, after SIGHUP (polled up to 5 s), and after a SIGHUP with a key file that does not load.
    static let client = """
        import hashlib, http.client, json, os, shutil, signal, socket, ssl, sys, time
        port, pid, certificate, key, new_certificate, new_key = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:7]
        def context():
            c = ssl.create_default_context()
            c.check_hostname = False
            c.verify_mode = ssl.CERT_NONE
            return c
        def presented():
            with socket.create_connection(("127.0.0.1", port)) as raw:
                with context().wrap_socket(raw, server_hostname="provider.web.test") as tls:
                    return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()
        kept = http.client.HTTPSConnection("127.0.0.1", port, context=context())
        def kept_status():
            kept.request("GET", "/health")
            response = kept.getresponse()
            response.read()
            return response.status
        steps = {"start": presented(), "keptStart": kept_status()}
        shutil.copyfile(new_certificate, certificate)
        shutil.copyfile(new_key, key)
        steps["copied"] = presented()
        os.kill(pid, signal.SIGHUP)
        for _ in range(50):
            steps["reloaded"] = presented()
            if steps["reloaded"] != steps["start"]:
                break
            time.sleep(0.1)
        steps["keptReloaded"] = kept_status()
        with open(key, "w") as f:
            f.write("not a key")
        os.kill(pid, signal.SIGHUP)
        time.sleep(0.5)
        steps["badKey"] = presented()
        print(json.dumps(steps))
        """

    /// The SHA-256 of a PEM certificate's DER bytes, computed apart from the server.
    static func fingerprint(ofPEM path: String) throws -> String {
        let pem = try String(contentsOfFile: path, encoding: .utf8)
        let base64 = pem.split(separator: "\n").prefix { !$0.hasPrefix("-----END") }.filter { !$0.hasPrefix("-----") }.joined()
        let der = try #require(Data(base64Encoded: base64))
        return SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
    }

    @Test func hangupReloadsCertificatesWithoutDroppingConnections() async throws {
        let lab = try labVariable("STOCKADE_LAB_DIR")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appendingPathComponent("server.pem").path, key = folder.appendingPathComponent("server.key").path
        try FileManager.default.copyItem(atPath: "\(lab)/ca/provider.web.test.pem", toPath: certificate)
        try FileManager.default.copyItem(atPath: "\(lab)/ca/provider.web.test.key", toPath: key)
        let first = try Self.fingerprint(ofPEM: "\(lab)/ca/provider.web.test.pem")
        let second = try Self.fingerprint(ofPEM: "\(lab)/ca/good.web.test.pem")
        #expect(first != second)
        let port = freeLoopbackPort()
        let server = try await ServerProcess(extra: [
            "listen": "127.0.0.1:\(port)",
            "tls": ["certificates": [["hosts": ["provider.web.test"], "certificate": certificate, "key": key]]],
        ])
        defer { server.stop(); server.removeData() }
        let output = try runTool("python3", ["-c", Self.client, String(port), String(server.processIdentifier), certificate, key,
                                             "\(lab)/ca/good.web.test.pem", "\(lab)/ca/good.web.test.key"])
        let steps = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect(steps["start"] as? String == first)
        #expect(steps["keptStart"] as? Int == 200)
        #expect(steps["copied"] as? String == first, "nothing changes before the signal")
        #expect(steps["reloaded"] as? String == second)
        #expect(steps["keptReloaded"] as? Int == 200, "the connection opened before the reload still answers")
        #expect(steps["badKey"] as? String == second, "a key that does not load leaves the certificate in use")
    }
}
