import Foundation
import TestSupport
import Testing

/// Real GnuPG and Stockade's own WKD client fetch keys from `stockade serve` over HTTPS, as on the Internet:
/// names resolved by the lab's validating resolver, certificates from the lab CA chosen by SNI, port 443.
///
/// Needs root: the server listens on 127.0.9.1:443, and GnuPG's dirmngr, which only reads /etc/resolv.conf and
/// the system CA bundle, runs in a private mount namespace with the lab's versions of both bind-mounted.
@Suite("WKD end to end: GnuPG and stockade wkd fetch against stockade serve (lab, root)", .serialized)
struct WKDEndToEndTests {
    static let address = "127.0.9.1"

    struct Lab {
        let directory: String
        let resolver: String
        let resolvConf: String
        let bundle: String
        let ca: String

        init() throws {
            directory = try labVariable("STOCKADE_LAB_DIR")
            resolver = try labVariable("STOCKADE_RESOLVER")
            resolvConf = try labVariable("STOCKADE_LAB_RESOLV_CONF")
            bundle = try labVariable("STOCKADE_LAB_CA_BUNDLE")
            ca = try labVariable("STOCKADE_LAB_CA")
            guard getuid() == 0 else { throw NeedsRoot() }
        }

        func certificate(_ host: String) -> [String: Any] {
            ["hosts": [host], "certificate": "\(directory)/ca/\(host).pem", "key": "\(directory)/ca/\(host).key"]
        }
    }

    struct NeedsRoot: Error, CustomStringConvertible {
        var description: String { "this test must run as root: it binds 127.0.9.1:443 and uses a private mount namespace (unshare -m)" }
    }

    /// A key with the provider address, the hosted address and an unrelated one, set up with the CLI in a database
    /// that the TLS server then serves.
    struct Published {
        let server: ServerProcess
        let home: GnuPGHome
        let fingerprint: String

        func close() {
            server.stop()
            server.removeData()
            home.close()
        }
    }

    func publish(_ lab: Lab) async throws -> Published {
        let home = try GnuPGHome()
        let fingerprint = try home.generateKey("Alice <alice@provider.web.test>")
        try home.gpg(["--quick-add-uid", fingerprint, "Alice Hosted <Alice.H@hosted.web.test>"])
        try home.gpg(["--quick-add-uid", fingerprint, "Alice Elsewhere <alice@elsewhere.example>"])
        let keyFile = try home.write(home.export(fingerprint), name: "alice.pgp")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let database = ["--database", data.appendingPathComponent("stockade.sqlite").path]
        for command in [
            ["directory", "domain", "add", "provider.web.test", "--kind", "provider"],
            ["directory", "domain", "add", "hosted.web.test", "--kind", "hosted"],
            ["directory", "account", "add", "alice", "--primary", "alice@provider.web.test"],
            ["directory", "alias", "add", "Alice.H@hosted.web.test", "--account", "alice"],
            ["directory", "key", "import", keyFile, "--account", "alice"],
            ["directory", "key", "associate", "alice@provider.web.test", fingerprint],
            ["directory", "key", "associate", "Alice.H@hosted.web.test", fingerprint],
        ] {
            let result = try CLI.run(command + database)
            #expect(result.status == 0, "stockade \(command.joined(separator: " ")): \(result.error)")
        }
        let server = try await ServerProcess(
            extra: [
                "listen": "\(Self.address):443",
                "tls": ["certificates": [lab.certificate("openpgpkey.provider.web.test"), lab.certificate("hosted.web.test")]],
            ],
            dataDirectory: data)
        return Published(server: server, home: home, fingerprint: fingerprint)
    }

    /// `gpg --locate-keys` by WKD only, in a fresh home inside a mount namespace; returns the `fpr` and `uid` lines.
    func gnupgLocate(_ address: String, lab: Lab) throws -> (fingerprints: [String], userIDs: [String]) {
        let home = try GnuPGHome()
        defer { home.close() }
        let script = """
            mount --bind '\(lab.resolvConf)' /etc/resolv.conf && mount --bind '\(lab.bundle)' /etc/ssl/certs/ca-certificates.crt \
            && gpg --homedir '\(home.path)' --batch --auto-key-locate clear,nodefault,wkd --locate-keys '\(address)' >/dev/null 2>&1; \
            gpg --homedir '\(home.path)' --batch --with-colons --list-keys; status=$?; gpgconf --homedir '\(home.path)' --kill all; exit $status
            """
        let listing = String(decoding: try runTool("unshare", ["-m", "--propagation", "private", "sh", "-c", script]), as: UTF8.self)
        let lines = listing.split(separator: "\n").map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
        // The first fpr line is the primary key's; subkeys follow their `sub` line.
        var fingerprints: [String] = []
        var afterPrimary = false
        for fields in lines {
            if fields[0] == "pub" { afterPrimary = true } else if fields[0] == "sub" { afterPrimary = false }
            if fields[0] == "fpr", afterPrimary { fingerprints.append(fields[9]) }
        }
        return (fingerprints, lines.filter { $0[0] == "uid" }.map { $0[9] })
    }

    @Test func gnupgFindsTheProviderKeyByTheAdvancedMethod() async throws {
        let lab = try Lab()
        let published = try await publish(lab)
        defer { published.close() }
        let found = try gnupgLocate("alice@provider.web.test", lab: lab)
        #expect(found.fingerprints == [published.fingerprint])
        #expect(found.userIDs == ["Alice <alice@provider.web.test>"], "only the requested user ID is published")
    }

    @Test func gnupgFindsTheHostedKeyByTheDirectMethod() async throws {
        let lab = try Lab()
        let published = try await publish(lab)
        defer { published.close() }
        let found = try gnupgLocate("Alice.H@hosted.web.test", lab: lab)
        #expect(found.fingerprints == [published.fingerprint])
        #expect(found.userIDs == ["Alice Hosted <Alice.H@hosted.web.test>"])
    }

    @Test func gnupgFindsNothingForAnAddressNotPublished() async throws {
        let lab = try Lab()
        let published = try await publish(lab)
        defer { published.close() }
        let found = try gnupgLocate("bob@provider.web.test", lab: lab)
        #expect(found.fingerprints.isEmpty)
        #expect(found.userIDs.isEmpty)
    }

    @Test func stockadeWKDClientFetchesFromTheServer() async throws {
        let lab = try Lab()
        let published = try await publish(lab)
        defer { published.close() }
        for (address, method, userID) in [
            ("alice@provider.web.test", "advanced", "Alice <alice@provider.web.test>"),
            ("Alice.H@hosted.web.test", "direct", "Alice Hosted <Alice.H@hosted.web.test>"),
        ] {
            let output = published.home.path + "/fetched-\(method).pgp"
            let result = try CLI.run(["wkd", "fetch", address, "--resolver", lab.resolver, "--ca-file", lab.ca, "-o", output])
            #expect(result.status == 0, "\(result.error)")
            #expect(result.error.hasPrefix("\(method): https://"), "\(result.error)")
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: output)))
            #expect(try published.home.shownUserIDs(of: bytes) == [userID])
        }
    }
}
