import Foundation
import TestSupport
import Testing

/// A `stockade serve` with the key server on, mailing through the lab's SMTP sink over STARTTLS with AUTH PLAIN,
/// and a GnuPG home with Alice's key (by default `alice@example.org`, `alice@work.example`).
struct KeyServerWorld {
    let server: ServerProcess
    let home: GnuPGHome
    let fingerprint: String
    let maildir: String
    /// `https://provider.web.test:PORT` when the server listens with TLS on 127.0.9.1 (see ``startTLS(limits:userIDs:directory:)``).
    var baseURL: String?

    /// `extra` settings replace the world's own (e.g. another `mail` relay) or add to them.
    static func start(limits: [String: Any] = [:], extra: [String: Any] = [:]) async throws -> KeyServerWorld {
        try await start(limits: limits, userIDs: ["Alice <alice@example.org>", "Alice Work <alice@work.example>"], extra: extra)
    }

    /// The world over HTTPS on 127.0.9.1 at a random port, with lab-CA certificates for `provider.web.test` (the key
    /// server's name) and `openpgpkey.provider.web.test` (its WKD host). Before the server starts, `directory` gives
    /// `stockade directory …` commands (without `--database`) to run on its database, from the key's fingerprint and the
    /// path of its binary export.
    static func startTLS(limits: [String: Any] = [:], userIDs: [String],
                         directory: (_ fingerprint: String, _ keyFile: String) -> [[String]] = { _, _ in [] }) async throws -> KeyServerWorld {
        let lab = try labVariable("STOCKADE_LAB_DIR")
        let port = freeLoopbackPort()
        let certificates = ["provider.web.test", "openpgpkey.provider.web.test"].map { host in
            ["hosts": [host], "certificate": "\(lab)/ca/\(host).pem", "key": "\(lab)/ca/\(host).key"]
        }
        var world = try await start(limits: limits, userIDs: userIDs, directory: directory,
                                    extra: ["listen": "127.0.9.1:\(port)", "tls": ["certificates": certificates]])
        world.baseURL = "https://provider.web.test:\(port)"
        return world
    }

    /// The `mail` setting for the lab's SMTP relay: STARTTLS verified against the lab CA, AUTH PLAIN.
    static func labRelay() throws -> [String: Any] {
        [
            "relay": "\(try labVariable("STOCKADE_LAB_SMTP_HOST")):\(try labVariable("STOCKADE_LAB_SMTP_TLS_PORT"))",
            "tls": "required",
            "serverName": try labVariable("STOCKADE_LAB_SMTP_TLS_NAME"),
            "caFile": try labVariable("STOCKADE_LAB_CA"),
            "username": try labVariable("STOCKADE_LAB_SMTP_USER"),
            "password": try labVariable("STOCKADE_LAB_SMTP_PASSWORD"),
        ]
    }

    private static func start(limits: [String: Any], userIDs: [String],
                              directory: (String, String) -> [[String]] = { _, _ in [] },
                              extra: [String: Any] = [:]) async throws -> KeyServerWorld {
        let maildir = try labVariable("STOCKADE_LAB_SMTP_MAILDIR")
        let mail = try KeyServerWorld.labRelay()
        let home = try GnuPGHome()
        let fingerprint = try home.generateKey(userIDs[0])
        for userID in userIDs.dropFirst() { try home.gpg(["--quick-add-uid", fingerprint, userID]) }
        var keyServer: [String: Any] = ["baseURL": "http://keys.example.test", "mailFrom": "keys@example.test"]
        keyServer.merge(limits) { $1 }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-data-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let keyFile = try home.write(home.export(fingerprint), name: "key.pgp")
        for command in directory(fingerprint, keyFile) {
            let result = try CLI.run(command + ["--database", data.appendingPathComponent("stockade.sqlite").path])
            try #require(result.status == 0, "stockade \(command.joined(separator: " ")): \(result.error)")
        }
        let configuration: [String: Any] = ["keyServer": keyServer, "mail": mail, "resolver": try labVariable("STOCKADE_RESOLVER")]
        let server = try await ServerProcess(extra: configuration.merging(extra) { $1 }, dataDirectory: data)
        return KeyServerWorld(server: server, home: home, fingerprint: fingerprint, maildir: maildir)
    }

    func close() {
        server.stop()
        server.removeData()
        home.close()
    }

    func json(_ method: String, _ path: String, _ body: [String: Any]) throws -> HTTPExchange {
        try server.request(method, path, headers: ["Content-Type": "application/json"],
                           body: Array(try JSONSerialization.data(withJSONObject: body)))
    }

    func form(_ path: String, _ fields: [(String, String)]) throws -> HTTPExchange {
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try server.request("POST", path, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8))
    }

    func armoredKey() throws -> String {
        String(decoding: try home.gpg(["--armor", "--export", fingerprint]), as: UTF8.self)
    }

    /// Uploads Alice's key and asks for verification of `address`; returns the upload response.
    func uploadAndRequest(_ address: String) throws -> [String: Any] {
        let upload = try json("POST", "/vks/v1/upload", ["keytext": try armoredKey()])
        try #require(upload.status == 200, "\(upload.text)")
        let response = try #require(try JSONSerialization.jsonObject(with: Data(upload.body)) as? [String: Any])
        let token = try #require(response["token"] as? String)
        let verify = try json("POST", "/vks/v1/request-verify", ["token": token, "addresses": [address]])
        try #require(verify.status == 200, "\(verify.text)")
        return try #require(try JSONSerialization.jsonObject(with: Data(verify.body)) as? [String: Any])
    }

    /// The path (`/verify/…` or `/manage/…`) of the newest link about this world's key mailed to `recipient`, waiting up
    /// to 15 s for it.
    func mailedLink(_ kind: String, to recipient: String, after: Date) async throws -> String {
        for _ in 0..<150 {
            if let link = try newestLink(kind, to: recipient, after: after) { return link }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MailNotReceived(recipient: recipient)
    }

    private func newestLink(_ kind: String, to recipient: String, after: Date) throws -> String? {
        guard FileManager.default.fileExists(atPath: maildir) else { return nil }  // the sink creates it with the first message
        let names = try FileManager.default.contentsOfDirectory(atPath: maildir).filter { $0.hasSuffix(".json") }.sorted()
        for name in names.reversed() {
            let path = "\(maildir)/\(name)"
            // Files can vanish while we look (other test runs clean the shared sink's directory): skip those.
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  (attributes[.modificationDate] as? Date ?? .distantPast) >= after.addingTimeInterval(-1),
                  let data = try? Data(contentsOf: URL(fileURLWithPath: path)),
                  let envelope = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  (envelope["rcpt_tos"] as? [String])?.contains(recipient) == true,
                  let eml = envelope["eml"] as? String  // the message file's absolute path
            else { continue }
            guard let message = try? String(contentsOfFile: eml, encoding: .utf8) else { continue }
            let text = message
                .replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=3D", with: "=")
            // Mails of other servers (earlier tests) go to the same addresses: only this world's key counts.
            guard text.contains(fingerprint), let range = text.range(of: "http://keys.example.test/\(kind)/") else { continue }
            let token = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            return "/\(kind)/\(token)"
        }
        return nil
    }

    struct MailNotReceived: Error { let recipient: String }
}
