import Foundation
import TestSupport
import Testing

/// A PostgreSQL server of the test's own, from the binaries the lab uses (`/usr/lib/postgresql/N/bin`), so that it
/// can be stopped and started without disturbing the lab's: trust authentication on loopback, a free port, data in a
/// temporary folder (owned by the `postgres` user when the tests run as root, as PostgreSQL refuses root).
struct PrivatePostgres {
    let bin: String
    let folder: URL
    let port: Int
    /// Whether the server accepts TLS connections only, with a certificate for 127.0.0.1 from its own CA (``caFile``).
    let tlsOnly: Bool

    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }
    var caFile: String { folder.appendingPathComponent("ca.pem").path }

    init(tlsOnly: Bool = false) throws {
        self.tlsOnly = tlsOnly
        let versions = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")
            .compactMap(Int.init).sorted()
        let version = try #require(versions.last, "no PostgreSQL server under /usr/lib/postgresql (scripts/install-deps.sh test)")
        bin = "/usr/lib/postgresql/\(version)/bin"
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-pg-\(UUID().uuidString.prefix(8))")
        port = freeLoopbackPort()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if getuid() == 0 { try runTool("chown", ["postgres:", folder.path]) }
        try asOwner("initdb", ["--pgdata=\(folder.path)/data", "--username=postgres", "--auth=trust", "--encoding=UTF8",
                               "--locale=C.UTF-8", "--no-sync"])
        if tlsOnly { try makeCertificates() }
        try start()
    }

    func start() throws {
        let tls = tlsOnly ? " -c ssl=on -c ssl_cert_file=\(folder.path)/server.pem -c ssl_key_file=\(folder.path)/server.key" : ""
        try asOwner("pg_ctl", ["--pgdata=\(folder.path)/data", "--log=\(folder.path)/server.log", "--wait", "--timeout=30",
                               "--options=-c listen_addresses=127.0.0.1 -c port=\(port) -c unix_socket_directories=\(folder.path) -c fsync=off\(tls)",
                               "start"])
    }

    /// A CA and a server certificate for 127.0.0.1 made with openssl, and a pg_hba.conf that refuses TCP without TLS.
    private func makeCertificates() throws {
        let path = folder.path
        try runTool("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                                "-subj", "/CN=Stockade test database CA", "-keyout", "\(path)/ca.key", "-out", "\(path)/ca.pem"])
        try runTool("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
                                "-keyout", "\(path)/server.key", "-out", "\(path)/server.csr"])
        try "subjectAltName = IP:127.0.0.1, DNS:localhost\n".write(toFile: "\(path)/server.ext", atomically: true, encoding: .utf8)
        try runTool("openssl", ["x509", "-req", "-in", "\(path)/server.csr", "-CA", "\(path)/ca.pem", "-CAkey", "\(path)/ca.key",
                                "-CAcreateserial", "-days", "2", "-extfile", "\(path)/server.ext", "-out", "\(path)/server.pem"])
        try "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n"
            .write(toFile: "\(path)/data/pg_hba.conf", atomically: false, encoding: .utf8)
        if getuid() == 0 { try runTool("chown", ["postgres:", "\(path)/server.key", "\(path)/server.pem"]) }
        try runTool("chmod", ["0600", "\(path)/server.key"])
    }

    /// Stops the server at once, as a crash would (`immediate`: no checkpoint, every connection cut).
    func stop() throws {
        try asOwner("pg_ctl", ["--pgdata=\(folder.path)/data", "--mode=immediate", "--wait", "stop"])
    }

    func remove() {
        try? stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `tool` as the cluster's owner, with every descriptor above 2 closed first: the server it may start must
    /// not inherit the test process's pipes, or whoever reads them would wait for an end that never comes.
    @discardableResult
    private func asOwner(_ tool: String, _ arguments: [String]) throws -> Data {
        let owner = getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : []
        let closeAndRun = #"i=3; while [ $i -lt 1024 ]; do eval "exec $i>&-"; i=$((i+1)); done; exec "$@""#
        return try runTool("bash", ["-c", closeAndRun, "bash"] + owner + ["\(bin)/\(tool)"] + arguments)
    }
}

/// PostgreSQL restarted under load (issue 19): while it is down every request that needs it fails fast with 503, and
/// the server recovers by itself once it is back.
@Suite("A shared database that goes down and comes back", .serialized)
struct PostgresOutageTests {
    static let token = "outage-token-0123456789abcdef"

