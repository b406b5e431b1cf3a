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

    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    init() throws {
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
        try start()
    }

    func start() throws {
        try asOwner("pg_ctl", ["--pgdata=\(folder.path)/data", "--log=\(folder.path)/server.log", "--wait", "--timeout=30",
                               "--options=-c listen_addresses=127.0.0.1 -c port=\(port) -c unix_socket_directories=\(folder.path) -c fsync=off",
                               "start"])
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
        try server.request("POST", "/admin/v1/accounts",
                           headers: ["Authorization": "Bearer \(Self.token)", "Content-Type": "application/json"],
                           body: Array(#"{"id": "\#(id)", "primaryAddress": "\#(id)@outage.test"}"#.utf8))
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