    func createAccount(_ server: ServerProcess, _ id: String) throws -> HTTPExchange {
        try server.admin("POST", "/admin/v1/accounts", token: Self.token, json: ["id": id, "primaryAddress": "\(id)@outage.test"])
    }

    func wkd(_ server: ServerProcess, _ hash: String) throws -> HTTPExchange {
        try server.request("GET", "/.well-known/openpgpkey/outage.test/hu/\(hash)", host: "openpgpkey.outage.test")
    }

    @Test func requestsFailFastWith503WhileTheDatabaseIsDownAndRecoverByThemselves() async throws {
        let database = try PrivatePostgres()
        defer { database.remove() }
        let server = try await ServerProcess(extra: ["database": database.url, "adminToken": Self.token,
                                                     "domains": [["name": "outage.test", "kind": "provider"]]])
        defer { server.stop(); server.removeData() }
        #expect(try createAccount(server, "before").status == 201)
        #expect(try wkd(server, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").status == 404)

        try database.stop()
        // Each hash is new, so no cached decision answers for the database.
        for (index, hash) in ["bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccccccccccccc"].enumerated() {
            let started = ContinuousClock.now
            let account = try createAccount(server, "during\(index)")
            let lookup = try wkd(server, hash)
            let elapsed = started.duration(to: .now)
            #expect(account.status == 503)
            #expect(lookup.status == 503)
            #expect(lookup.headers["retry-after"] == "5")
            #expect(lookup.text == "temporarily unavailable; try again later\n")
            // two requests, each bounded by the store's 3 s operation timeout
            #expect(elapsed < .seconds(7), "two requests took \(elapsed)")
        }

        try database.start()
        var recovered = try createAccount(server, "after")
        var attempts = 1
        while recovered.status != 201, attempts < 100 {
            try await Task.sleep(for: .milliseconds(100))
            recovered = try createAccount(server, "after")
            attempts += 1
        }
        #expect(recovered.status == 201, "not recovered after \(attempts) attempts 100 ms apart")
        #expect(try wkd(server, "dddddddddddddddddddddddddddddddd").status == 404)
        // what was written before the outage is still there, and nothing was written during it
        #expect(try createAccount(server, "before").status == 409)
        #expect(try createAccount(server, "during0").status == 201)
    }
}

/// TLS to the shared database (`sslmode`): against a server that refuses TCP without TLS, `verify-full` with the
/// server's CA connects, `prefer` connects, `disable` is refused by the server, and `verify-full` with another CA
/// (the lab's) refuses the server's certificate; each failure stops `stockade serve` at start with the reason.
@Suite("TLS to the shared database")
struct PostgresTLSTests {
    func serve(_ database: PrivatePostgres, query: String) async throws -> (server: ServerProcess?, log: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-pgtls-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: log) }
        do {
            let server = try await ServerProcess(extra: ["database": "\(database.url)?\(query)",
                                                         "domains": [["name": "tls.test", "kind": "provider"]]], errorLog: log)
            return (server, "")
        } catch {
            return (nil, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }
    }

    @Test func onlyAVerifiedTLSConnectionReachesATLSOnlyServer() async throws {
        let database = try PrivatePostgres(tlsOnly: true)
        defer { database.remove() }

        let verified = try await serve(database, query: "sslmode=verify-full&sslrootcert=\(database.caFile)")
        let server = try #require(verified.server, "verify-full with the server's CA: \(verified.log)")
        #expect(try server.request("GET", "/.well-known/openpgpkey/tls.test/policy", host: "openpgpkey.tls.test").status == 200)
        server.stop()
        server.removeData()

        let preferred = try await serve(database, query: "sslmode=prefer")
        #expect(preferred.server != nil, "prefer: \(preferred.log)")
        preferred.server?.stop()
        preferred.server?.removeData()

        let plain = try await serve(database, query: "sslmode=disable")
        #expect(plain.server == nil)
        #expect(plain.log.contains("cannot open postgres://postgres@127.0.0.1:\(database.port)/postgres"), "\(plain.log)")
        #expect(plain.log.contains("no encryption"), "\(plain.log)")

        let otherCA = try await serve(database, query: "sslmode=verify-full&sslrootcert=\(try labVariable("STOCKADE_LAB_CA"))")
        #expect(otherCA.server == nil)
        #expect(otherCA.log.contains("cannot open postgres://postgres@127.0.0.1:\(database.port)/postgres"), "\(otherCA.log)")
    }
}
